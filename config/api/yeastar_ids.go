package api

import (
	"iter"
	"strconv"

	"github.com/ringd/ringd/config/api/compat"
	"github.com/ringd/ringd/config/store"
)

// yeastarIDs is the façade's compat.YeastarIDs, over one view of the data:
// the copy a Mutate edits, or the data of a Read (never the live data
// outside of those).
//
// The choice: Yeastar clients identify the objects a ring group refers to
// by their IDs, not by their numbers. Yeastar documents fail_dest_value
// as the destination's ID, and its other modules' member lists as "the
// unique ID(s) of extension or extension group" (compat's
// testdata/yeastar/README.md). ringd refers to objects by key instead, so
// the façade translates, both ways, through ringd's own IDs - the id of
// GET /api/v1/extensions, /extension_groups and /ring_groups, and for ring
// groups the id the façade itself shows:
//
//	member_list[].value, type extension      extension ID       <-> extension number
//	member_list[].value, type ext_group      extension group ID <-> extension group name
//	*_dest_value, dest extension             extension ID       <-> extension number
//	*_dest_value, dest ring_group            ring group ID      <-> ring group number
//
// A value that is not the ID of such an object is refused (no fallback
// to numbers: "1001" must not mean extension ID 1001 on one day and
// extension number 1001 on another). The other destination types keep
// their value as it is: ext_vm, group_vm, ivr, call_flow and queue are
// not objects in ringd but the {value} of a services URI template (a
// mailbox, an IVR name...), external_num's value is a number and
// play_greeting's a prompt file.
type yeastarIDs struct{ d *store.Data }

// NativeKey returns ringd's key for the ID a Yeastar client sent.
func (x yeastarIDs) NativeKey(kind, value string) (string, bool) {
	if !translated(kind) {
		return value, true
	}
	want, err := strconv.ParseInt(value, 10, 64)
	if err != nil || want < 1 {
		return "", false
	}
	for id, key := range x.objects(kind) {
		if id == want {
			return key, true
		}
	}
	return "", false
}

// YeastarValue returns the ID a Yeastar client sees for ringd's key (the
// key itself if no such object exists, which validation rules out for
// stored groups).
func (x yeastarIDs) YeastarValue(kind, key string) string {
	if !translated(kind) {
		return key
	}
	for id, k := range x.objects(kind) {
		if k == key {
			return itoa(id)
		}
	}
	return key
}

// translated reports whether values of this member or destination type
// are object IDs for Yeastar and keys for ringd.
func translated(kind string) bool {
	switch kind {
	case compat.YeastarMemberExtension, compat.YeastarMemberExtGroup, "ring_group":
		return true
	}
	return false
}

// objects yields the ID and key of every object of a translated kind.
func (x yeastarIDs) objects(kind string) iter.Seq2[int64, string] {
	return func(yield func(int64, string) bool) {
		switch kind {
		case compat.YeastarMemberExtension:
			for _, e := range x.d.Extensions {
				if !yield(e.ID, e.Number) {
					return
				}
			}
		case compat.YeastarMemberExtGroup:
			for _, g := range x.d.ExtensionGroups {
				if !yield(g.ID, g.Name) {
					return
				}
			}
		case "ring_group":
			for _, g := range x.d.RingGroups {
				if !yield(g.ID, g.Number) {
					return
				}
			}
		}
	}
}
