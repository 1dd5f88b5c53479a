package config

import (
	"net/netip"
	"reflect"
	"slices"
	"testing"

	"github.com/ringd/ringd/strategy"
	"gopkg.in/yaml.v3"
)

// The embedded demo configuration loads and compiles, from memory and from
// a file, and says what SPEC §7 says it does.
func TestDemo(t *testing.T) {
	c, snap, err := Demo()
	if err != nil {
		t.Fatalf("Demo:\n%v", err)
	}
	if fromFile := mustLoad(t, string(DemoYAML)); len(fromFile.RingGroups) != len(c.RingGroups) {
		t.Error("the demo file loads differently from disk")
	}
	wantListeners := []Listener{{"udp", "127.0.0.1:5060"}, {"tcp", "127.0.0.1:5060"}}
	if got := c.Listeners(); !slices.Equal(got, wantListeners) {
		t.Errorf("listeners %v, want %v", got, wantListeners)
	}
	if p := c.TrustedPrefixes(); len(p) != 0 {
		t.Errorf("the demo trusts %v: phones must authenticate", p)
	}
	if c.SIP.Domain != "ringd.local" || c.HTTP.Listen != "127.0.0.1:8080" || c.Store != "sqlite:ringd.db" {
		t.Errorf("server settings %+v %+v %q", c.SIP, c.HTTP, c.Store)
	}
	for _, num := range []string{"1001", "1002", "1003", "1004", "1099"} {
		if _, ok := snap.Extension(num); !ok {
			t.Errorf("extension %s missing", num)
		}
	}
	if e := c.Extensions[4]; e.Number != "1099" || e.Contact != "sip:1099@127.0.0.1:5099" {
		t.Errorf("trunk-like extension %+v", e)
	}
	if e := c.Extensions[0]; e.Password != "secret1001" {
		t.Errorf("extension 1001 password %q", e.Password)
	}
	want := map[string]strategy.Kind{
		"6000": strategy.RingAll, "6001": strategy.PrioritizedHunt, "6002": strategy.CyclicHunt,
		"6003": strategy.MemoryHunt, "6004": strategy.Custom, "6005": strategy.SkillPrioritizedHunt,
	}
	for num, kind := range want {
		id, ok := snap.Group(num)
		if !ok {
			t.Errorf("group %s missing", num)
			continue
		}
		g := snap.Groups[id]
		if g.Plan.Kind != kind {
			t.Errorf("group %s is %v, want %v", num, g.Plan.Kind, kind)
		}
		if s := g.Plan.RingTime.Seconds(); s < 15 || s > 20 {
			t.Errorf("group %s rings %vs", num, s)
		}
	}
	if id, _ := snap.Group("6004"); snap.Groups[id].Plan.Members[2].Delay == 0 {
		t.Error("the custom group has no delays")
	}
	if id, _ := snap.Group("6005"); snap.Groups[id].Plan.Levels() != 2 {
		t.Error("the skill group has not two levels")
	}
}

func TestTrustedPrefixes(t *testing.T) {
	c := mustLoad(t, `
sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local, trusted: ["127.0.0.0/8", "10.1.2.3/8", "192.0.2.7", "2001:db8::/32"] }
`)
	want := []netip.Prefix{
		netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("192.0.2.7/32"), netip.MustParsePrefix("2001:db8::/32"),
	}
	if got := c.TrustedPrefixes(); !slices.Equal(got, want) {
		t.Errorf("prefixes %v, want %v", got, want)
	}
}

// The model types marshal back to a file that parses to the same Config,
// so the store and the admin API can reuse them.
func TestModelRoundTrips(t *testing.T) {
	c, _, err := Demo()
	if err != nil {
		t.Fatal(err)
	}
	c.RingGroups[1].SkipBusy = false // not the default: must survive
	c.RingGroups[2].OnNoAgent = Destination{Dest: "play_greeting", Value: "closed.wav", Prefix: "2"}
	out, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(out)
	if err != nil {
		t.Fatalf("Parse of the marshalled demo:\n%v\n%s", err, out)
	}
	if !reflect.DeepEqual(back, c) {
		t.Errorf("round trip changed the config:\n%s", out)
	}
}
