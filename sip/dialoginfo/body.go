package dialoginfo

import "strconv"

// The event package, its document's media type and XML namespace.
const (
	Event       = "dialog"
	ContentType = "application/dialog-info+xml"
	Namespace   = "urn:ietf:params:xml:ns:dialog-info"
)

// The directions of a dialog, seen from the watched extension.
const (
	Initiator = "initiator" // the extension sent the INVITE
	Recipient = "recipient" // the extension received it (a call ringing there)
)

// The states of a dialog (RFC 4235 §3.7.1).
const (
	Trying     = "trying"     // INVITE sent or received, no provisional response yet
	Proceeding = "proceeding" // a provisional response without a To tag
	Early      = "early"      // a provisional response with a To tag: ringing
	Confirmed  = "confirmed"  // answered
	Terminated = "terminated" // ended
)

// Dialog is one dialog of the watched extension, as a document shows it.
// Every field but State is optional; empty ones are left out.
type Dialog struct {
	// ID names the dialog in the document. It must stay the same in every
	// document that shows this dialog, and differ from the other dialogs'
	// (two early dialogs of one INVITE share a Call-ID). "" means the
	// Call-ID; Body makes a repeated id unique by appending "-N".
	ID string

	CallID    string // Call-ID of the dialog (of the leg, for a ringing member)
	LocalTag  string // the extension's tag: its To tag as recipient, its From tag as initiator
	RemoteTag string // the other party's tag
	Direction string // Initiator or Recipient

	State string // Trying, Proceeding, Early, Confirmed or Terminated
	// StateEvent and StateCode say why a dialog ended (RFC 4235 §4.1.6):
	// "cancelled", "rejected", "replaced", "local-bye", "remote-bye",
	// "error" or "timeout", and the SIP response code; optional.
	StateEvent string
	StateCode  int

	Local        string // the extension's identity URI, e.g. sip:1001@ringd.local
	LocalName    string // its display name
	LocalTarget  string // the extension's target URI (its Contact)
	Remote       string // the other party's identity URI, e.g. sip:2000@ringd.local
	RemoteName   string // its display name (the caller's name)
	RemoteTarget string // the other party's target URI, or a pickup URI
}

// Body returns the dialog-info document of entity (the watched
// extension's URI): version is the subscription's document counter
// (Sub.NextVersion), full says whether it is the whole state ("full") or
// a change ("partial"). No dialogs gives a document without any: the
// extension is idle. Attribute values and text are XML-escaped.
func Body(entity string, version uint32, full bool, dialogs []Dialog) []byte {
	b := make([]byte, 0, 192+320*len(dialogs))
	b = append(b, "<?xml version=\"1.0\"?>\n<dialog-info"...)
	b = attr(b, "xmlns", Namespace)
	b = attr(b, "version", strconv.FormatUint(uint64(version), 10))
	if full {
		b = attr(b, "state", "full")
	} else {
		b = attr(b, "state", "partial")
	}
	b = attr(b, "entity", entity)
	b = append(b, ">\n"...)
	used := make(map[string]bool, len(dialogs))
	for i := range dialogs {
		b = appendDialog(b, &dialogs[i], dialogID(&dialogs[i], i, used))
	}
	return append(b, "</dialog-info>\n"...)
}

// dialogID is d's id in the document: its own, else its Call-ID, made
// unique among the ids used so far.
func dialogID(d *Dialog, i int, used map[string]bool) string {
	id := d.ID
	if id == "" {
		id = d.CallID
	}
	if id == "" {
		id = "dialog"
	}
	if used[id] {
		id += "-" + strconv.Itoa(i+1)
	}
	used[id] = true
	return id
}

func appendDialog(b []byte, d *Dialog, id string) []byte {
	b = append(b, "<dialog"...)
	b = attr(b, "id", id)
	b = optAttr(b, "call-id", d.CallID)
	b = optAttr(b, "local-tag", d.LocalTag)
	b = optAttr(b, "remote-tag", d.RemoteTag)
	b = optAttr(b, "direction", d.Direction)
	b = append(b, ">\n<state"...)
	b = optAttr(b, "event", d.StateEvent)
	if d.StateCode > 0 {
		b = attr(b, "code", strconv.Itoa(d.StateCode))
	}
	b = append(b, '>')
	b = appendText(b, d.State)
	b = append(b, "</state>\n"...)
	b = appendParticipant(b, "local", d.Local, d.LocalName, d.LocalTarget)
	b = appendParticipant(b, "remote", d.Remote, d.RemoteName, d.RemoteTarget)
	return append(b, "</dialog>\n"...)
}

// appendParticipant writes <local> or <remote>: the identity (with its
// display name) and the target, when known.
func appendParticipant(b []byte, name, identity, display, target string) []byte {
	if identity == "" && target == "" {
		return b
	}
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, ">\n"...)
	if identity != "" {
		b = append(b, "<identity"...)
		b = optAttr(b, "display", display)
		b = append(b, '>')
		b = appendText(b, identity)
		b = append(b, "</identity>\n"...)
	}
	if target != "" {
		b = append(b, "<target"...)
		b = attr(b, "uri", target)
		b = append(b, "/>\n"...)
	}
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, ">\n"...)
}
