package sip

// housekeeping runs once a second on the driver: registrations that
// expired take their extensions offline, connected calls whose BYE never
// came (or whose 2xx was never acknowledged) end, the flood protection
// forgets the sources it no longer needs, and the NAT keep-alives go out
// when their interval has passed.
func (d *driver) housekeeping() {
	now := d.clock.Now()
	for _, ext := range d.loc.Expire(now) {
		d.refreshMember(ext)
	}
	ids, freed := d.dialogs.Expire(now, d.set.DialogTimeout)
	d.busyChanged(freed)
	for _, id := range ids {
		d.hungUp(id)
	}
	if d.sweep != nil {
		d.sweep()
	}
	d.keepalive()
	d.expireBLF()
}
