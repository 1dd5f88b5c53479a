package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/engine/cdr"
)

// opener gives a test a new, empty store, closed when the test ends.
type opener func(t *testing.T) Store

func openMemory(tb testing.TB) Store {
	s := NewMemory()
	tb.Cleanup(func() { s.Close() })
	return s
}

func openSQLiteTemp(tb testing.TB) Store {
	tb.Helper()
	s, err := OpenSQLite(tb.Context(), filepath.Join(tb.TempDir(), "ringd.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// TestConformance runs the one suite every Store must pass.
func TestConformance(t *testing.T) {
	for _, impl := range []struct {
		name string
		open opener
	}{
		{"memory", func(t *testing.T) Store { return openMemory(t) }},
		{"sqlite", func(t *testing.T) Store { return openSQLiteTemp(t) }},
		{"postgres", func(t *testing.T) Store { return openPostgresTemp(t) }},
	} {
		t.Run(impl.name, func(t *testing.T) { testStore(t, impl.open) })
	}
}

func testStore(t *testing.T, open opener) {
	for _, tc := range []struct {
		name string
		f    func(*testing.T, Store)
	}{
		{"Objects", testObjects},
		{"LoadSortsByID", testLoadSortsByID},
		{"InvalidChanges", testInvalidChanges},
		{"Conflict", testConflict},
		{"MissingExtension", testMissingExtension},
		{"CascadeOnExtensionDelete", testCascade},
		{"RenumberedExtension", testRenumber},
		{"ConcurrentApply", testConcurrentApply},
		{"Bindings", testBindings},
		{"Bans", testBans},
		{"Records", testRecords},
		{"RecordRoundTripAndTies", testRecordRoundTrip},
		{"MissedCalls", testMissedCalls},
		{"UseAfterClose", testUseAfterClose},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.f(t, open(t))
		})
	}
}

// Fixtures.

func ext(id int64, number string) config.Extension {
	return config.Extension{ID: id, Number: number, Name: "Ext " + number, Password: "secret" + number}
}

func ring(id int64, number string) config.RingGroup {
	g := config.NewRingGroup()
	g.ID, g.Number, g.Name, g.Strategy = id, number, "Sales "+number, "ring_all"
	g.Members = []config.Member{{Extension: "101"}, {ExtGroup: "support", SkillLevel: 2}}
	g.OnNoAnswer = config.Destination{Dest: "extension", Value: "102"}
	return g
}

func group(id int64, name string) config.ExtensionGroup {
	return config.ExtensionGroup{ID: id, Name: name, Extensions: []string{"101", "102"}}
}

func schedule(id int64, name string) config.Schedule {
	return config.Schedule{ID: id, Name: name, Type: "business_hours", Timezone: "Europe/Paris",
		Weekly: []string{"mon-fri 09:00-17:00"}}
}

func seqRing(id int64, extension string) config.SequentialRing {
	return config.SequentialRing{ID: id, Extension: extension, Enabled: true, RingBaseFirst: true, BaseRingTime: 10,
		Numbers: []config.SeqNumber{{Number: "102", RingTime: 15}, {Number: "0611223344", RingTime: 20}}}
}

func criterion(id int64, extension string, ring bool) config.Criterion {
	return config.Criterion{ID: id, Extension: extension, ScheduleName: "office", ScheduleType: "business_hours",
		ScheduleLevel: "GROUP", CallsFrom: "SELECT_PHONE_NUMBERS", PhoneNumbers: []string{"+33611223344"},
		AnonymousCallersEnabled: true, RingEnabled: &ring}
}

// fullData has objects of every kind.
func fullData() *Data {
	return &Data{
		Extensions:      []config.Extension{ext(1, "101"), ext(2, "102")},
		ExtensionGroups: []config.ExtensionGroup{group(1, "support")},
		RingGroups:      []config.RingGroup{ring(1, "6000")},
		Schedules:       []config.Schedule{schedule(1, "office")},
		SequentialRings: []config.SequentialRing{seqRing(1, "101")},
		Criteria:        []config.Criterion{criterion(1, "101", true), criterion(2, "101", false)},
	}
}

// put returns the changes that write every object of d.
func put(d *Data) []Change {
	var cs []Change
	for _, v := range d.Extensions {
		cs = append(cs, Change{KindExtension, v.ID, v})
	}
	for _, v := range d.ExtensionGroups {
		cs = append(cs, Change{KindExtensionGroup, v.ID, v})
	}
	for _, v := range d.Schedules {
		cs = append(cs, Change{KindSchedule, v.ID, v})
	}
	for _, v := range d.RingGroups {
		cs = append(cs, Change{KindRingGroup, v.ID, v})
	}
	for _, v := range d.SequentialRings {
		cs = append(cs, Change{KindSequentialRing, v.ID, v})
	}
	for _, v := range d.Criteria {
		cs = append(cs, Change{KindCriterion, v.ID, v})
	}
	return cs
}

func apply(t *testing.T, s Store, cs ...Change) {
	t.Helper()
	if err := s.Apply(t.Context(), cs...); err != nil {
		t.Fatalf("Apply: %v", err)
	}
}

func load(t *testing.T, s Store) *Data {
	t.Helper()
	d, err := s.Load(t.Context())
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return d
}

func checkLoad(t *testing.T, s Store, want *Data) {
	t.Helper()
	if got := load(t, s); !reflect.DeepEqual(got, want) {
		t.Errorf("Load:\n got %s\nwant %s", asJSON(got), asJSON(want))
	}
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Routing objects.

func testObjects(t *testing.T, s Store) {
	checkLoad(t, s, &Data{})

	want := fullData()
	apply(t, s, put(want)...)
	checkLoad(t, s, want)

	// Replace every kind, by value and by pointer.
	e := ext(2, "102")
	e.Name, e.DND, e.Contact = "Reception", true, "sip:102@10.0.0.7:5060"
	g := group(1, "support")
	g.Extensions = []string{"102"}
	r := ring(1, "6000")
	r.Strategy, r.RingTime, r.RecordMissed = "sequentially", 30, true
	sc := schedule(1, "office")
	sc.Dates = []string{"2026-12-24..2026-12-26"}
	sr := seqRing(1, "102") // moves to the other extension
	sr.Enabled = false
	cr := criterion(2, "101", true)
	cr.CallsFrom = "ANY_PHONE_NUMBER"
	apply(t, s,
		Change{KindExtension, 2, &e}, Change{KindExtensionGroup, 1, g}, Change{KindRingGroup, 1, &r},
		Change{KindSchedule, 1, sc}, Change{KindSequentialRing, 1, sr}, Change{KindCriterion, 2, &cr})
	want.Extensions[1], want.ExtensionGroups[0], want.RingGroups[0] = e, g, r
	want.Schedules[0], want.SequentialRings[0], want.Criteria[1] = sc, sr, cr
	checkLoad(t, s, want)

	// Delete every kind; deleting what is not there is no error.
	apply(t, s,
		Change{Kind: KindCriterion, ID: 1}, Change{Kind: KindCriterion, ID: 2}, Change{Kind: KindSequentialRing, ID: 1},
		Change{Kind: KindRingGroup, ID: 1}, Change{Kind: KindSchedule, ID: 1}, Change{Kind: KindExtensionGroup, ID: 1},
		Change{Kind: KindExtension, ID: 1}, Change{Kind: KindExtension, ID: 2}, Change{Kind: KindRingGroup, ID: 99})
	checkLoad(t, s, &Data{})
	apply(t, s) // nothing to do
}

func testLoadSortsByID(t *testing.T, s Store) {
	for _, id := range []int64{30, 10, 20} {
		apply(t, s, Change{KindRingGroup, id, ring(id, fmt.Sprint(6000+id))},
			Change{KindExtension, id, ext(id, fmt.Sprint(100+id))})
	}
	apply(t, s, Change{KindCriterion, 9, criterion(9, "130", true)}, Change{KindCriterion, 3, criterion(3, "110", true)})
	d := load(t, s)
	var rgs, exts, crs []int64
	for _, g := range d.RingGroups {
		rgs = append(rgs, g.ID)
	}
	for _, e := range d.Extensions {
		exts = append(exts, e.ID)
	}
	for _, c := range d.Criteria {
		crs = append(crs, c.ID)
	}
	if want := []int64{10, 20, 30}; !slices.Equal(rgs, want) || !slices.Equal(exts, want) {
		t.Errorf("ring groups %v, extensions %v; want both %v", rgs, exts, want)
	}
	if want := []int64{3, 9}; !slices.Equal(crs, want) {
		t.Errorf("criteria %v, want %v", crs, want)
	}
}

func testInvalidChanges(t *testing.T, s Store) {
	empty := ext(5, "")
	for _, tc := range []struct {
		name string
		c    Change
	}{
		{"unknown kind", Change{"trunk", 1, ext(1, "101")}},
		{"id 0", Change{KindExtension, 0, ext(0, "101")}},
		{"negative id", Change{Kind: KindExtension, ID: -1}},
		{"doc of another kind", Change{KindRingGroup, 1, ext(1, "101")}},
		{"doc id differs", Change{KindExtension, 1, ext(2, "101")}},
		{"typed nil doc", Change{KindExtension, 1, (*config.Extension)(nil)}},
		{"empty number", Change{KindExtension, 5, &empty}},
		{"empty name", Change{KindSchedule, 1, schedule(1, "")}},
		{"sequential ring without extension", Change{KindSequentialRing, 1, seqRing(1, "")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Apply(t.Context(), Change{KindExtension, 7, ext(7, "107")}, tc.c)
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Apply = %v, want ErrInvalid", err)
			}
			checkLoad(t, s, &Data{})
		})
	}
}

func testConflict(t *testing.T, s Store) {
	base := fullData()
	apply(t, s, put(base)...)

	for _, tc := range []struct {
		name string
		c    Change
	}{
		{"extension number", Change{KindExtension, 3, ext(3, "101")}},
		{"extension group name", Change{KindExtensionGroup, 2, group(2, "support")}},
		{"ring group number", Change{KindRingGroup, 2, ring(2, "6000")}},
		{"schedule name", Change{KindSchedule, 2, schedule(2, "office")}},
		{"second sequential ring of an extension", Change{KindSequentialRing, 2, seqRing(2, "101")}},
		{"renumbering onto a taken number", Change{KindExtension, 2, ext(2, "101")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The good changes before and after the bad one leave no trace.
			err := s.Apply(t.Context(),
				Change{KindExtension, 9, ext(9, "109")}, Change{KindSchedule, 9, schedule(9, "night")},
				Change{Kind: KindCriterion, ID: 1}, tc.c, Change{KindRingGroup, 9, ring(9, "6009")})
			if !errors.Is(err, ErrConflict) {
				t.Fatalf("Apply = %v, want ErrConflict", err)
			}
			checkLoad(t, s, base)
		})
	}

	// Keeping one's own key, or taking a key freed earlier in the same
	// batch, is no conflict; the same key in another kind neither.
	r := ring(1, "6000")
	r.Name = "Renamed"
	apply(t, s, Change{KindRingGroup, 1, r})
	apply(t, s, Change{Kind: KindRingGroup, ID: 1}, Change{KindRingGroup, 2, ring(2, "6000")})
	apply(t, s, Change{KindExtension, 3, ext(3, "6000")})
	apply(t, s, Change{KindSequentialRing, 1, seqRing(1, "102")}, Change{KindSequentialRing, 2, seqRing(2, "101")})
	d := load(t, s)
	if len(d.RingGroups) != 1 || d.RingGroups[0].ID != 2 || len(d.Extensions) != 3 || len(d.SequentialRings) != 2 {
		t.Errorf("after the allowed changes: %s", asJSON(d))
	}
}

func testMissingExtension(t *testing.T, s Store) {
	apply(t, s, Change{KindExtension, 1, ext(1, "101")})
	before := load(t, s)
	for _, tc := range []struct {
		name string
		cs   []Change
	}{
		{"sequential ring", []Change{{KindSequentialRing, 1, seqRing(1, "999")}}},
		{"criterion", []Change{{KindCriterion, 1, criterion(1, "999", true)}}},
		{"extension deleted earlier in the batch", []Change{{Kind: KindExtension, ID: 1}, {KindCriterion, 1, criterion(1, "101", true)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs := append([]Change{{KindRingGroup, 1, ring(1, "6000")}}, tc.cs...)
			if err := s.Apply(t.Context(), cs...); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Apply = %v, want ErrNotFound", err)
			}
			checkLoad(t, s, before)
		})
	}
	// An extension and its sequential ring in one batch.
	apply(t, s, Change{KindExtension, 2, ext(2, "102")}, Change{KindSequentialRing, 1, seqRing(1, "102")})
	if d := load(t, s); len(d.SequentialRings) != 1 {
		t.Errorf("sequential rings = %s", asJSON(d.SequentialRings))
	}
}

func testCascade(t *testing.T, s Store) {
	apply(t, s, put(fullData())...)
	apply(t, s, Change{KindCriterion, 3, criterion(3, "102", true)})
	apply(t, s, Change{Kind: KindExtension, ID: 1})
	want := fullData()
	want.Extensions = want.Extensions[1:]
	want.SequentialRings = nil
	want.Criteria = []config.Criterion{criterion(3, "102", true)}
	checkLoad(t, s, want)
	// A new extension with the old number does not get them back.
	apply(t, s, Change{KindExtension, 1, ext(1, "101")})
	want.Extensions = append([]config.Extension{ext(1, "101")}, want.Extensions...)
	checkLoad(t, s, want)
}

func testRenumber(t *testing.T, s Store) {
	apply(t, s, put(fullData())...)
	apply(t, s, Change{KindExtension, 1, ext(1, "111")})
	d := load(t, s)
	if d.SequentialRings[0].Extension != "111" || d.Criteria[0].Extension != "111" || d.Criteria[1].Extension != "111" {
		t.Errorf("after renumbering 101 to 111: %s %s", asJSON(d.SequentialRings), asJSON(d.Criteria))
	}
}

func testConcurrentApply(t *testing.T, s Store) {
	const writers, each = 8, 25
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				id := int64(w*each + i + 1)
				num := fmt.Sprint(1000 + id)
				if err := s.Apply(t.Context(), Change{KindExtension, id, ext(id, num)},
					Change{KindSequentialRing, id, seqRing(id, num)}); err != nil {
					t.Errorf("Apply %d: %v", id, err)
				}
			}
		})
		wg.Go(func() {
			for range each {
				if _, err := s.Load(t.Context()); err != nil {
					t.Errorf("Load: %v", err)
				}
			}
		})
	}
	wg.Wait()
	d := load(t, s)
	if len(d.Extensions) != writers*each || len(d.SequentialRings) != writers*each {
		t.Errorf("%d extensions and %d sequential rings, want %d of each",
			len(d.Extensions), len(d.SequentialRings), writers*each)
	}
}

