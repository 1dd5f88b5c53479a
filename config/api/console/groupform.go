package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/ringd/ringd/config"
)

// The ring group form shows every field of a ring group (config.RingGroup),
// in sections. Each field is described once here: how it is shown, read
// from the posted form and put on the JSON document the API receives.

// fieldKind is how a field is shown and sent.
type fieldKind int

const (
	textField     fieldKind = iota // a string
	numberField                    // an integer; blank leaves the API's default
	boolField                      // a checkbox
	destField                      // a failover destination {dest, value, prefix}
	scheduleField                  // a select of the schedules, or none
)

// groupField is one field of the form, with its value as typed and the
// API's message about it.
type groupField struct {
	Key   string // the API's field name, also the input's name and id
	Label string
	Help  string
	Kind  fieldKind
	Value string // text, number, schedule: as typed
	On    bool   // bool
	Dest  destination
	Error string
}

// destination is a failover destination as typed.
type destination struct{ Dest, Value, Prefix string }

// Kind tests for the template.
func (f *groupField) Text() bool     { return f.Kind == textField }
func (f *groupField) Number() bool   { return f.Kind == numberField }
func (f *groupField) Bool() bool     { return f.Kind == boolField }
func (f *groupField) IsDest() bool   { return f.Kind == destField }
func (f *groupField) Schedule() bool { return f.Kind == scheduleField }

// formSection is a titled group of fields.
type formSection struct {
	Title  string
	Fields []*groupField
}

// groupSections returns the form's fields, empty. Number, name, strategy
// and members have their own places in the template.
func groupSections() []formSection {
	return []formSection{
		{"Ringing", []*groupField{
			{Key: "ring_time", Label: "Ring time (seconds)", Kind: numberField, Help: "How long each step rings (a hunt step, or every member at once). Blank: 20."},
			{Key: "repeats", Label: "Repeats (0-10)", Kind: numberField, Help: "Run the whole plan this many more times before the no-answer destination."},
			{Key: "skip_busy", Label: "Skip members on a call", Kind: boolField},
			{Key: "answered_elsewhere", Label: "Tell the other phones the call was answered elsewhere (no missed call on them)", Kind: boolField},
			{Key: "wrap_up", Label: "Wrap-up time (seconds, 0-3600)", Kind: numberField, Help: "After a member hangs up a call of this group, no group rings it for this long."},
			{Key: "reject_cooldown", Label: "Reject cool-down (seconds, 0-3600)", Kind: numberField, Help: "After a member declines a call of this group, this group does not ring it for this long."},
		}},
		{"Caller ID and headers", []*groupField{
			{Key: "cid_name_prefix", Label: "Caller name prefix", Kind: textField, Help: `Put in front of the caller's name on the members' phones ("Sales: ").`},
			{Key: "pai", Label: "Send P-Asserted-Identity", Kind: boolField},
			{Key: "rpid", Label: "Send Remote-Party-ID", Kind: boolField},
			{Key: "to_extension", Label: "Put the member's extension in the To header", Kind: boolField},
			{Key: "alert_info", Label: "Alert-Info (distinctive ring)", Kind: textField},
			{Key: "client_ringtone", Label: "Ringtone name for the phones", Kind: textField},
		}},
		{"Prompts and music", []*groupField{
			{Key: "welcome_prompt", Label: "Welcome prompt (a sound file)", Kind: textField, Help: "Played to the caller while the members ring."},
			{Key: "moh", Label: "Music on hold (a sound file)", Kind: textField},
			{Key: "join_prompt", Label: "Join prompt (a sound file)", Kind: textField, Help: "Played to the member who answers before the caller is connected."},
			{Key: "play_full_join_prompt", Label: "Play the whole join prompt", Kind: boolField},
		}},
		{"Schedule", []*groupField{
			{Key: "schedule", Label: "Schedule", Kind: scheduleField, Help: "Outside its business hours (or on its holidays) calls go to the out-of-schedule destination."},
			{Key: "out_of_schedule", Label: "Out of schedule", Kind: destField},
		}},
		{"When nobody answers", []*groupField{
			{Key: "on_no_answer", Label: "When no one answers (on_no_answer)", Kind: destField},
			{Key: "on_no_agent", Label: "When no member can be rung (on_no_agent)", Kind: destField},
			{Key: "record_missed", Label: "Record a missed call for the destination's extensions", Kind: boolField},
		}},
	}
}

// memberRow is one row of the members table, as typed.
type memberRow struct {
	Index                                 int
	Member, Skill, Delay, Timeout, Weight string
	Error                                 string
	Bad                                   string // the cell at fault: member, skill_level, delay, timeout, weight
}

