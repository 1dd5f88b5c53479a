package console_test

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/config/api"
)

func (f *fakeRuntime) Bans() []api.Ban {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]api.Ban(nil), f.bans...)
}

// Unban lifts a ban as the SIP side does: false for an address not
// banned, an error for one that is not an IP address.
func (f *fakeRuntime) Unban(source string) (bool, error) {
	if net.ParseIP(source) == nil {
		return false, errors.New("not an IP address")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	i := slices.IndexFunc(f.bans, func(b api.Ban) bool { return b.Source == source })
	if i < 0 {
		return false, nil
	}
	f.bans = slices.Delete(f.bans, i, i+1)
	return true, nil
}

func TestBans(t *testing.T) {
	f := newFixture(t)
	csrf := f.signedIn()
	until := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	f.rt.mu.Lock()
	f.rt.bans = []api.Ban{{Source: "192.0.2.66", Reason: "flood", Until: until}, {Source: "2001:db8::7", Reason: "auth_failures", Until: until}}
	f.rt.mu.Unlock()
	code, page, _ := f.get("/ui/bans")
	if code != http.StatusOK || !strings.Contains(page, `<a href="/ui/bans" aria-current="page">Bans</a>`) || !strings.Contains(page, "2 banned.") ||
		!strings.Contains(page, "<tr><td>192.0.2.66</td><td>too many requests (flood)</td><td>2030-01-02 03:04:05Z</td>") ||
		!strings.Contains(page, `<form method="post" action="/ui/bans/lift" class="inline confirm" data-confirm="Lift the ban of 2001:db8::7?">`) {
		t.Fatalf("bans: %d\n%s", code, page)
	}
	// Lifting takes the CSRF token.
	if code, _, _ := f.post("/ui/bans/lift", url.Values{"source": {"192.0.2.66"}}); code != http.StatusForbidden {
		t.Errorf("lift without the CSRF token: %d, want 403", code)
	}
	code, _, resp := f.post("/ui/bans/lift", url.Values{"csrf": {csrf}, "source": {"2001:db8::7"}})
	if code != http.StatusSeeOther || resp.Header.Get("Location") != "/ui/bans?lifted=2001%3Adb8%3A%3A7" {
		t.Fatalf("lift: %d to %q", code, resp.Header.Get("Location"))
	}
	if bans := f.rt.Bans(); len(bans) != 1 || bans[0].Source != "192.0.2.66" {
		t.Errorf("bans after lifting 2001:db8::7: %v", bans)
	}
	if _, page, _ = f.get(resp.Header.Get("Location")); !strings.Contains(page, "The ban of 2001:db8::7 is lifted.") || strings.Contains(page, "<td>2001:db8::7</td>") {
		t.Errorf("after lifting\n%s", page)
	}
	// One no longer banned, and one not an address: said on the list.
	code, page, _ = f.post("/ui/bans/lift", url.Values{"csrf": {csrf}, "source": {"2001:db8::7"}})
	if code != http.StatusNotFound || !strings.Contains(page, "Not lifted: 2001:db8::7 is not banned") || !strings.Contains(page, "<td>192.0.2.66</td>") {
		t.Errorf("lift one not banned: %d\n%s", code, page)
	}
	code, page, _ = f.post("/ui/bans/lift", url.Values{"csrf": {csrf}, "source": {"nowhere"}})
	if code != http.StatusBadRequest || !strings.Contains(page, "Not lifted: source must be an IP address") {
		t.Errorf("lift a name: %d\n%s", code, page)
	}
	f.rt.mu.Lock()
	f.rt.bans = nil
	f.rt.mu.Unlock()
	if _, page, _ = f.get("/ui/bans"); !strings.Contains(page, "No source is banned.") {
		t.Errorf("no bans\n%s", page)
	}
}
