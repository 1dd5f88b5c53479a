package dialoginfo

import (
	"slices"
	"strconv"
	"testing"
)

const sec = int64(1e9)

var t0 = int64(1_700_000_000) * sec

// initial is a new SUBSCRIBE from 1002 watching 1001.
func initial(callID string, expires int) SubscribeParams {
	return SubscribeParams{CallID: callID, FromTag: "f-" + callID, ToTag: "r-" + callID, Initial: true,
		Watched: "1001", Subscriber: "1002", Expires: expires,
		LocalURI: "sip:1001@ringd.local", RemoteURI: "sip:1002@ringd.local", Contact: "sip:1002@10.0.0.2:5060",
		RouteSet: []string{"<sip:edge;lr>"}, Source: "udp:10.0.0.2:5060"}
}

// refresh is the in-dialog SUBSCRIBE of the subscription initial(callID) made.
func refresh(callID string, expires int) SubscribeParams {
	return SubscribeParams{CallID: callID, FromTag: "f-" + callID, ToTag: "r-" + callID, Subscriber: "1002", Expires: expires}
}

func TestSubscribeCodes(t *testing.T) {
	for _, c := range []struct {
		name    string
		before  []SubscribeParams // accepted first, at t0
		p       SubscribeParams
		code    int
		expires int
		held    int // subscriptions in the table afterwards
	}{
		{name: "no Expires: the default", p: initial("a", -1), code: 200, expires: 3600, held: 1},
		{name: "Expires granted", p: initial("a", 120), code: 200, expires: 120, held: 1},
		{name: "the minimum", p: initial("a", 60), code: 200, expires: 60, held: 1},
		{name: "too long: the maximum", p: initial("a", 86400), code: 200, expires: 3600, held: 1},
		{name: "too brief", p: initial("a", 59), code: 423, expires: 60},
		{name: "far too brief", p: initial("a", 1), code: 423, expires: 60},
		{name: "fetch", p: initial("a", 0), code: 200, expires: 0},
		{name: "refresh", before: []SubscribeParams{initial("a", 600)}, p: refresh("a", 300), code: 200, expires: 300, held: 1},
		{name: "refresh too brief", before: []SubscribeParams{initial("a", 600)}, p: refresh("a", 30), code: 423, expires: 60, held: 1},
		{name: "unsubscribe", before: []SubscribeParams{initial("a", 600)}, p: refresh("a", 0), code: 200, expires: 0},
		{name: "refresh of an unknown dialog", p: refresh("a", 600), code: 481},
		{name: "unsubscribe of an unknown dialog", p: refresh("a", 0), code: 481},
		{name: "refresh with another To tag", before: []SubscribeParams{initial("a", 600)},
			p: func() SubscribeParams { p := refresh("a", 600); p.ToTag = "other"; return p }(), code: 481, held: 1},
		{name: "refresh by another extension", before: []SubscribeParams{initial("a", 600)},
			p: func() SubscribeParams { p := refresh("a", 600); p.Subscriber = "1003"; return p }(), code: 403, held: 1},
		{name: "not authenticated", p: func() SubscribeParams { p := initial("a", 600); p.Subscriber = ""; return p }(), code: 403},
		{name: "nothing watched", p: func() SubscribeParams { p := initial("a", 600); p.Watched = ""; return p }(), code: 400},
		{name: "no To tag drawn", p: func() SubscribeParams { p := initial("a", 600); p.ToTag = ""; return p }(), code: 400},
		{name: "no Call-ID", p: func() SubscribeParams { p := initial("a", 600); p.CallID = ""; return p }(), code: 400},
		{name: "initial again on a held dialog: a refresh", before: []SubscribeParams{initial("a", 600)},
			p: func() SubscribeParams { p := initial("a", 900); p.ToTag = "new"; return p }(), code: 200, expires: 900, held: 1},
		{name: "initial again on a held dialog, another extension", before: []SubscribeParams{initial("a", 600)},
			p: func() SubscribeParams { p := initial("a", 900); p.Watched = "1005"; return p }(), code: 400, held: 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			tb := New(Limits{})
			for _, p := range c.before {
				if _, _, code := tb.Subscribe(p, t0); code != 200 {
					t.Fatalf("setup: %d", code)
				}
			}
			sub, expires, code := tb.Subscribe(c.p, t0+sec)
			if code != c.code || expires != c.expires {
				t.Errorf("code %d expires %d, want %d %d", code, expires, c.code, c.expires)
			}
			if (sub != nil) != (code == 200) {
				t.Errorf("code %d with sub %v", code, sub)
			}
			if tb.Len() != c.held {
				t.Errorf("%d held, want %d", tb.Len(), c.held)
			}
			if sub == nil {
				return
			}
			if sub.Terminated() != (expires == 0) {
				t.Errorf("terminated %v with expires %d", sub.Terminated(), expires)
			}
			want := "active;expires=" + strconv.Itoa(c.expires)
			if expires == 0 {
				want = "terminated;reason=timeout"
			}
			if got := sub.SubscriptionState(t0 + sec); got != want {
				t.Errorf("Subscription-State %q, want %q", got, want)
			}
			if sub.Key().ToTag != "r-a" {
				t.Errorf("answer with To tag %q, want the dialog's r-a", sub.Key().ToTag)
			}
		})
	}
}

