package dialoginfo

import "testing"

func TestCounters(t *testing.T) {
	tb := New(Limits{})
	a, _, _ := tb.Subscribe(initial("a", 600), t0)
	b, _, _ := tb.Subscribe(initial("b", 600), t0)
	for i, want := range []struct{ cseq, version uint32 }{{1, 0}, {2, 1}, {3, 2}} {
		if c, v := a.NextCSeq(), a.NextVersion(); c != want.cseq || v != want.version {
			t.Errorf("a's NOTIFY %d: CSeq %d version %d, want %d %d", i, c, v, want.cseq, want.version)
		}
	}
	// Each subscription counts its own; a refresh does not restart them.
	if c, v := b.NextCSeq(), b.NextVersion(); c != 1 || v != 0 {
		t.Errorf("b's first NOTIFY: %d %d", c, v)
	}
	tb.Subscribe(refresh("a", 600), t0+sec)
	if c, v := a.NextCSeq(), a.NextVersion(); c != 4 || v != 3 {
		t.Errorf("a after refresh: %d %d", c, v)
	}
	// A fetch starts its own.
	f, _, _ := tb.Subscribe(initial("f", 0), t0)
	if c, v := f.NextCSeq(), f.NextVersion(); c != 1 || v != 0 {
		t.Errorf("fetch: %d %d", c, v)
	}
}

func TestSubscriptionState(t *testing.T) {
	tb := New(Limits{})
	s, _, _ := tb.Subscribe(initial("a", 120), t0)
	for _, c := range []struct {
		at   int64
		want string
	}{
		{t0, "active;expires=120"},
		{t0 + sec/2, "active;expires=119"}, // whole seconds left, rounded down
		{t0 + 119*sec, "active;expires=1"},
		{t0 + 119*sec + sec/2, "active;expires=1"}, // never "active;expires=0"
		{t0 + 120*sec, "terminated;reason=timeout"},
		{t0 + 500*sec, "terminated;reason=timeout"},
	} {
		if got := s.SubscriptionState(c.at); got != c.want {
			t.Errorf("at +%.1fs: %q, want %q", float64(c.at-t0)/1e9, got, c.want)
		}
	}
}

// A subscription's NOTIFYs, end to end: the documents count 0, 1, 2 and
// show the extension ringing, on the call, and idle.
func TestNotifySequence(t *testing.T) {
	tb := New(Limits{})
	s, _, _ := tb.Subscribe(initial("a", 600), t0)
	ringing := Dialog{ID: "leg", CallID: "leg@ringd", LocalTag: "m", RemoteTag: "c", Direction: Recipient, State: Early,
		Local: "sip:1001@ringd.local", Remote: "sip:2000@ringd.local", RemoteName: "Alice"}
	answered := ringing
	answered.State = Confirmed
	for i, c := range []struct {
		dialogs []Dialog
		state   string
	}{
		{[]Dialog{ringing}, Early},
		{[]Dialog{answered}, Confirmed},
		{nil, ""},
	} {
		d := parse(t, Body(s.LocalURI(), s.NextVersion(), true, c.dialogs))
		root := attrs(d.Attrs)
		if root["version"] != string(rune('0'+i)) || root["entity"] != "sip:1001@ringd.local" {
			t.Errorf("NOTIFY %d: %v", i, root)
		}
		if c.state == "" {
			if len(d.Dialogs) != 0 {
				t.Errorf("NOTIFY %d: idle with %d dialogs", i, len(d.Dialogs))
			}
			continue
		}
		if len(d.Dialogs) != 1 || d.Dialogs[0].State.Value != c.state {
			t.Errorf("NOTIFY %d: %+v", i, d.Dialogs)
		}
	}
}
