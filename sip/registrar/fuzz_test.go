package registrar

import (
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// FuzzPath reads arbitrary Path header values (RFC 3327) as a REGISTER
// through an edge proxy brings them, and as a kept binding is restored:
// nothing panics, and what ParsePath takes FormatPath writes back so that
// ParsePath reads the same hops again (the binding kept in the store
// routes calls as the REGISTER did).
func FuzzPath(f *testing.F) {
	for _, s := range []string{
		"<sip:edge.example.com;lr>",
		"<sip:edge.example.com;lr>, <sip:192.0.2.1:5070;transport=tcp;lr>",
		`"Edge, one" <sip:edge@[2001:db8::1]:5061;lr;ob>`,
		"<sip:a;lr>,<sip:b;lr>,<sip:c;lr>",
		"sip:bare.example.com",
		"<sip:a;lr>, , <sip:b>",
		"<sip:x@",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		hops, err := ParsePath(v)
		if err != nil {
			return
		}
		again, err := ParsePath(FormatPath(hops))
		if err != nil {
			t.Fatalf("%q -> %q: not read back: %v", v, FormatPath(hops), err)
		}
		if len(again) != len(hops) {
			t.Fatalf("%q: %d hops, %d read back from %q", v, len(hops), len(again), FormatPath(hops))
		}
		for i := range hops {
			if again[i].Host != hops[i].Host || again[i].Port != hops[i].Port || again[i].User != hops[i].User {
				t.Fatalf("%q: hop %d %s read back as %s", v, i, hops[i].String(), again[i].String())
			}
		}
		contact := sip.Uri{Scheme: "sip", User: "1001", Host: "192.0.2.7", Port: 5070}
		if _, err := Restored(contact, time.Unix(2e9, 0), "c", 1, "192.0.2.7:5070", "TCP", FormatPath(hops), "phone"); err != nil {
			t.Fatalf("%q: a kept binding with this Path is not restored: %v", v, err)
		}
	})
}
