package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteStore is the SQLite Store. Writes go through w, a pool of one
// connection that begins its transactions IMMEDIATE: writers queue in Go
// instead of failing with SQLITE_BUSY when two transactions both try to
// upgrade a read lock. Reads go through r, several read-only connections
// that WAL lets run beside the writer.
type sqliteStore struct {
	w, r *sql.DB
}

// pragmas are set on every connection, the writer's and the readers'.
// synchronous=FULL: admin writes are rare and must survive kill -9 (and
// power loss); a batch of records costs one sync.
var pragmas = []string{"busy_timeout(5000)", "foreign_keys(1)", "journal_mode(WAL)", "synchronous(FULL)"}

// OpenSQLite opens (creating it if need be) the SQLite database at path
// and brings its schema up to date.
func OpenSQLite(ctx context.Context, path string) (Store, error) {
	s, err := openSQLite(ctx, path, migrations)
	if err != nil {
		return nil, err // not a nil *sqliteStore in a non-nil Store
	}
	return s, nil
}

func openSQLite(ctx context.Context, path string, list []migration) (*sqliteStore, error) {
	if path == "" {
		return nil, errors.New("store: sqlite: no path")
	}
	w, err := sql.Open("sqlite", dsn(path, "_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	if err := migrate(ctx, w, list); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, "_pragma=query_only(1)"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
	}
	r.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
	}
	return &sqliteStore{w: w, r: r}, nil
}

// dsn is the modernc.org/sqlite data source name of the file at path: a
// file: URI (so '?', '#' and '%' in the path are escaped), the pragmas,
// and extra parameters.
func dsn(path string, extra ...string) string {
	var b strings.Builder
	b.WriteString("file:")
	b.WriteString(strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path))
	sep := "?"
	for _, p := range pragmas {
		b.WriteString(sep + "_pragma=" + p)
		sep = "&"
	}
	for _, e := range extra {
		b.WriteString(sep + e)
	}
	return b.String()
}

func (s *sqliteStore) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return err
	}
	return s.r.PingContext(ctx)
}

func (s *sqliteStore) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// inTx runs f in a transaction of db and commits if f succeeds.
func inTx(ctx context.Context, db *sql.DB, readOnly bool, f func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// constraintError maps a constraint SQLite enforced to the sentinel a
// caller tests for. The store checks keys and references itself first,
// with clearer messages; this is the net under those checks.
func constraintError(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return fmt.Errorf("%w: %w", ErrConflict, err)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}
