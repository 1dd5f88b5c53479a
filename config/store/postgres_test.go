package store

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ringd/ringd/engine/cdr"
)

func openPGAt(t *testing.T, url string, list []pgMigration) *pg {
	t.Helper()
	s, err := openPostgres(t.Context(), url, list)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestPostgresReopen(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := postgresURL(t, false)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	bind := Binding{Extension: "101", Contact: "sip:101@192.0.2.7", Expires: now.Add(time.Hour),
		CallID: "reg-1", CSeq: 4294967295, Source: "192.0.2.7:5060", Transport: "TLS", UserAgent: "Yealink"}
	rec := record(1)
	rec.Missed = []string{"102"}

	s := openPGAt(t, url, pgMigrations)
	apply(t, s, put(fullData())...)
	if err := s.SaveBinding(ctx, bind); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecords(ctx, rec); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = openPGAt(t, url, pgMigrations)
	checkLoad(t, s, fullData())
	if got, err := s.Bindings(ctx, now); err != nil || !reflect.DeepEqual(got, []Binding{bind}) {
		t.Errorf("Bindings = %s, %v", asJSON(got), err)
	}
	if got, n, err := s.Records(ctx, RecordQuery{}); err != nil || n != 1 || !reflect.DeepEqual(got, []cdr.Record{rec}) {
		t.Errorf("Records = %s, %d, %v", asJSON(got), n, err)
	}
	if got, err := s.MissedCalls(ctx, "102", 0); err != nil || len(got) != 1 || got[0].CallID != rec.CallID {
		t.Errorf("MissedCalls = %s, %v", asJSON(got), err)
	}
}

// TestPostgresConstraints checks that the schema itself holds the rules
// the store checks first, and that its errors map to the same sentinels.
func TestPostgresConstraints(t *testing.T) {
	t.Parallel()
	s := openPGAt(t, postgresURL(t, false), pgMigrations)
	apply(t, s, put(fullData())...)
	for _, tc := range []struct {
		stmt string
		want error
	}{
		{`INSERT INTO criteria(id, extension_id, doc) VALUES (9, 999, '{}')`, ErrNotFound},
		{`INSERT INTO ring_groups(id, key, doc) VALUES (9, '6000', '{}')`, ErrConflict},
		{`INSERT INTO sequential_rings(id, extension_id, doc) VALUES (9, 1, '{}')`, ErrConflict},
	} {
		_, err := s.pool.Exec(t.Context(), tc.stmt)
		if err == nil || !errors.Is(pgConstraintError(err), tc.want) {
			t.Errorf("%s: %v, want %v", tc.stmt, err, tc.want)
		}
	}
	for _, stmt := range []string{
		`INSERT INTO schedules(id, key, doc) VALUES (9, 'x', 'not json')`,
		`INSERT INTO schedules(id, key, doc) VALUES (9, '', '{}')`,
	} {
		if _, err := s.pool.Exec(t.Context(), stmt); err == nil {
			t.Errorf("%s: accepted", stmt)
		}
	}
}

// Two nodes on one database: what one writes the other reads, and
// conflicting writes made at the same moment through both end as they
// would through one.
func TestPostgresNodesShareOneDatabase(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := postgresURL(t, false)
	a, b := openPGAt(t, url, pgMigrations), openPGAt(t, url, pgMigrations)
	nodes := []*pg{a, b}

	apply(t, a, put(fullData())...)
	checkLoad(t, b, fullData())

	// Sixteen writers, eight per node, each give number 700 to an
	// extension of its own: one wins, the others are told who did.
	const writers = 16
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			id := int64(100 + i)
			errs[i] = nodes[i%2].Apply(ctx, Change{KindExtension, id, ext(id, "700")},
				Change{KindSequentialRing, id, seqRing(id, "700")})
		})
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), `number "700" is taken by extension`):
			t.Errorf("writer %d: %v, want the conflict reported by name", i, err)
		}
	}
	if d := load(t, b); won != 1 || len(d.Extensions) != 3 || len(d.SequentialRings) != 2 {
		t.Errorf("%d writers won; %d extensions, %d sequential rings", won, len(d.Extensions), len(d.SequentialRings))
	}

	// One node renumbers extensions while the other gives sequential
	// rings to their old numbers: each ring belongs to the extension it
	// was written for, or was refused.
	for round := range 20 {
		id, old := int64(200+round), fmt.Sprint(800+round)
		apply(t, a, Change{KindExtension, id, ext(id, old)})
		var renumber, attach error
		wg.Go(func() { renumber = a.Apply(ctx, Change{KindExtension, id, ext(id, "9"+old)}) })
		wg.Go(func() { attach = b.Apply(ctx, Change{KindSequentialRing, id, seqRing(id, old)}) })
		wg.Wait()
		if renumber != nil || (attach != nil && !errors.Is(attach, ErrNotFound)) {
			t.Fatalf("round %d: renumber %v, attach %v", round, renumber, attach)
		}
	}
	d := load(t, a)
	for _, sr := range d.SequentialRings {
		if sr.ID >= 200 && sr.Extension != "9"+fmt.Sprint(800+sr.ID-200) {
			t.Errorf("sequential ring %d belongs to %s", sr.ID, sr.Extension)
		}
	}

	// Both refresh one binding at once: one row, one of the two.
	now := time.Now()
	for i := range 10 {
		wg.Go(func() {
			bd := Binding{Extension: "101", Contact: "sip:101@192.0.2.7", Expires: now.Add(time.Hour),
				CallID: "reg", CSeq: uint32(i), Source: "192.0.2.7:5060"}
			if err := nodes[i%2].SaveBinding(ctx, bd); err != nil {
				t.Errorf("SaveBinding %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if got, err := b.Bindings(ctx, now); err != nil || len(got) != 1 {
		t.Errorf("Bindings = %s, %v", asJSON(got), err)
	}

	// Records written through both are served by both, in one order.
	r1, r2 := record(1), record(2)
	r1.Missed, r2.Missed = []string{"101"}, []string{"101"}
	if err := a.AddRecords(ctx, r1); err != nil {
		t.Fatal(err)
	}
	if err := b.AddRecords(ctx, r2); err != nil {
		t.Fatal(err)
	}
	for _, s := range nodes {
		if got, n, err := s.Records(ctx, RecordQuery{}); err != nil || n != 2 || got[0].CallID != r2.CallID {
			t.Errorf("Records = %v, %d, %v", callIDs(got), n, err)
		}
		if got, err := s.MissedCalls(ctx, "101", 0); err != nil || len(got) != 2 {
			t.Errorf("MissedCalls = %s, %v", asJSON(got), err)
		}
	}
}

// What a SIP message may carry and PostgreSQL text cannot hold (invalid
// UTF-8, NUL) is written all the same: a record is not lost for its caller.
func TestPostgresOddBytes(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openPGAt(t, postgresURL(t, false), pgMigrations)
	mem := openMemory(t)
	rec := record(1)
	rec.CallID, rec.Caller, rec.Missed = "odd\x00call", "\xff\xfecaller\x00", []string{"10\x001"}
	for _, st := range []Store{s, mem} {
		if err := st.AddRecords(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	got, _, err := s.Records(ctx, RecordQuery{})
	want, _, _ := mem.Records(ctx, RecordQuery{})
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Records = %s, %v; want %s", asJSON(got), err, asJSON(want))
	}
	if got, err := s.MissedCalls(ctx, "10\x001", 0); err != nil || len(got) != 1 || got[0].Caller != "\uFFFD\uFFFDcaller\uFFFD" {
		t.Errorf("MissedCalls = %q, %v", got, err)
	}

	now := time.Now()
	bd := Binding{Extension: "101", Contact: "sip:101@x\xff", Expires: now.Add(time.Hour), UserAgent: "UA\x00"}
	if err := s.SaveBinding(ctx, bd); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Bindings(ctx, now); err != nil || len(got) != 1 || got[0].UserAgent != "UA\uFFFD" {
		t.Errorf("Bindings = %+q, %v", asJSON(got), err)
	}
	if err := s.DeleteBinding(ctx, bd.Extension, bd.Contact); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Bindings(ctx, now); err != nil || len(got) != 0 {
		t.Errorf("after DeleteBinding: %s, %v", asJSON(got), err)
	}
}

// Bindings come in byte order (as from SQLite and memory) even in a
// database whose locale sorts otherwise.
func TestPostgresByteOrderWhateverTheLocale(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url, err := postgresURLWith(ctx, t, `TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'`)
	if err != nil {
		t.Fatal(err)
	}
	s := openPGAt(t, url, pgMigrations)
	var locale string
	if err := s.pool.QueryRow(ctx, `SELECT daticulocale FROM pg_database WHERE datname = current_database()`).Scan(&locale); err != nil || locale != "en-US" {
		t.Fatalf("database locale %q, %v", locale, err)
	}
	now := time.Now()
	for _, c := range []string{"sip:a@x", "sip:B@x", "sip:_@x", "sip:b@x"} {
		if err := s.SaveBinding(ctx, Binding{Extension: "101", Contact: c, Expires: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Bindings(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	var contacts []string
	for _, b := range got {
		contacts = append(contacts, b.Contact)
	}
	if want := []string{"sip:B@x", "sip:_@x", "sip:a@x", "sip:b@x"}; !slices.Equal(contacts, want) {
		t.Errorf("contacts %q, want %q", contacts, want)
	}
}

func TestRetry(t *testing.T) {
	ctx := t.Context()
	for _, tc := range []struct {
		name  string
		errs  []error // returned in turn; nil after the last
		calls int
		fails bool
	}{
		{"serialization failure", []error{&pgconn.PgError{Code: pgSerializationFailure}}, 2, false},
		{"deadlock, wrapped", []error{fmt.Errorf("x: %w", &pgconn.PgError{Code: pgDeadlockDetected})}, 2, false},
		{"other error", []error{&pgconn.PgError{Code: pgUniqueViolation}}, 1, true},
		{"gives up", slices.Repeat([]error{&pgconn.PgError{Code: pgSerializationFailure}}, 10), pgAttempts, true},
	} {
		calls := 0
		err := retry(ctx, func() error {
			calls++
			if calls <= len(tc.errs) {
				return tc.errs[calls-1]
			}
			return nil
		})
		if calls != tc.calls || (err != nil) != tc.fails {
			t.Errorf("%s: %d calls, %v; want %d calls, failing %v", tc.name, calls, err, tc.calls, tc.fails)
		}
	}
}

// A transaction PostgreSQL aborts as not serializable is run again: two
// that both read a counter before either writes it both count.
func TestPostgresRetriesASerializationFailure(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openPGAt(t, postgresURL(t, false), pgMigrations)
	if _, err := s.pool.Exec(ctx, `CREATE TABLE counter (n INTEGER); INSERT INTO counter VALUES (0)`); err != nil {
		t.Fatal(err)
	}
	var (
		bothRead sync.WaitGroup
		runs     atomic.Int32
		wg       sync.WaitGroup
	)
	bothRead.Add(2)
	for range 2 {
		wg.Go(func() {
			first := true
			err := s.inTx(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable}, func(tx pgx.Tx) error {
				runs.Add(1)
				var n int
				if err := tx.QueryRow(ctx, `SELECT n FROM counter`).Scan(&n); err != nil {
					return err
				}
				if first {
					first = false
					bothRead.Done()
					bothRead.Wait()
				}
				_, err := tx.Exec(ctx, `UPDATE counter SET n = $1`, n+1)
				return err
			})
			if err != nil {
				t.Errorf("inTx: %v", err)
			}
		})
	}
	wg.Wait()
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT n FROM counter`).Scan(&n); err != nil || n != 2 || runs.Load() != 3 {
		t.Errorf("counter %d (%v) after %d runs; want 2 after 3", n, err, runs.Load())
	}
}
