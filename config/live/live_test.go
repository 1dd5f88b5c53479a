package live

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/store"
	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/engine/cdr"
)

func parse(t *testing.T, yaml string) *config.Config {
	t.Helper()
	c, err := config.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const file1 = `sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local }
extensions:
  - { number: "1001", password: a }
  - { number: "1002", password: b }
ring_groups:
  - { number: "6000", name: Sales, strategy: ring_all, members: [{ extension: "1001" }] }
`

func open(t *testing.T, st store.Store, file string) (*Live, *[]*engine.Snapshot) {
	t.Helper()
	var applied []*engine.Snapshot
	l, err := Open(context.Background(), st, parse(t, file), func(_ *config.Config, s *engine.Snapshot) { applied = append(applied, s) })
	if err != nil {
		t.Fatal(err)
	}
	return l, &applied
}

func TestProvisioningKeepsIDsAndAPIObjects(t *testing.T) {
	st, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l, applied := open(t, st, file1)
	if len(*applied) != 1 {
		t.Fatalf("%d configurations applied at open", len(*applied))
	}
	// An object made through the API (not in the file) ...
	err = l.Mutate(context.Background(), func(d *store.Data) ([]store.Change, error) {
		g := config.NewRingGroup()
		g.ID, g.Number, g.Name, g.Strategy = 2, "6001", "Extra", "ring_all"
		g.Members = []config.Member{{Extension: "1002"}}
		d.RingGroups = append(d.RingGroups, g)
		return []store.Change{{Kind: store.KindRingGroup, ID: 2, Doc: g}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// ... survives a restart that provisions the file again, and the file's
	// objects keep their IDs and take the file's definition.
	changed := file1 + "  - { number: \"6002\", name: New, strategy: ring_all, members: [{ extension: \"1002\" }] }\n"
	l2, _ := open(t, st, changed)
	var groups []config.RingGroup
	l2.Read(func(d *store.Data, _ *config.Config) { groups = d.RingGroups })
	if len(groups) != 3 || groups[0].ID != 1 || groups[0].Number != "6000" || groups[1].Number != "6001" || groups[2].ID != 3 {
		t.Fatalf("groups after re-provisioning: %+v", groups)
	}
	if _, ok := l2.Snapshot().Group("6001"); !ok {
		t.Error("the API-made group does not route after restart")
	}
}

func TestInvalidMutationChangesNothing(t *testing.T) {
	st := store.NewMemory()
	l, applied := open(t, st, file1)
	before := l.Snapshot()
	err := l.Mutate(context.Background(), func(d *store.Data) ([]store.Change, error) {
		d.RingGroups[0].Members = []config.Member{{Extension: "1009"}}
		return []store.Change{{Kind: store.KindRingGroup, ID: d.RingGroups[0].ID, Doc: d.RingGroups[0]}}, nil
	})
	var inv *Invalid
	if !errors.As(err, &inv) || !strings.Contains(inv.Error(), `ring_groups[0].members[0].extension: unknown extension "1009"`) {
		t.Fatalf("err = %v", err)
	}
	if l.Snapshot() != before || len(*applied) != 1 {
		t.Error("an invalid change went live")
	}
	var members []config.Member
	l.Read(func(d *store.Data, _ *config.Config) { members = d.RingGroups[0].Members })
	if members[0].Extension != "1001" {
		t.Error("the running data was edited in place")
	}
	d, _ := st.Load(context.Background())
	if d.RingGroups[0].Members[0].Extension != "1001" {
		t.Error("an invalid change reached the store")
	}
	// A handler's own error also changes nothing.
	boom := errors.New("boom")
	if err := l.Mutate(context.Background(), func(d *store.Data) ([]store.Change, error) {
		d.RingGroups = nil
		return nil, boom
	}); err != boom || l.Snapshot() != before {
		t.Errorf("handler error: %v", err)
	}
}

func TestReloadRefusesAnInvalidFile(t *testing.T) {
	l, applied := open(t, store.NewMemory(), file1)
	bad := parse(t, `sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local }
ring_groups:
  - { number: "6000", name: Sales, strategy: ring_all, members: [{ extension: "1009" }] }
`)
	if err := l.Reload(context.Background(), bad); err == nil {
		t.Fatal("an invalid file was accepted")
	}
	if len(*applied) != 1 {
		t.Error("a refused reload was applied")
	}
	good := parse(t, file1+"  - { number: \"6003\", name: More, strategy: ring_all, members: [{ extension: \"1001\" }] }\n")
	if err := l.Reload(context.Background(), good); err != nil {
		t.Fatal(err)
	}
	if _, ok := l.Snapshot().Group("6003"); !ok || len(*applied) != 2 {
		t.Error("a good reload was not applied")
	}
}

func TestPersisterWritesRecordsAndBindingsInOrder(t *testing.T) {
	st := store.NewMemory()
	p := NewPersister(st, func(err error) { t.Errorf("write failed: %v", err) })
	now := time.Now().UTC()
	for i := range 250 {
		p.Record(cdr.Record{CallID: "c" + string(rune('a'+i%26)), Group: "6000", Outcome: "answered", Start: now, End: now, Legs: []cdr.Leg{}})
	}
	b := store.Binding{Extension: "1001", Contact: "sip:1001@127.0.0.1:5071", Expires: now.Add(time.Hour), CallID: "x", CSeq: 1}
	p.Binding(b, false)
	p.Binding(b, true)
	b.Contact = "sip:1001@127.0.0.1:5072"
	p.Binding(b, false)
	p.Close()
	if _, n, err := st.Records(context.Background(), store.RecordQuery{}); err != nil || n != 250 {
		t.Errorf("%d records stored (%v), want 250", n, err)
	}
	bs, _ := st.Bindings(context.Background(), now)
	if len(bs) != 1 || bs[0].Contact != "sip:1001@127.0.0.1:5072" {
		t.Errorf("bindings %+v", bs)
	}
}

// What comes after Close (a call ended by a request still in flight at
// shutdown) is reported, not written, and does not take ringd down.
func TestPersisterAfterClose(t *testing.T) {
	st := store.NewMemory()
	var errs []error
	p := NewPersister(st, func(err error) { errs = append(errs, err) })
	p.Close()
	p.Record(cdr.Record{CallID: "late", Group: "6000", Outcome: "answered", Legs: []cdr.Leg{}})
	p.Binding(store.Binding{Extension: "1001", Contact: "sip:1001@127.0.0.1:5071"}, false)
	p.Close() // twice is harmless
	if len(errs) != 2 || !errors.Is(errs[0], errClosed) {
		t.Errorf("errors %v, want 2 of errClosed", errs)
	}
	if _, n, _ := st.Records(context.Background(), store.RecordQuery{}); n != 0 {
		t.Errorf("%d records written after Close", n)
	}
}