// Invalid reports whether the row's error is about this cell.
func (m *memberRow) Invalid(cell string) bool { return m.Error != "" && m.Bad == cell }

// Pos is the row's place counted from 1, as the page shows it.
func (m *memberRow) Pos() int { return m.Index + 1 }

// memberCells are the per-member settings, by API field name, with the
// row's value for each.
var memberCells = []struct {
	key   string
	value func(*memberRow) *string
}{
	{"skill_level", func(m *memberRow) *string { return &m.Skill }},
	{"delay", func(m *memberRow) *string { return &m.Delay }},
	{"timeout", func(m *memberRow) *string { return &m.Timeout }},
	{"weight", func(m *memberRow) *string { return &m.Weight }},
}

// blankRows is how many empty member rows the form offers.
const blankRows = 3

// groupForm is the ring group form.
type groupForm struct {
	ID                     string
	Number, Name, Strategy string
	Members                []memberRow
	Sections               []formSection
	Errors                 map[string]string // number, name, strategy, members
	Other                  []string          // errors on no field of the form
	Strategies             []strategy
	DestTypes              []string
	Schedules              []string
}

func newGroupForm() *groupForm {
	return &groupForm{Sections: groupSections(), Errors: map[string]string{}}
}

// field returns the form's field of this key, or nil.
func (f *groupForm) field(key string) *groupField {
	for _, s := range f.Sections {
		for _, fl := range s.Fields {
			if fl.Key == key {
				return fl
			}
		}
	}
	return nil
}

// addMember adds a row at the end, numbered by its place.
func (f *groupForm) addMember(row memberRow) {
	row.Index = len(f.Members)
	f.Members = append(f.Members, row)
}

// padMembers adds the blank rows.
func (f *groupForm) padMembers() {
	for range blankRows {
		f.addMember(memberRow{})
	}
}

// groupFormOf fills the form from a stored ring group.
func groupFormOf(g config.RingGroup) *groupForm {
	f := newGroupForm()
	f.ID, f.Number, f.Name, f.Strategy = strconv.FormatInt(g.ID, 10), g.Number, g.Name, g.Strategy
	num := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	for _, m := range g.Members {
		row := memberRow{Member: m.Extension, Skill: num(m.SkillLevel), Delay: num(m.Delay), Timeout: num(m.Timeout), Weight: num(m.Weight)}
		if m.ExtGroup != "" {
			row.Member = "@" + m.ExtGroup
		}
		f.addMember(row)
	}
	values := map[string]string{"ring_time": strconv.Itoa(g.RingTime), "repeats": num(g.Repeats), "wrap_up": num(g.WrapUp),
		"reject_cooldown": num(g.RejectCooldown), "cid_name_prefix": g.CIDNamePrefix, "alert_info": g.AlertInfo,
		"client_ringtone": g.ClientRingtone, "welcome_prompt": g.WelcomePrompt, "moh": g.MOH, "join_prompt": g.JoinPrompt,
		"schedule": g.Schedule}
	bools := map[string]bool{"skip_busy": g.SkipBusy, "answered_elsewhere": g.AnsweredElsewhere, "pai": g.PAI, "rpid": g.RPID,
		"to_extension": g.ToExtension, "play_full_join_prompt": g.PlayFullJoinPrompt, "record_missed": g.RecordMissed}
	dests := map[string]config.Destination{"out_of_schedule": g.OutOfSchedule, "on_no_answer": g.OnNoAnswer, "on_no_agent": g.OnNoAgent}
	for _, s := range f.Sections {
		for _, fl := range s.Fields {
			fl.Value, fl.On = values[fl.Key], bools[fl.Key]
			d := dests[fl.Key]
			fl.Dest = destination{d.Dest, d.Value, d.Prefix}
		}
	}
	return f
}

// readGroupForm reads the posted form. Member rows with no member are left
// out.
func readGroupForm(r *http.Request) *groupForm {
	_ = r.ParseForm()
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := newGroupForm()
	f.Number, f.Name, f.Strategy = v("number"), v("name"), v("strategy")
	for _, s := range f.Sections {
		for _, fl := range s.Fields {
			switch fl.Kind {
			case boolField:
				fl.On = r.PostFormValue(fl.Key) == "1"
			case destField:
				fl.Dest = destination{v(fl.Key + ".dest"), v(fl.Key + ".value"), v(fl.Key + ".prefix")}
			case textField: // as typed: a caller name prefix may end in a space
				fl.Value = r.PostFormValue(fl.Key)
			default:
				fl.Value = v(fl.Key)
			}
		}
	}
	cell := func(name string, i int) string {
		vs := r.PostForm["m."+name]
		if i < len(vs) {
			return strings.TrimSpace(vs[i])
		}
		return ""
	}
	for i := range r.PostForm["m.member"] {
		row := memberRow{Member: cell("member", i), Skill: cell("skill_level", i), Delay: cell("delay", i),
			Timeout: cell("timeout", i), Weight: cell("weight", i)}
		if row.Member != "" {
			f.addMember(row)
		}
	}
	return f
}

