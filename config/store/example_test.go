package store_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/store"
)

// Apply writes all of its changes or none; errors.Is tells a taken number
// (409) from a reference to a missing extension.
func ExampleStore_Apply() {
	ctx := context.Background()
	s, _ := store.Open(ctx, "memory:")
	defer s.Close()

	err := s.Apply(ctx,
		store.Change{Kind: store.KindExtension, ID: 1, Doc: config.Extension{ID: 1, Number: "101"}},
		store.Change{Kind: store.KindRingGroup, ID: 1, Doc: config.RingGroup{ID: 1, Number: "6000"}})
	fmt.Println(err)

	err = s.Apply(ctx,
		store.Change{Kind: store.KindExtension, ID: 2, Doc: config.Extension{ID: 2, Number: "102"}},
		store.Change{Kind: store.KindRingGroup, ID: 2, Doc: config.RingGroup{ID: 2, Number: "6000"}})
	fmt.Println(errors.Is(err, store.ErrConflict), err)

	err = s.Apply(ctx, store.Change{Kind: store.KindSequentialRing, ID: 1,
		Doc: config.SequentialRing{ID: 1, Extension: "999"}})
	fmt.Println(errors.Is(err, store.ErrNotFound), err)

	d, _ := s.Load(ctx)
	fmt.Println(len(d.Extensions), "extension,", len(d.RingGroups), "ring group")
	// Output:
	// <nil>
	// true store: ring_group 2: number "6000" is taken by ring_group 1: conflict
	// true store: sequential_ring 1: extension "999": not found
	// 1 extension, 1 ring group
}