// Bindings.

func testBindings(t *testing.T, s Store) {
	ctx := t.Context()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	b := func(extension, contact string, expires time.Duration, cseq uint32) Binding {
		return Binding{Extension: extension, Contact: contact, Expires: now.Add(expires),
			CallID: "reg-" + contact, CSeq: cseq, Source: "192.0.2.7:5060"}
	}
	a := b("101", "sip:101@192.0.2.7:5060", time.Minute+7*time.Nanosecond, 1)
	bb := b("101", "sip:101@192.0.2.8:5062;transport=tcp", 30*time.Second, 4)
	bb.Transport, bb.Path, bb.UserAgent = "TCP", "<sip:edge.example.com;lr>, <sip:192.0.2.1;lr>", "Yealink SIP-T46U 108.86.0.20"
	gone := b("102", "sip:102@192.0.2.9", -time.Second, 9)
	edge := b("100", "sip:100@192.0.2.10", 0, 1) // expires at now: expired
	for _, x := range []Binding{bb, gone, a, edge} {
		if err := s.SaveBinding(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	check := func(at time.Time, want ...Binding) {
		t.Helper()
		got, err := s.Bindings(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = []Binding{}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Bindings(%v):\n got %s\nwant %s", at, asJSON(got), asJSON(want))
		}
	}
	check(now, a, bb)

	// Refresh: same extension and contact, new expiry, CSeq and source.
	a2 := a
	a2.Expires, a2.CSeq, a2.Source = now.Add(2*time.Hour), 2, "192.0.2.7:5070"
	if err := s.SaveBinding(ctx, a2); err != nil {
		t.Fatal(err)
	}
	check(now, a2, bb)

	if err := s.DeleteBinding(ctx, bb.Extension, bb.Contact); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteBinding(ctx, "999", "sip:nobody"); err != nil {
		t.Errorf("deleting a missing binding: %v", err)
	}
	check(now, a2)
	check(now.Add(2 * time.Hour)) // a2 expires exactly then

	if err := s.SaveBinding(ctx, Binding{Extension: "101", Expires: now}); !errors.Is(err, ErrInvalid) {
		t.Errorf("binding without contact: %v, want ErrInvalid", err)
	}
}

// Records.

var recordBase = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

// record i started i minutes after recordBase; even ones called 6000, odd
// ones 6001; outcomes cycle answered, no_answer, abandoned.
func record(i int) cdr.Record {
	start := recordBase.Add(time.Duration(i) * time.Minute)
	return cdr.Record{
		CallID: fmt.Sprintf("call-%03d", i), Group: fmt.Sprint(6000 + i%2), Caller: "0611223344",
		Start: start, End: start.Add(30 * time.Second),
		Outcome: []string{"answered", "no_answer", "abandoned"}[i%3],
		Legs: []cdr.Leg{{Extension: "101", Group: "6000", Start: start, End: start.Add(20 * time.Second),
			Code: 487, Result: "cancelled"}},
	}
}

func callIDs(rs []cdr.Record) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.CallID)
	}
	return out
}

