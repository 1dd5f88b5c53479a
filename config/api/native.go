package api

import (
	"slices"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/store"
)

// The native resources of SPEC §8.
var (
	ringGroups = &resource[config.RingGroup]{
		name: "ring_groups", schema: "RingGroup", kind: store.KindRingGroup,
		list: func(d *store.Data) *[]config.RingGroup { return &d.RingGroups },
		id:   func(v *config.RingGroup) *int64 { return &v.ID },
		key:  func(v config.RingGroup) string { return v.Number },
		fields: []string{"id", "number", "name", "strategy", "ring_time", "skip_busy", "pai", "rpid",
			"to_extension", "alert_info", "cid_name_prefix", "answered_elsewhere", "repeats", "wrap_up", "reject_cooldown", "record_missed", "schedule"},
		fresh:   config.NewRingGroup,
		claimed: func(d *store.Data, v config.RingGroup) string { return numberTaken(d, v.Number, v.ID, 0) },
		users: func(d *store.Data, v config.RingGroup) []string {
			return groupsWhere(d, v.ID, func(g config.RingGroup) bool { return destinationsName(g, "ring_group", v.Number) })
		},
	}
	extensions = &resource[config.Extension]{
		name: "extensions", schema: "Extension", kind: store.KindExtension,
		list:    func(d *store.Data) *[]config.Extension { return &d.Extensions },
		id:      func(v *config.Extension) *int64 { return &v.ID },
		key:     func(v config.Extension) string { return v.Number },
		fields:  []string{"id", "number", "name", "contact", "dnd"},
		fresh:   func() config.Extension { return config.Extension{} },
		byKey:   true,
		claimed: func(d *store.Data, v config.Extension) string { return numberTaken(d, v.Number, 0, v.ID) },
		users:   extensionUsers,
		secret:  extensionPassword,
	}
	extensionGroups = &resource[config.ExtensionGroup]{
		name: "extension_groups", schema: "ExtensionGroup", kind: store.KindExtensionGroup,
		list:   func(d *store.Data) *[]config.ExtensionGroup { return &d.ExtensionGroups },
		id:     func(v *config.ExtensionGroup) *int64 { return &v.ID },
		key:    func(v config.ExtensionGroup) string { return v.Name },
		fields: []string{"id", "name"},
		fresh:  func() config.ExtensionGroup { return config.ExtensionGroup{} },
		claimed: func(d *store.Data, v config.ExtensionGroup) string {
			for _, g := range d.ExtensionGroups {
				if g.Name == v.Name && g.ID != v.ID {
					return "extension group " + itoa(g.ID)
				}
			}
			return ""
		},
		users: func(d *store.Data, v config.ExtensionGroup) []string {
			return groupsWhere(d, 0, func(g config.RingGroup) bool {
				return slices.ContainsFunc(g.Members, func(m config.Member) bool { return m.ExtGroup == v.Name })
			})
		},
	}
	schedules = &resource[config.Schedule]{
		name: "schedules", schema: "Schedule", kind: store.KindSchedule,
		list:   func(d *store.Data) *[]config.Schedule { return &d.Schedules },
		id:     func(v *config.Schedule) *int64 { return &v.ID },
		key:    func(v config.Schedule) string { return v.Name },
		fields: []string{"id", "name", "type", "timezone"},
		fresh:  func() config.Schedule { return config.Schedule{} },
		claimed: func(d *store.Data, v config.Schedule) string {
			for _, s := range d.Schedules {
				if s.Name == v.Name && s.ID != v.ID {
					return "schedule " + itoa(s.ID)
				}
			}
			return ""
		},
		users: func(d *store.Data, v config.Schedule) []string {
			users := groupsWhere(d, 0, func(g config.RingGroup) bool { return g.Schedule == v.Name })
			for _, c := range d.Criteria {
				if c.ScheduleName == v.Name {
					users = append(users, "sequential ring criterion "+itoa(c.ID)+" of extension "+c.Extension)
				}
			}
			return users
		},
	}
)

// extensionPassword: an extension's SIP password is write-only; reads say
// has_password.
var extensionPassword = &writeOnly[config.Extension]{
	field: "password", shown: "has_password",
	get: func(e config.Extension) string { return e.Password },
	set: func(e *config.Extension, p string) { e.Password = p },
}

// numberTaken reports who else holds a dialable number: numbers are unique
// across ring groups and extensions. The IDs given are the object's own.
func numberTaken(d *store.Data, number string, groupID, extID int64) string {
	for _, g := range d.RingGroups {
		if g.Number == number && g.ID != groupID {
			return "ring group " + g.Number + " (id " + itoa(g.ID) + ")"
		}
	}
	for _, e := range d.Extensions {
		if e.Number == number && e.ID != extID {
			return "extension " + e.Number + " (id " + itoa(e.ID) + ")"
		}
	}
	return ""
}

// groupsWhere names the ring groups (other than skip) for which f holds.
func groupsWhere(d *store.Data, skip int64, f func(config.RingGroup) bool) []string {
	var out []string
	for _, g := range d.RingGroups {
		if g.ID != skip && f(g) {
			out = append(out, "ring group "+g.Number)
		}
	}
	return out
}

// destinationsName reports whether a group fails over to dest type t with value v.
func destinationsName(g config.RingGroup, t, v string) bool {
	for _, d := range []config.Destination{g.OnNoAnswer, g.OnNoAgent, g.OutOfSchedule} {
		if d.Dest == t && d.Value == v {
			return true
		}
	}
	return false
}

// extensionUsers names what still refers to an extension: ring groups (as
// member or failover destination) and extension groups.
func extensionUsers(d *store.Data, e config.Extension) []string {
	users := groupsWhere(d, 0, func(g config.RingGroup) bool {
		return destinationsName(g, "extension", e.Number) ||
			slices.ContainsFunc(g.Members, func(m config.Member) bool { return m.Extension == e.Number })
	})
	for _, g := range d.ExtensionGroups {
		if slices.Contains(g.Extensions, e.Number) {
			users = append(users, "extension group "+g.Name)
		}
	}
	return users
}