// number is a typed integer as the API takes it: the number, or the text
// as typed for the API to refuse.
func number(s string) any {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return s
}

// apply puts every field of the form on a ring group document (as JSON
// decodes it). A blank number leaves the field out: the API's default.
func (f *groupForm) apply(doc map[string]any) {
	doc["number"], doc["name"], doc["strategy"] = f.Number, f.Name, f.Strategy
	for _, s := range f.Sections {
		for _, fl := range s.Fields {
			switch fl.Kind {
			case boolField:
				doc[fl.Key] = fl.On
			case numberField:
				if fl.Value == "" {
					delete(doc, fl.Key)
				} else {
					doc[fl.Key] = number(fl.Value)
				}
			case destField:
				if fl.Dest == (destination{}) {
					delete(doc, fl.Key)
				} else {
					doc[fl.Key] = map[string]any{"dest": fl.Dest.Dest, "value": fl.Dest.Value, "prefix": fl.Dest.Prefix}
				}
			default:
				doc[fl.Key] = fl.Value
			}
		}
	}
	members := []any{}
	for i := range f.Members {
		row := &f.Members[i]
		m := map[string]any{"extension": row.Member}
		if g, ok := strings.CutPrefix(row.Member, "@"); ok {
			m = map[string]any{"ext_group": strings.TrimSpace(g)}
		}
		for _, c := range memberCells {
			if v := *c.value(row); v != "" {
				m[c.key] = number(v)
			}
		}
		members = append(members, m)
	}
	doc["members"] = members
}

// failed puts an API refusal on the form: each error next to its field
// (a member's at its row), the rest above the form.
func (f *groupForm) failed(p *apiError) {
	if p.Status == http.StatusConflict { // the number is taken
		f.Errors["number"] = p.Detail
		return
	}
	for _, e := range p.Errors {
		if !f.place(e.Field, e.Message) {
			f.Other = append(f.Other, e.Field+": "+e.Message)
		}
	}
	if len(p.Errors) == 0 {
		f.Other = append(f.Other, p.Error())
	}
}

// place shows one field error at its field; false when the form has no
// such field.
func (f *groupForm) place(field, msg string) bool {
	top, rest := field, ""
	if i := strings.IndexAny(field, "[."); i >= 0 {
		top, rest = field[:i], field[i:]
	}
	add := func(to *string, m string) {
		if *to != "" {
			*to += "; "
		}
		*to += m
	}
	switch {
	case top == "number" || top == "name" || top == "strategy":
		f.Errors[top] = msg
		return true
	case top == "members":
		if row := f.memberRow(rest); row != nil {
			cell := strings.TrimPrefix(strings.TrimPrefix(rest, "["+strconv.Itoa(row.Index)+"]"), ".")
			add(&row.Error, cell+": "+msg)
			row.Bad = "member"
			for _, c := range memberCells {
				if c.key == cell {
					row.Bad = cell
				}
			}
			return true
		}
		m := f.Errors["members"]
		add(&m, field+": "+msg)
		f.Errors["members"] = m
		return true
	}
	if fl := f.field(top); fl != nil {
		if rest != "" {
			msg = field + ": " + msg
		}
		add(&fl.Error, msg)
		return true
	}
	return false
}

// memberRow finds the row a members error is about: "[2].delay" names
// row 2; ".delay" (a wrong type, where the API cannot say which member)
// names the first row whose delay is not a number.
func (f *groupForm) memberRow(rest string) *memberRow {
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		i, err := strconv.Atoi(rest[1:max(end, 1)])
		if end < 0 || err != nil || i < 0 || i >= len(f.Members) {
			return nil
		}
		return &f.Members[i]
	}
	key := strings.TrimPrefix(rest, ".")
	for i := range f.Members {
		for _, c := range memberCells {
			if c.key == key {
				if v := *c.value(&f.Members[i]); v != "" && number(v) == v {
					return &f.Members[i]
				}
			}
		}
	}
	return nil
}