// ids lists the call ids of records from down to to (inclusive), every step.
func ids(from, to, step int) []string {
	out := []string{}
	for i := from; i >= to; i -= step {
		out = append(out, fmt.Sprintf("call-%03d", i))
	}
	return out
}

func testRecords(t *testing.T, s Store) {
	const n = 120
	// Written out of start order, ten at a time: the order served is by
	// start time, not by insertion.
	var batch []cdr.Record
	for k := range n {
		batch = append(batch, record(k*7%n))
		if len(batch) == 10 {
			if err := s.AddRecords(t.Context(), batch...); err != nil {
				t.Fatal(err)
			}
			batch = nil
		}
	}
	if err := s.AddRecords(t.Context()); err != nil {
		t.Fatalf("AddRecords(): %v", err)
	}
	at := func(min int) time.Time { return recordBase.Add(time.Duration(min) * time.Minute) }
	for _, tc := range []struct {
		name  string
		q     RecordQuery
		want  []string
		count int
	}{
		{"top 0 means 100", RecordQuery{}, ids(119, 20, 1), n},
		{"top 101 is capped to 100", RecordQuery{Top: 101}, ids(119, 20, 1), n},
		{"negative top means 100", RecordQuery{Top: -1}, ids(119, 20, 1), n},
		{"top 5", RecordQuery{Top: 5}, ids(119, 115, 1), n},
		{"last page", RecordQuery{Skip: 100, Top: 50}, ids(19, 0, 1), n},
		{"page across the end", RecordQuery{Skip: 118, Top: 5}, ids(1, 0, 1), n},
		{"skip to the end", RecordQuery{Skip: 120}, nil, n},
		{"skip past the end", RecordQuery{Skip: 500, Top: 10}, nil, n},
		{"negative skip", RecordQuery{Skip: -3, Top: 2}, ids(119, 118, 1), n},
		{"group", RecordQuery{Group: "6001", Top: 3}, ids(119, 115, 2), 60},
		{"outcome", RecordQuery{Outcome: "answered"}, ids(117, 0, 3), 40},
		{"group and outcome", RecordQuery{Group: "6000", Outcome: "answered"}, ids(114, 0, 6), 20},
		{"unknown group", RecordQuery{Group: "7000"}, nil, 0},
		{"since is inclusive", RecordQuery{Since: at(100)}, ids(119, 100, 1), 20},
		{"until is exclusive", RecordQuery{Until: at(10)}, ids(9, 0, 1), 10},
		{"since and until", RecordQuery{Since: at(10), Until: at(20), Top: 3}, ids(19, 17, 1), 10},
		{"since equals until", RecordQuery{Since: at(10), Until: at(10)}, nil, 0},
		{"one nanosecond after a start", RecordQuery{Since: at(118).Add(time.Nanosecond)}, ids(119, 119, 1), 1},
		{"everything filtered, paged", RecordQuery{Group: "6000", Outcome: "no_answer", Since: at(60), Until: at(100), Skip: 1, Top: 2},
			ids(88, 82, 6), 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, count, err := s.Records(t.Context(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil {
				tc.want = []string{}
			}
			if !slices.Equal(callIDs(got), tc.want) || count != tc.count {
				t.Errorf("Records(%+v) = %v, %d; want %v, %d", tc.q, callIDs(got), count, tc.want, tc.count)
			}
		})
	}
}

func testRecordRoundTrip(t *testing.T, s Store) {
	full := record(0)
	full.CallID, full.LastGroup, full.Answer, full.AnsweredBy = "full", "6001", full.Start.Add(5*time.Second), "102"
	full.Failover, full.FailoverTo, full.Reason = "ring_group", "6001", "no_answer"
	full.Missed = []string{"102", "103"}
	full.Legs = append(full.Legs, cdr.Leg{Extension: "102", Group: "6001", Start: full.Start.Add(time.Second),
		End: full.End, Code: 200, Result: "answered"})
	// Two records that started at the same time are served newest written first.
	first, second := record(3), record(3)
	first.CallID, second.CallID = "first", "second"
	if err := s.AddRecords(t.Context(), full, first); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecords(t.Context(), second); err != nil {
		t.Fatal(err)
	}
	got, count, err := s.Records(t.Context(), RecordQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"second", "first", "full"}; !slices.Equal(callIDs(got), want) || count != 3 {
		t.Fatalf("Records = %v, %d; want %v, 3", callIDs(got), count, want)
	}
	if !reflect.DeepEqual(got[2], full) {
		t.Errorf("record:\n got %s\nwant %s", asJSON(got[2]), asJSON(full))
	}
}

func testMissedCalls(t *testing.T, s Store) {
	ctx := t.Context()
	rec := func(id string, min int, missed ...string) cdr.Record {
		r := record(min + 10)
		r.CallID, r.Missed, r.Caller = id, missed, "caller-"+id
		return r
	}
	if err := s.AddRecords(ctx, rec("r1", 0, "101", "102"), rec("r2", 1, "101"), rec("r3", 2)); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecords(ctx, rec("r4", -1, "101")); err != nil { // written last, started first
		t.Fatal(err)
	}
	mc := func(extension, id string, min int) MissedCall {
		r := rec(id, min)
		return MissedCall{Extension: extension, CallID: id, Group: r.Group, Caller: r.Caller, At: r.Start}
	}
	for _, tc := range []struct {
		ext  string
		top  int
		want []MissedCall
	}{
		{"101", 0, []MissedCall{mc("101", "r2", 1), mc("101", "r1", 0), mc("101", "r4", -1)}},
		{"101", 2, []MissedCall{mc("101", "r2", 1), mc("101", "r1", 0)}},
		{"102", 0, []MissedCall{mc("102", "r1", 0)}},
		{"999", 0, []MissedCall{}},
	} {
		got, err := s.MissedCalls(ctx, tc.ext, tc.top)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("MissedCalls(%s, %d):\n got %s\nwant %s", tc.ext, tc.top, asJSON(got), asJSON(tc.want))
		}
	}

	// No more than 100 at a time.
	var many []cdr.Record
	for i := range 105 {
		many = append(many, rec(fmt.Sprint("m", i), 100+i, "103"))
	}
	if err := s.AddRecords(ctx, many...); err != nil {
		t.Fatal(err)
	}
	got, err := s.MissedCalls(ctx, "103", 101)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 100 || got[0].CallID != "m104" || got[99].CallID != "m5" {
		t.Errorf("MissedCalls(103, 101): %d calls, from %s to %s", len(got), got[0].CallID, got[len(got)-1].CallID)
	}
}

func testUseAfterClose(t *testing.T, s Store) {
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(t.Context()); err == nil {
		t.Error("Load after Close succeeded")
	}
	if err := s.Apply(t.Context(), Change{KindExtension, 1, ext(1, "101")}); err == nil {
		t.Error("Apply after Close succeeded")
	}
}
