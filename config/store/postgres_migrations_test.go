package store

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

type pgMigrationRow struct {
	Version   int
	Name      string
	AppliedAt time.Time
}

func pgMigrationRows(t *testing.T, s *pg) []pgMigrationRow {
	t.Helper()
	rows, err := s.pool.Query(t.Context(), `SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[pgMigrationRow])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The two lists number their migrations alike: a version both have is
// the same change, under the same name.
func TestPostgresMigrationList(t *testing.T) {
	for i, m := range pgMigrations {
		if m.version != i+1 || m.name == "" || m.up == nil {
			t.Errorf("pgMigrations[%d] = version %d %q: want version %d, a name and a function", i, m.version, m.name, i+1)
		}
		if i < len(migrations) && migrations[i].name != m.name {
			t.Errorf("version %d is %q in SQLite and %q in PostgreSQL", m.version, migrations[i].name, m.name)
		}
	}
	if len(pgMigrations) != len(migrations) {
		t.Errorf("%d PostgreSQL migrations, %d SQLite ones", len(pgMigrations), len(migrations))
	}
}

func TestPostgresMigrations(t *testing.T) {
	t.Parallel()
	url := postgresURL(t, false)
	s := openPGAt(t, url, pgMigrations)
	first := pgMigrationRows(t, s)
	if len(first) != len(pgMigrations) {
		t.Fatalf("schema_migrations = %+v, want %d rows", first, len(pgMigrations))
	}
	for i, r := range first {
		if r.Version != pgMigrations[i].version || r.Name != pgMigrations[i].name || r.AppliedAt.IsZero() {
			t.Errorf("schema_migrations row %d = %+v", i, r)
		}
	}
	s.Close()

	// Reopening applies nothing again.
	s = openPGAt(t, url, pgMigrations)
	if again := pgMigrationRows(t, s); !reflect.DeepEqual(again, first) {
		t.Errorf("after reopening: %+v, want %+v", again, first)
	}
	s.Close()

	// A migration that fails leaves nothing behind.
	next := len(pgMigrations) + 1
	broken := append(slices.Clone(pgMigrations), pgMigration{next, "broken", func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TABLE half_done (x INTEGER)`); err != nil {
			return err
		}
		return errors.New("boom")
	}})
	if _, err := openPostgres(t.Context(), url, broken); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("a failing migration: %v, want its error", err)
	}

	// A new migration is applied once, alone.
	calls := 0
	extra := append(slices.Clone(pgMigrations), pgMigration{next, "extension notes", func(ctx context.Context, tx pgx.Tx) error {
		calls++
		_, err := tx.Exec(ctx, `ALTER TABLE extensions ADD COLUMN note TEXT`)
		return err
	}})
	s = openPGAt(t, url, extra)
	rows := pgMigrationRows(t, s)
	if calls != 1 || len(rows) != next || !reflect.DeepEqual(rows[:next-1], first) || rows[next-1].Version != next {
		t.Errorf("after adding migration %d: %d calls, rows %+v", next, calls, rows)
	}
	var halfDone bool
	if err := s.pool.QueryRow(t.Context(), `SELECT to_regclass('half_done') IS NOT NULL`).Scan(&halfDone); err != nil || halfDone {
		t.Errorf("the failed migration's table: %v, %v", halfDone, err)
	}
	s.Close()
	s = openPGAt(t, url, extra)
	s.Close()
	if calls != 1 {
		t.Errorf("migration %d ran %d times", next, calls)
	}

	// The code without it now meets a database from its future.
	if _, err := openPostgres(t.Context(), url, pgMigrations); !errors.Is(err, errSchemaTooNew) {
		t.Errorf("opening with an older list: %v, want errSchemaTooNew", err)
	}
}

func TestPostgresFutureSchema(t *testing.T) {
	t.Parallel()
	url := postgresURL(t, false)
	s := openPGAt(t, url, pgMigrations)
	if _, err := s.pool.Exec(t.Context(), `INSERT INTO schema_migrations(version, name) VALUES (1000, 'from the future')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	st, err := OpenPostgres(t.Context(), url)
	if !errors.Is(err, errSchemaTooNew) || !strings.Contains(err.Error(), "version 1000") {
		t.Errorf("OpenPostgres = %v, %v; want errSchemaTooNew at version 1000", st, err)
	}
	if st != nil {
		st.Close()
	}
}

// Nodes that start at once on a new database: every one opens, the
// schema is built once.
func TestPostgresConcurrentOpensMigrateOnce(t *testing.T) {
	t.Parallel()
	url := postgresURL(t, false)
	var calls atomic.Int32
	list := append(slices.Clone(pgMigrations), pgMigration{len(pgMigrations) + 1, "slow", func(ctx context.Context, tx pgx.Tx) error {
		calls.Add(1)
		time.Sleep(100 * time.Millisecond) // the others are waiting by now
		_, err := tx.Exec(ctx, `CREATE TABLE slow (x INTEGER)`)
		return err
	}})
	const nodes = 4
	stores := make([]*pg, nodes)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() {
			s, err := openPostgres(t.Context(), url, list)
			if err != nil {
				t.Errorf("node %d: %v", i, err)
				return
			}
			stores[i] = s
		})
	}
	wg.Wait()
	for _, s := range stores {
		if s != nil {
			defer s.Close()
		}
	}
	if t.Failed() {
		return
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("the last migration ran %d times", n)
	}
	if rows := pgMigrationRows(t, stores[0]); len(rows) != len(list) {
		t.Errorf("schema_migrations: %+v", rows)
	}
}
