package strategy

// ExtID is the dense integer identity of an extension. IDs index the
// member-state snapshot; they are assigned by whoever builds groups and stay
// stable across configuration changes.
type ExtID int32

// MemberState is one extension's live state as bits, one byte per extension
// so that a snapshot of thousands of extensions stays in a few cache lines.
type MemberState uint8

const (
	// Online: the extension has at least one live contact (registered, or a
	// static contact).
	Online MemberState = 1 << iota
	// DND: do not disturb is on.
	DND
	// Busy: the extension is on a call.
	Busy
	// LoggedOut: the extension left its ring groups (feature code *45):
	// groups pass it over, calls to it still ring.
	LoggedOut
)

// Available reports whether a member in this state may ring in a group:
// online, not DND, not logged out and, when skipBusy is set, not on a call.
func (s MemberState) Available(skipBusy bool) bool {
	if s&(Online|DND|LoggedOut) != Online {
		return false
	}
	return !skipBusy || s&Busy == 0
}

// Lookup returns the state of ext in a snapshot indexed by ExtID; an ID
// outside the snapshot is offline.
func Lookup(states []MemberState, ext ExtID) MemberState {
	if ext < 0 || int(ext) >= len(states) {
		return 0
	}
	return states[ext]
}
