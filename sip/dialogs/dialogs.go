// Package dialogs tracks the calls ringd connected - it always
// Record-Routes, so it sees their ACK and BYE - and so knows which
// extensions are on a call: busy. One goroutine (the driver) owns a
// Dialogs; it is not safe for concurrent use.
//
// It imports the standard library only.
package dialogs

import "time"

// Dialogs are the connected calls by Call-ID.
type Dialogs struct {
	all  map[string]*dialog // by Call-ID
	busy map[string]int     // extension -> dialogs it is in
}

type dialog struct {
	exts      []string // extensions on this call (caller and/or callee)
	started   time.Time
	confirmed bool // the caller's ACK of the 2xx went through
}

// UnconfirmedTimeout frees a call whose 2xx was never acknowledged (the
// caller went away): 64*T1, as long as a UAS retransmits its 2xx.
const UnconfirmedTimeout = 32 * time.Second

// New returns an empty table.
func New() *Dialogs {
	return &Dialogs{all: map[string]*dialog{}, busy: map[string]int{}}
}

// Add records a call connected at now between the given extensions
// (numbers; "" for a side that is not an extension). It returns the
// extensions that just became busy.
func (d *Dialogs) Add(callID string, now time.Time, exts ...string) (changed []string) {
	dl := d.all[callID]
	if dl == nil {
		dl = &dialog{started: now}
		d.all[callID] = dl
	}
	for _, e := range exts {
		if e == "" {
			continue
		}
		dl.exts = append(dl.exts, e)
		d.busy[e]++
		if d.busy[e] == 1 {
			changed = append(changed, e)
		}
	}
	return changed
}

// Confirm records that the caller acknowledged the 2xx.
func (d *Dialogs) Confirm(callID string) {
	if dl := d.all[callID]; dl != nil {
		dl.confirmed = true
	}
}

// End forgets a call (BYE seen) and returns the extensions now free.
func (d *Dialogs) End(callID string) []string {
	dl := d.all[callID]
	delete(d.all, callID)
	return d.release(dl)
}

func (d *Dialogs) release(dl *dialog) (changed []string) {
	if dl == nil {
		return nil
	}
	for _, e := range dl.exts {
		d.busy[e]--
		if d.busy[e] <= 0 {
			delete(d.busy, e)
			changed = append(changed, e)
		}
	}
	return changed
}

// Expire ends calls older than max (their BYE was never seen), and calls
// whose 2xx was never acknowledged, and returns their Call-IDs and the
// extensions now free.
func (d *Dialogs) Expire(now time.Time, max time.Duration) (ids, changed []string) {
	for id, dl := range d.all {
		if age := now.Sub(dl.started); age > max || !dl.confirmed && age > UnconfirmedTimeout {
			delete(d.all, id)
			ids = append(ids, id)
			changed = append(changed, d.release(dl)...)
		}
	}
	return ids, changed
}

// Busy reports whether ext is on a call.
func (d *Dialogs) Busy(ext string) bool { return d.busy[ext] > 0 }

// Len is the number of connected calls.
func (d *Dialogs) Len() int { return len(d.all) }

// Shrink rebuilds the tables at their present size: Go never shrinks a
// map, so after a burst of calls they would hold its peak for good.
func (d *Dialogs) Shrink() {
	all := make(map[string]*dialog, len(d.all))
	for k, v := range d.all {
		all[k] = v
	}
	busy := make(map[string]int, len(d.busy))
	for k, v := range d.busy {
		busy[k] = v
	}
	d.all, d.busy = all, busy
}
