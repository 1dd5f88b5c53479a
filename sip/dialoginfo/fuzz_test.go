package dialoginfo

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzBody writes dialog-info documents whose every text comes from
// outside (Call-IDs, tags, display names, URIs of callers and phones):
// the document is always well-formed XML that a watcher's parser reads to
// its end, and each name given comes back as written.
func FuzzBody(f *testing.F) {
	f.Add("sip:1001@ringd.local", "abc@h", "t1", "t2", "Alice \"A\" <&>", "sip:2000@ringd.local", uint32(3), true)
	f.Add("", "", "", "", "", "", uint32(0), false)
	f.Add("sip:x", "\x00\x01", "]]>", "<!--", "\xff\xfe", "'", uint32(1), true)
	f.Fuzz(func(t *testing.T, entity, callID, localTag, remoteTag, name, remote string, version uint32, full bool) {
		d := []Dialog{
			{CallID: callID, LocalTag: localTag, RemoteTag: remoteTag, Direction: Recipient, State: Early,
				Remote: remote, RemoteName: name, Local: entity, LocalName: name, RemoteTarget: remote},
			{ID: callID, CallID: callID, Direction: Initiator, State: Terminated, StateEvent: "rejected", StateCode: 486},
		}
		body := Body(entity, version, full, d)
		dec := xml.NewDecoder(strings.NewReader(string(body)))
		var names []string
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("not well-formed XML (%v):\n%s", err, body)
			}
			if se, ok := tok.(xml.StartElement); ok {
				for _, a := range se.Attr {
					if a.Name.Local == "display" {
						names = append(names, a.Value)
					}
				}
			}
		}
		for _, n := range names {
			if n != validXML(name) {
				t.Fatalf("display name %q came back as %q", name, n)
			}
		}
	})
}

// validXML is s as a document carries it: what XML 1.0 cannot hold
// (control characters other than tab, newline and carriage return, bytes
// that are not UTF-8, U+FFFE, U+FFFF) as U+FFFD.
func validXML(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1, r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