func TestSubscribeKeepsTheDialog(t *testing.T) {
	tb := New(Limits{})
	p := initial("a", 600)
	s, _, _ := tb.Subscribe(p, t0)
	p.RouteSet[0] = "changed by the caller"
	if s.Key() != (Key{"a", "f-a", "r-a"}) || s.Watched() != "1001" || s.Subscriber() != "1002" ||
		s.LocalURI() != "sip:1001@ringd.local" || s.RemoteURI() != "sip:1002@ringd.local" ||
		s.Contact() != "sip:1002@10.0.0.2:5060" || !slices.Equal(s.RouteSet(), []string{"<sip:edge;lr>"}) ||
		s.Source() != "udp:10.0.0.2:5060" || s.ExpiresAt() != t0+600*sec {
		t.Fatalf("sub %+v", s)
	}
	// A refresh moves the target and the source, and the expiry; the rest stays.
	r := refresh("a", 300)
	r.Contact, r.Source, r.RouteSet = "sip:1002@10.0.0.3:5070", "tcp:10.0.0.3:40000", []string{"<sip:other;lr>"}
	if got, _, code := tb.Subscribe(r, t0+100*sec); got != s || code != 200 {
		t.Fatalf("refresh: %v %d", got, code)
	}
	if s.Contact() != "sip:1002@10.0.0.3:5070" || s.Source() != "tcp:10.0.0.3:40000" ||
		!slices.Equal(s.RouteSet(), []string{"<sip:edge;lr>"}) || s.ExpiresAt() != t0+400*sec {
		t.Errorf("after refresh %+v", s)
	}
	if tb.Find(Key{"a", "f-a", "r-a"}) != s || tb.Find(Key{"a", "f-a", "x"}) != nil || tb.Find(Key{"b", "f-a", "r-a"}) != nil {
		t.Error("find")
	}
}

func TestUnsubscribe(t *testing.T) {
	tb := New(Limits{})
	s, _, _ := tb.Subscribe(initial("a", 600), t0)
	got, expires, code := tb.Subscribe(refresh("a", 0), t0+5*sec)
	if got != s || expires != 0 || code != 200 || !s.Terminated() || tb.Len() != 0 || len(tb.Watchers("1001")) != 0 {
		t.Fatalf("unsubscribe: %v %d %d, %d held", got, expires, code, tb.Len())
	}
	if st := s.SubscriptionState(t0 + 5*sec); st != "terminated;reason=timeout" {
		t.Errorf("state %q", st)
	}
	if _, _, code := tb.Subscribe(refresh("a", 600), t0+6*sec); code != 481 {
		t.Errorf("refresh after unsubscribe: %d", code)
	}
}

