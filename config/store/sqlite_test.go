package store

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/engine/cdr"
)

func openAt(t *testing.T, path string, list []migration) *sqliteStore {
	t.Helper()
	s, err := openSQLite(t.Context(), path, list)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSQLiteReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "ringd.db")
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	bind := Binding{Extension: "101", Contact: "sip:101@192.0.2.7", Expires: now.Add(time.Hour),
		CallID: "reg-1", CSeq: 7, Source: "192.0.2.7:5060"}
	rec := record(1)
	rec.Missed = []string{"102"}

	s := openAt(t, path, migrations)
	apply(t, s, put(fullData())...)
	if err := s.SaveBinding(ctx, bind); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecords(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openAt(t, path, migrations)
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

// TestSQLiteSurvivesKill applies a change in a child process, kills it
// (SIGKILL, no Close) once Apply has returned, and finds the change.
func TestSQLiteSurvivesKill(t *testing.T) {
	if path := os.Getenv("RINGD_STORE_KILL_CHILD"); path != "" {
		s, err := OpenSQLite(context.Background(), path)
		if err != nil {
			os.Stdout.WriteString("error: " + err.Error() + "\n")
			os.Exit(1)
		}
		if err := s.Apply(context.Background(), put(fullData())...); err != nil {
			os.Stdout.WriteString("error: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Stdout.WriteString("applied\n")
		select {} // wait to be killed
	}
	path := filepath.Join(t.TempDir(), "ringd.db")
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestSQLiteSurvivesKill$")
	cmd.Env = append(os.Environ(), "RINGD_STORE_KILL_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if line != "applied\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q (%v)", line, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	checkLoad(t, openAt(t, path, migrations), fullData())
}

type migrationRow struct {
	Version   int
	Name      string
	AppliedAt string
}

func migrationRows(t *testing.T, db *sql.DB) []migrationRow {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []migrationRow
	for rows.Next() {
		var r migrationRow
		if err := rows.Scan(&r.Version, &r.Name, &r.AppliedAt); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMigrationList(t *testing.T) {
	for i, m := range migrations {
		if m.version != i+1 || m.name == "" || m.up == nil {
			t.Errorf("migrations[%d] = version %d %q: want version %d, a name and a function", i, m.version, m.name, i+1)
		}
	}
}

func TestSQLiteMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ringd.db")
	s := openAt(t, path, migrations)
	first := migrationRows(t, s.r)
	if len(first) != len(migrations) {
		t.Fatalf("schema_migrations = %+v, want %d rows", first, len(migrations))
	}
	for i, r := range first {
		if r.Version != migrations[i].version || r.Name != migrations[i].name || r.AppliedAt == "" {
			t.Errorf("schema_migrations row %d = %+v", i, r)
		}
	}
	s.Close()

	// Reopening applies nothing again.
	s = openAt(t, path, migrations)
	if again := migrationRows(t, s.r); !reflect.DeepEqual(again, first) {
		t.Errorf("after reopening: %+v, want %+v", again, first)
	}
	s.Close()

	// A migration that fails leaves nothing behind.
	next := len(migrations) + 1
	broken := append(slices.Clone(migrations), migration{next, "broken", func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE half_done (x INTEGER)`); err != nil {
			return err
		}
		return errors.New("boom")
	}})
	if _, err := openSQLite(t.Context(), path, broken); err == nil {
		t.Fatal("a failing migration did not fail the open")
	}

	// A new migration is applied once, alone.
	calls := 0
	extra := append(slices.Clone(migrations), migration{next, "extension notes", func(ctx context.Context, tx *sql.Tx) error {
		calls++
		_, err := tx.ExecContext(ctx, `ALTER TABLE extensions ADD COLUMN note TEXT`)
		return err
	}})
	s = openAt(t, path, extra)
	rows := migrationRows(t, s.r)
	if calls != 1 || len(rows) != next || !reflect.DeepEqual(rows[:next-1], first) || rows[next-1].Version != next {
		t.Errorf("after adding migration %d: %d calls, rows %+v", next, calls, rows)
	}
	var halfDone int
	if err := s.r.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE name = 'half_done'`).Scan(&halfDone); err != nil || halfDone != 0 {
		t.Errorf("the failed migration's table: %d, %v", halfDone, err)
	}
	s.Close()
	s = openAt(t, path, extra)
	s.Close()
	if calls != 1 {
		t.Errorf("migration %d ran %d times", next, calls)
	}

	// The code without it now meets a database from its future.
	if _, err := openSQLite(t.Context(), path, migrations); !errors.Is(err, errSchemaTooNew) {
		t.Errorf("opening with an older list: %v, want errSchemaTooNew", err)
	}
}

func TestSQLiteFutureSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ringd.db")
	s := openAt(t, path, migrations)
	if _, err := s.w.Exec(`INSERT INTO schema_migrations(version, name) VALUES (1000, 'from the future')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	st, err := OpenSQLite(t.Context(), path)
	if !errors.Is(err, errSchemaTooNew) || !strings.Contains(err.Error(), "version 1000") {
		t.Errorf("OpenSQLite = %v, %v; want errSchemaTooNew at version 1000", st, err)
	}
	if st != nil {
		st.Close()
	}
}

func TestSQLitePragmas(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "ringd.db"), migrations)
	check := func(name string, db *sql.DB, conns int, queryOnly int) {
		t.Helper()
		// Hold several connections at once, so that each is a distinct one.
		var held []*sql.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for i := range conns {
			c, err := db.Conn(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, c)
			var (
				journal            string
				fk, busy, sync, qo int
			)
			for _, p := range []struct {
				pragma string
				dst    any
			}{
				{"journal_mode", &journal}, {"foreign_keys", &fk}, {"busy_timeout", &busy},
				{"synchronous", &sync}, {"query_only", &qo},
			} {
				if err := c.QueryRowContext(t.Context(), "PRAGMA "+p.pragma).Scan(p.dst); err != nil {
					t.Fatalf("%s connection %d: PRAGMA %s: %v", name, i, p.pragma, err)
				}
			}
			if journal != "wal" || fk != 1 || busy != 5000 || sync != 2 || qo != queryOnly {
				t.Errorf("%s connection %d: journal_mode=%s foreign_keys=%d busy_timeout=%d synchronous=%d query_only=%d",
					name, i, journal, fk, busy, sync, qo)
			}
		}
	}
	check("writer", s.w, 1, 0)
	check("reader", s.r, 3, 1)
}

// TestSQLiteConstraints checks that the schema itself holds the rules the
// store checks first, and that its errors map to the same sentinels.
func TestSQLiteConstraints(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "ringd.db"), migrations)
	apply(t, s, put(fullData())...)
	for _, tc := range []struct {
		stmt string
		want error
	}{
		{`INSERT INTO criteria(id, extension_id, doc) VALUES (9, 999, '{}')`, ErrNotFound},
		{`INSERT INTO ring_groups(id, key, doc) VALUES (9, '6000', '{}')`, ErrConflict},
		{`INSERT INTO sequential_rings(id, extension_id, doc) VALUES (9, 1, '{}')`, ErrConflict},
	} {
		_, err := s.w.Exec(tc.stmt)
		if err == nil || !errors.Is(constraintError(err), tc.want) {
			t.Errorf("%s: %v, want %v", tc.stmt, err, tc.want)
		}
	}
	for _, stmt := range []string{
		`INSERT INTO schedules(id, key, doc) VALUES (9, 'x', 'not json')`,
		`INSERT INTO schedules(id, key, doc) VALUES (9, '', '{}')`,
	} {
		if _, err := s.w.Exec(stmt); err == nil {
			t.Errorf("%s: accepted", stmt)
		}
	}
}

// A path with characters that mean something in a URI still names that file.
func TestSQLiteAwkwardPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a?b#c%20d")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "ringd.db")
	s := openAt(t, path, migrations)
	apply(t, s, put(fullData())...)
	s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	checkLoad(t, openAt(t, path, migrations), fullData())
}

func TestOpen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "ringd.db")
	pgURL := postgresURL(t, false)
	for _, tc := range []struct {
		url  string
		want any // nil: an error
	}{
		{"", &memory{}},
		{"memory:", &memory{}},
		{"sqlite:" + path, &sqliteStore{}},
		{"sqlite:", nil},
		{pgURL, &pg{}},
		{"postgresql" + strings.TrimPrefix(pgURL, "postgres"), &pg{}},
		{"postgres://ringd@127.0.0.1:1/ringd?sslmode=disable", nil}, // nobody listens
		{"postgres://ringd@127.0.0.1:99999999/ringd", nil},
		{"mysql://ringd@db/ringd", nil},
	} {
		s, err := Open(ctx, tc.url)
		switch {
		case tc.want == nil && err == nil:
			s.Close()
			t.Errorf("Open(%q) succeeded", tc.url)
		case tc.want != nil && err != nil:
			t.Errorf("Open(%q): %v", tc.url, err)
		case tc.want != nil:
			if reflect.TypeOf(s) != reflect.TypeOf(tc.want) {
				t.Errorf("Open(%q) = %T, want %T", tc.url, s, tc.want)
			}
			s.Close()
		}
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("sqlite: did not create the file: %v", err)
	}
	// No password in an error.
	for _, url := range []string{"mysql://ringd:s3cret@db/ringd", "postgres://ringd:s3cret@127.0.0.1:1/ringd?sslmode=disable"} {
		if _, err := Open(ctx, url); err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Open(%q): %v", url, err)
		}
	}
}
