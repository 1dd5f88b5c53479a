package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// A migration moves the SQLite schema from version-1 to version. Each runs
// in a transaction of its own, with the row that records it in
// schema_migrations. Migrations are never edited once released: a change
// of schema is a new entry at the end of the list.
type migration struct {
	version int
	name    string
	up      func(ctx context.Context, tx *sql.Tx) error
}

var migrations = []migration{
	{1, "routing objects, bindings, call records", execAll(schemaV1...)},
	{2, "bindings: transport, Path and User-Agent", execAll(
		`ALTER TABLE bindings ADD COLUMN transport TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE bindings ADD COLUMN path TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE bindings ADD COLUMN user_agent TEXT NOT NULL DEFAULT ''`)},
	{3, "bans", execAll(
		`CREATE TABLE bans (
			source   TEXT PRIMARY KEY,
			until_ns INTEGER NOT NULL,
			reason   TEXT NOT NULL
		) STRICT, WITHOUT ROWID`)},
}

// updated_at is written by SQLite, in UTC, with milliseconds.
const nowUTC = `(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`

var schemaV1 = []string{
	keyedTable("extensions"),       // key: number
	keyedTable("extension_groups"), // key: name
	keyedTable("ring_groups"),      // key: number
	keyedTable("schedules"),        // key: name
	`CREATE TABLE sequential_rings (
		id           INTEGER PRIMARY KEY,
		extension_id INTEGER NOT NULL UNIQUE REFERENCES extensions(id) ON DELETE CASCADE,
		doc          TEXT NOT NULL CHECK (json_valid(doc)),
		updated_at   TEXT NOT NULL DEFAULT ` + nowUTC + `
	) STRICT`,
	`CREATE TABLE criteria (
		id           INTEGER PRIMARY KEY,
		extension_id INTEGER NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
		doc          TEXT NOT NULL CHECK (json_valid(doc)),
		updated_at   TEXT NOT NULL DEFAULT ` + nowUTC + `
	) STRICT`,
	`CREATE INDEX criteria_extension ON criteria(extension_id)`,

	`CREATE TABLE bindings (
		extension  TEXT NOT NULL,
		contact    TEXT NOT NULL,
		expires_ns INTEGER NOT NULL,
		call_id    TEXT NOT NULL,
		cseq       INTEGER NOT NULL,
		source     TEXT NOT NULL,
		PRIMARY KEY (extension, contact)
	) STRICT, WITHOUT ROWID`,
	`CREATE INDEX bindings_expires ON bindings(expires_ns)`,

	`CREATE TABLE call_records (
		id       INTEGER PRIMARY KEY AUTOINCREMENT,
		call_id  TEXT NOT NULL,
		grp      TEXT NOT NULL,
		outcome  TEXT NOT NULL,
		caller   TEXT NOT NULL,
		start_ns INTEGER NOT NULL,
		doc      TEXT NOT NULL CHECK (json_valid(doc))
	) STRICT`,
	// Every index ends with the rowid, so these also serve the tie-break
	// of "ORDER BY start_ns DESC, id DESC".
	`CREATE INDEX call_records_group ON call_records(grp, start_ns)`,
	`CREATE INDEX call_records_outcome ON call_records(outcome, start_ns)`,
	`CREATE INDEX call_records_start ON call_records(start_ns)`,
	`CREATE TABLE missed_calls (
		id        INTEGER PRIMARY KEY,
		record_id INTEGER NOT NULL REFERENCES call_records(id) ON DELETE CASCADE,
		extension TEXT NOT NULL,
		at_ns     INTEGER NOT NULL
	) STRICT`,
	`CREATE INDEX missed_calls_extension ON missed_calls(extension, at_ns)`,
	`CREATE INDEX missed_calls_record ON missed_calls(record_id)`,
}

// keyedTable is the table of a kind with a unique key.
func keyedTable(name string) string {
	return `CREATE TABLE ` + name + ` (
		id         INTEGER PRIMARY KEY,
		key        TEXT NOT NULL UNIQUE CHECK (key <> ''),
		doc        TEXT NOT NULL CHECK (json_valid(doc)),
		updated_at TEXT NOT NULL DEFAULT ` + nowUTC + `
	) STRICT`
}

func execAll(stmts ...string) func(context.Context, *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return err
			}
		}
		return nil
	}
}

// errSchemaTooNew: the database was written by a newer ringd.
var errSchemaTooNew = errors.New("the database schema is newer than this ringd")

// migrate brings db up to the last of list, applying each missing
// migration in its own transaction, and refuses a database that has a
// version list does not know.
func migrate(ctx context.Context, db *sql.DB, list []migration) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL DEFAULT `+nowUTC+`
	) STRICT`); err != nil {
		return fmt.Errorf("schema_migrations: %w", err)
	}
	latest := 0
	if len(list) > 0 {
		latest = list[len(list)-1].version
	}
	for _, m := range list {
		if err := migrateOne(ctx, db, m, latest); err != nil {
			return err
		}
	}
	return nil
}

func migrateOne(ctx context.Context, db *sql.DB, m migration, latest int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %d: %w", m.version, err)
	}
	defer tx.Rollback()
	var have, applied int
	if err := tx.QueryRowContext(ctx,
		`SELECT COALESCE(MAX(version), 0), COUNT(*) FILTER (WHERE version = ?) FROM schema_migrations`,
		m.version).Scan(&have, &applied); err != nil {
		return fmt.Errorf("schema_migrations: %w", err)
	}
	if have > latest {
		return fmt.Errorf("%w: it is at version %d, this ringd knows up to %d", errSchemaTooNew, have, latest)
	}
	if applied > 0 {
		return nil
	}
	if err := m.up(ctx, tx); err != nil {
		return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO schema_migrations(version, name) VALUES (?, ?)`, m.version, m.name); err != nil {
		return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
	}
	return tx.Commit()
}
