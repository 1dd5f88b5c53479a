package live

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/store"
)

// Two processes on one store (the nodes of a cluster): a change by one is
// announced, the other Refreshes and routes with it, and its own next
// change starts from what the store holds (no ID taken twice).
func TestSharedStoreChangesReachTheOtherNode(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db")
	st1, err := store.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st1.Close()
	st2, err := store.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	l1, _ := open(t, st1, file1)
	l2, applied2 := open(t, st2, file1)
	announced := 0
	l1.SetShared(func() { announced++ })
	l2.SetShared(func() {})

	addGroup := func(l *Live, number string) {
		t.Helper()
		err := l.Mutate(ctx, func(d *store.Data) ([]store.Change, error) {
			g := config.NewRingGroup()
			g.ID = NextID(d.RingGroups, func(x *config.RingGroup) *int64 { return &x.ID })
			g.Number, g.Name, g.Strategy = number, "Group "+number, "ring_all"
			g.Members = []config.Member{{Extension: "1002"}}
			d.RingGroups = append(d.RingGroups, g)
			return []store.Change{{Kind: store.KindRingGroup, ID: g.ID, Doc: g}}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	addGroup(l1, "6001")
	if announced != 1 {
		t.Fatalf("changed called %d times, want 1", announced)
	}
	if _, ok := l2.Snapshot().Group("6001"); ok {
		t.Fatal("node 2 routes with node 1's change before it refreshed")
	}
	n := len(*applied2)
	if err := l2.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := l2.Snapshot().Group("6001"); !ok || len(*applied2) != n+1 {
		t.Fatalf("after Refresh node 2 does not route 6001 (applied %d)", len(*applied2)-n)
	}
	addGroup(l2, "6002") // takes the next ID after node 1's group
	if err := l1.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	for _, num := range []string{"6000", "6001", "6002"} {
		if _, ok := l1.Snapshot().Group(num); !ok {
			t.Errorf("node 1 does not route %s", num)
		}
	}
}
