package live

import (
	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/store"
)

// provision upserts the file's provisioning blocks into data: an object
// whose number (or name) exists keeps its ID and takes the file's
// definition; a new one gets the next ID. It returns the changes to persist.
// An extension's DND and logged-out state, which the phone sets itself with
// feature codes, stay as stored when the file does not turn them on.
func provision(data *store.Data, file *config.Config) []store.Change {
	var changes []store.Change
	for _, e := range file.Extensions {
		for _, old := range data.Extensions {
			if old.Number == e.Number {
				e.DND, e.LoggedOut = e.DND || old.DND, e.LoggedOut || old.LoggedOut
			}
		}
		changes = upsert(&data.Extensions, e, store.KindExtension, changes,
			func(x config.Extension) string { return x.Number }, func(x *config.Extension) *int64 { return &x.ID })
	}
	for _, g := range file.ExtensionGroups {
		changes = upsert(&data.ExtensionGroups, g, store.KindExtensionGroup, changes,
			func(x config.ExtensionGroup) string { return x.Name }, func(x *config.ExtensionGroup) *int64 { return &x.ID })
	}
	for _, s := range file.Schedules {
		changes = upsert(&data.Schedules, s, store.KindSchedule, changes,
			func(x config.Schedule) string { return x.Name }, func(x *config.Schedule) *int64 { return &x.ID })
	}
	for _, g := range file.RingGroups {
		changes = upsert(&data.RingGroups, g, store.KindRingGroup, changes,
			func(x config.RingGroup) string { return x.Number }, func(x *config.RingGroup) *int64 { return &x.ID })
	}
	return changes
}

// upsert puts v into list, matched by key, and records the change.
func upsert[T any](list *[]T, v T, kind store.Kind, changes []store.Change, key func(T) string, id func(*T) *int64) []store.Change {
	for i := range *list {
		if key((*list)[i]) == key(v) {
			*id(&v) = *id(&(*list)[i])
			(*list)[i] = v
			return append(changes, store.Change{Kind: kind, ID: *id(&v), Doc: v})
		}
	}
	*id(&v) = NextID(*list, id)
	*list = append(*list, v)
	return append(changes, store.Change{Kind: kind, ID: *id(&v), Doc: v})
}

// NextID is one more than the highest ID in list: the ID a new object
// takes (id reads an object's ID field).
func NextID[T any](list []T, id func(*T) *int64) int64 {
	var max int64
	for i := range list {
		if v := *id(&list[i]); v > max {
			max = v
		}
	}
	return max + 1
}