func TestExpire(t *testing.T) {
	tb := New(Limits{})
	a, _, _ := tb.Subscribe(initial("a", 300), t0)
	b, _, _ := tb.Subscribe(initial("b", 120), t0)
	c, _, _ := tb.Subscribe(initial("c", 120), t0)
	d, _, _ := tb.Subscribe(initial("d", 3600), t0)
	for _, step := range []struct {
		at   int64
		want []*Sub
	}{
		{t0 + 119*sec, nil},
		{t0 + 120*sec, []*Sub{b, c}}, // the same instant: in order of subscription
		{t0 + 120*sec, nil},
		{t0 + 1000*sec, []*Sub{a}},
	} {
		if got := tb.Expire(step.at); !slices.Equal(got, step.want) {
			t.Errorf("expire at +%ds: %v, want %v", (step.at-t0)/sec, got, step.want)
		}
	}
	for _, s := range []*Sub{a, b, c} {
		if !s.Terminated() || s.SubscriptionState(t0+1000*sec) != "terminated;reason=timeout" {
			t.Errorf("expired %v: %q", s.Key(), s.SubscriptionState(t0+1000*sec))
		}
	}
	if tb.Len() != 1 || !slices.Equal(tb.Watchers("1001"), []*Sub{d}) || d.Terminated() {
		t.Errorf("left: %d, %v", tb.Len(), tb.Watchers("1001"))
	}
	// Run out but not yet expired by the housekeeping: no refresh brings it back.
	if _, _, code := tb.Subscribe(refresh("d", 600), t0+3600*sec); code != 481 {
		t.Errorf("refresh of a run-out subscription: %d", code)
	}
	if st := d.SubscriptionState(t0 + 3600*sec); st != "terminated;reason=timeout" {
		t.Errorf("run out: %q", st)
	}
	if got := tb.Expire(t0 + 3600*sec); !slices.Equal(got, []*Sub{d}) {
		t.Errorf("expire: %v", got)
	}
}

func TestLimits(t *testing.T) {
	tb := New(Limits{Total: 3, PerSubscriber: 2})
	by := func(callID, subscriber string) SubscribeParams {
		p := initial(callID, 600)
		p.Subscriber = subscriber
		return p
	}
	for _, c := range []struct {
		p    SubscribeParams
		code int
	}{
		{by("a", "1002"), 200},
		{by("b", "1002"), 200},
		{by("c", "1002"), 503}, // 1002's third
		{refresh("a", 600), 200},
		{by("c", "1002"), 503},
		{initial("c", 0), 200}, // a fetch holds nothing
		{by("d", "1003"), 200},
		{by("e", "1004"), 503}, // the fourth in all
	} {
		if _, _, code := tb.Subscribe(c.p, t0); code != c.code {
			t.Errorf("%s by %s: %d, want %d", c.p.CallID, c.p.Subscriber, code, c.code)
		}
	}
	tb.Remove(tb.Find(Key{"a", "f-a", "r-a"}), "")
	if _, _, code := tb.Subscribe(by("c", "1002"), t0); code != 200 {
		t.Errorf("room again: %d", code)
	}
	if d := New(Limits{}); d.limits != (Limits{10_000, 50}) {
		t.Errorf("default limits %+v", d.limits)
	}
}

func TestWatchersAndRemove(t *testing.T) {
	tb := New(Limits{})
	watch := func(callID, ext string) *Sub {
		p := initial(callID, 600)
		p.Watched = ext
		s, _, _ := tb.Subscribe(p, t0)
		return s
	}
	a, b, c, d := watch("a", "1001"), watch("b", "1005"), watch("c", "1001"), watch("d", "1001")
	if got := tb.Watchers("1001"); !slices.Equal(got, []*Sub{a, c, d}) {
		t.Fatalf("watchers %v", got)
	}
	if len(tb.Watchers("1999")) != 0 {
		t.Error("nobody watches 1999")
	}
	if !tb.Remove(c, ReasonDeactivated) || tb.Remove(c, ReasonGiveUp) {
		t.Error("remove once")
	}
	if c.SubscriptionState(t0) != "terminated;reason=deactivated" {
		t.Errorf("removed: %q", c.SubscriptionState(t0))
	}
	if got := tb.Watchers("1001"); !slices.Equal(got, []*Sub{a, d}) {
		t.Errorf("watchers %v", got)
	}
	if got := tb.All(); !slices.Equal(got, []*Sub{a, b, d}) {
		t.Errorf("all %v", got)
	}
	if got := tb.RemoveWatched("1001", ReasonNoResource); !slices.Equal(got, []*Sub{a, d}) ||
		a.SubscriptionState(t0) != "terminated;reason=noresource" {
		t.Errorf("remove watched: %v", got)
	}
	tb.Remove(b, "")
	if b.SubscriptionState(t0) != "terminated" || tb.Len() != 0 || len(tb.byWatched) != 0 || len(tb.bySubscriber) != 0 {
		t.Errorf("left: %d %v %v", tb.Len(), tb.byWatched, tb.bySubscriber)
	}
}
