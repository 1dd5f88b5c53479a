package main

import (
	"context"
	"testing"
	"time"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/live"
	"github.com/ringd/ringd/config/store"
	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip"
	"github.com/ringd/ringd/strategy"
)

// A feature code's state change goes through the running configuration:
// stored, and applied to the SIP side as the extension's DND / logged-out
// state; feature_codes map with the codes turned off listed.
func TestFeatureCodesReachTheRunningConfiguration(t *testing.T) {
	cfg, err := config.Parse([]byte(`
sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local }
feature_codes: { logout: "" }
extensions: [{ number: "1001", password: a }]
`))
	if err != nil {
		t.Fatal(err)
	}
	fc := featureCodes(cfg.FeatureCodes)
	if fc.Pickup != "*8" || fc.Logout != "" || len(fc.Off) != 1 || fc.Off[0] != "*45" {
		t.Errorf("feature codes %+v", fc)
	}
	st, err := store.Open(context.Background(), "memory:")
	if err != nil {
		t.Fatal(err)
	}
	var lv *live.Live
	var applied []sip.Settings
	set := stateSetter(&lv)
	lv, err = live.Open(context.Background(), st, cfg, func(c *config.Config, snap *engine.Snapshot) {
		applied = append(applied, settings(c, snap, nil, set))
	})
	if err != nil {
		t.Fatal(err)
	}
	on, off := true, false
	if err := set("1001", sip.StateChange{DND: &on}); err != nil {
		t.Fatal(err)
	}
	if err := set("1001", sip.StateChange{LoggedOut: &on}); err != nil {
		t.Fatal(err)
	}
	if e := applied[len(applied)-1].Extensions["1001"]; !e.DND || !e.LoggedOut {
		t.Errorf("applied %+v, want DND and logged out", e)
	}
	if err := set("1001", sip.StateChange{DND: &off}); err != nil {
		t.Fatal(err)
	}
	if e := applied[len(applied)-1].Extensions["1001"]; e.DND || !e.LoggedOut {
		t.Errorf("applied %+v, want logged out only", e)
	}
	if err := set("4444", sip.StateChange{DND: &on}); err == nil {
		t.Error("a state change for an unknown extension was taken")
	}
	// A reload of the file keeps what the phone set.
	if err := lv.Reload(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if e := applied[len(applied)-1].Extensions["1001"]; !e.LoggedOut {
		t.Errorf("after a reload %+v, want still logged out", e)
	}
}

// A reload may not change the store, the cluster section, the admin API's
// address or whether it speaks HTTPS; new certificate files are taken.
func TestStartOnlyKeys(t *testing.T) {
	web := config.HTTPConfig{Listen: "127.0.0.1:8080", TLS: &config.HTTPTLS{Cert: "a.pem", Key: "a.key"}}
	base := &config.Config{Store: "postgres://a/b", Cluster: &config.ClusterConfig{Node: "n1", Redis: "redis://r:6379/0"}, HTTP: web}
	same := *base
	c := *base.Cluster
	same.Cluster = &c
	same.HTTP.TLS = &config.HTTPTLS{Cert: "b.pem", Key: "b.key"}
	if key := startOnly(base, &same); key != "" {
		t.Errorf("an unchanged config (new certificate files) counts as a change of %s", key)
	}
	plain := web
	plain.TLS = nil
	moved := web
	moved.Listen = "127.0.0.1:8443"
	for want, next := range map[string]*config.Config{
		"store":       {Store: "postgres://a/c", Cluster: base.Cluster, HTTP: web},
		"cluster":     {Store: base.Store, HTTP: web},
		"http.listen": {Store: base.Store, Cluster: base.Cluster, HTTP: moved},
		"http.tls":    {Store: base.Store, Cluster: base.Cluster, HTTP: plain},
	} {
		if key := startOnly(base, next); key != want {
			t.Errorf("%+v: refused for %q, want %q", next, key, want)
		}
	}
	if key := startOnly(base, &config.Config{Store: base.Store, HTTP: web, Cluster: &config.ClusterConfig{Node: "n2", Redis: "redis://r:6379/0"}}); key != "cluster" {
		t.Errorf("another node name: %q", key)
	}
}

// How GET /api/v1/members names the states.
func TestStateNames(t *testing.T) {
	for st, want := range map[strategy.MemberState]string{
		0:                                    "offline",
		strategy.Online:                      "available",
		strategy.Online | strategy.Busy:      "on_call",
		strategy.Online | strategy.DND:       "dnd",
		strategy.Online | strategy.LoggedOut: "logged_out",
		strategy.DND:                         "offline",
		strategy.Online | strategy.DND | strategy.Busy: "dnd",
	} {
		if got := stateName(st); got != want {
			t.Errorf("%b: %q, want %q", st, got, want)
		}
	}
	until := time.Date(2026, 12, 7, 9, 0, 30, 0, time.UTC)
	for _, c := range []struct {
		st   strategy.MemberState
		want string
	}{{strategy.Online, "wrap_up"}, {strategy.Online | strategy.Busy, "on_call"}, {strategy.Online | strategy.DND, "dnd"}, {0, "offline"}} {
		m := memberState("1001", sip.MemberNow{State: c.st, WrapUpUntil: until})
		if m.State != c.want || (c.want == "wrap_up") != (m.WrapUpUntil != nil && m.WrapUpUntil.Equal(until)) {
			t.Errorf("%b in a wrap-up: %+v, want %s", c.st, m, c.want)
		}
	}
}
