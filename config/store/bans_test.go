package store

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

// testBans: bans come back soonest over first; a second ban of a source
// keeps the later end; those over at now are dropped; a lifted one is
// gone.
func testBans(t *testing.T, s Store) {
	ctx := t.Context()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	flood := Ban{Source: "192.0.2.7", Until: now.Add(time.Hour + 3*time.Nanosecond), Reason: "flood"}
	guess := Ban{Source: "2001:db8::5", Until: now.Add(10 * time.Minute), Reason: "auth_failures"}
	over := Ban{Source: "192.0.2.9", Until: now, Reason: "flood"}
	for _, b := range []Ban{flood, guess, over} {
		if err := s.SaveBan(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	check := func(at time.Time, want ...Ban) {
		t.Helper()
		got, err := s.Bans(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = []Ban{}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Bans(%v):\n got %s\nwant %s", at, asJSON(got), asJSON(want))
		}
	}
	check(now, guess, flood)

	shorter := flood
	shorter.Until, shorter.Reason = now.Add(time.Minute), "auth_failures"
	if err := s.SaveBan(ctx, shorter); err != nil {
		t.Fatal(err)
	}
	longer := flood
	longer.Reason = "auth_failures" // the reason of the latest, the end of the longest
	check(now, guess, longer)

	if err := s.DeleteBan(ctx, guess.Source); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteBan(ctx, "198.51.100.1"); err != nil {
		t.Errorf("lifting a ban that is not there: %v", err)
	}
	check(now, longer)
	check(now.Add(2 * time.Hour))

	if err := s.SaveBan(ctx, Ban{Until: now.Add(time.Hour)}); !errors.Is(err, ErrInvalid) {
		t.Errorf("ban without a source: %v, want ErrInvalid", err)
	}
}
