package registrar

import (
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

func contactURI(port int) sip.Uri {
	return sip.Uri{Scheme: "sip", User: "1001", Host: "127.0.0.1", Port: port}
}

func TestLocationBindingsExpireRefreshAndRemove(t *testing.T) {
	l := NewLocation()
	now := time.Unix(1_700_000_000, 0)
	was, is := l.Update("1001", []Binding{{Contact: contactURI(5071), Expires: now.Add(time.Minute), CallID: "a", CSeq: 1}}, now)
	if was || !is {
		t.Fatalf("first binding: was %v is %v", was, is)
	}
	// A second device, then an out-of-order REGISTER (same Call-ID, old CSeq) that must not remove it.
	l.Update("1001", []Binding{{Contact: contactURI(5072), Expires: now.Add(2 * time.Minute), CallID: "b", CSeq: 5}}, now)
	l.Update("1001", []Binding{{Contact: contactURI(5072), Expires: now, CallID: "b", CSeq: 4}}, now)
	if got := l.Contacts("1001", now); len(got) != 2 || got[0].Contact.Port != 5072 {
		t.Fatalf("contacts %v, want both, newest first", got)
	}
	// One minute later the first one expired; the second remains.
	later := now.Add(time.Minute + time.Second)
	if off := l.Expire(later); len(off) != 0 {
		t.Errorf("1001 still has a contact, went offline: %v", off)
	}
	if got := l.Contacts("1001", later); len(got) != 1 || got[0].Contact.Port != 5072 {
		t.Fatalf("after expiry %v", got)
	}
	// Un-REGISTER (expires 0) of the last one: offline.
	if was, is := l.Update("1001", []Binding{{Contact: contactURI(5072), Expires: later, CallID: "b", CSeq: 6}}, later); !was || is {
		t.Errorf("un-register: was %v is %v", was, is)
	}
	// Static contacts make an extension online whatever it registers.
	l.SetStatic(map[string]sip.Uri{"1099": contactURI(5099)})
	if !l.Online("1099", later) || len(l.Contacts("1099", later)) != 1 {
		t.Error("static contact not online")
	}
	l.Update("1001", []Binding{{Contact: contactURI(5073), Expires: later.Add(time.Hour), CallID: "c", CSeq: 1}}, later)
	if was, is := l.RemoveAll("1001", later); !was || is || l.Count(later) != 0 {
		t.Errorf("Contact: * removal: was %v is %v count %d", was, is, l.Count(later))
	}
}
