package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A pgMigration moves the PostgreSQL schema from version-1 to version, as
// a migration does SQLite's: each runs in a transaction of its own with
// the row that records it in schema_migrations, and is never edited once
// released. A version that changes what SQLite's of the same number
// changes has its number and name; one that exists for one database only
// takes the next number in both lists.
type pgMigration struct {
	version int
	name    string
	up      func(ctx context.Context, tx pgx.Tx) error
}

var pgMigrations = []pgMigration{
	{1, "routing objects, bindings, call records", pgExecAll(pgSchemaV1...)},
	{2, "bindings: transport, Path and User-Agent", pgExecAll(
		`ALTER TABLE bindings ADD COLUMN transport TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE bindings ADD COLUMN path TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE bindings ADD COLUMN user_agent TEXT NOT NULL DEFAULT ''`)},
	{3, "bans", pgExecAll(
		`CREATE TABLE bans (
			source   TEXT COLLATE "C" PRIMARY KEY,
			until_ns BIGINT NOT NULL,
			reason   TEXT NOT NULL
		)`)},
}

// The schema is SQLite's, in PostgreSQL's types. Text that is a key, a
// filter or a sort key is COLLATE "C": bytes compare and sort as in
// SQLite (and Go), whatever the database's locale. Documents are json,
// not jsonb: kept as written, as SQLite keeps them.
var pgSchemaV1 = []string{
	pgKeyedTable("extensions"),       // key: number
	pgKeyedTable("extension_groups"), // key: name
	pgKeyedTable("ring_groups"),      // key: number
	pgKeyedTable("schedules"),        // key: name
	`CREATE TABLE sequential_rings (
		id           BIGINT PRIMARY KEY,
		extension_id BIGINT NOT NULL UNIQUE REFERENCES extensions(id) ON DELETE CASCADE,
		doc          JSON NOT NULL,
		updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
	)`,
	`CREATE TABLE criteria (
		id           BIGINT PRIMARY KEY,
		extension_id BIGINT NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
		doc          JSON NOT NULL,
		updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
	)`,
	`CREATE INDEX criteria_extension ON criteria(extension_id)`,

	`CREATE TABLE bindings (
		extension  TEXT COLLATE "C" NOT NULL,
		contact    TEXT COLLATE "C" NOT NULL,
		expires_ns BIGINT NOT NULL,
		call_id    TEXT NOT NULL,
		cseq       BIGINT NOT NULL,
		source     TEXT NOT NULL,
		PRIMARY KEY (extension, contact)
	)`,
	`CREATE INDEX bindings_expires ON bindings(expires_ns)`,

	`CREATE TABLE call_records (
		id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		call_id  TEXT NOT NULL,
		grp      TEXT COLLATE "C" NOT NULL,
		outcome  TEXT COLLATE "C" NOT NULL,
		caller   TEXT NOT NULL,
		start_ns BIGINT NOT NULL,
		doc      JSON NOT NULL
	)`,
	// Each index ends with id, the tie-break of "ORDER BY start_ns DESC, id DESC".
	`CREATE INDEX call_records_group ON call_records(grp, start_ns, id)`,
	`CREATE INDEX call_records_outcome ON call_records(outcome, start_ns, id)`,
	`CREATE INDEX call_records_start ON call_records(start_ns, id)`,
	`CREATE TABLE missed_calls (
		id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		record_id BIGINT NOT NULL REFERENCES call_records(id) ON DELETE CASCADE,
		extension TEXT COLLATE "C" NOT NULL,
		at_ns     BIGINT NOT NULL
	)`,
	`CREATE INDEX missed_calls_extension ON missed_calls(extension, at_ns, id)`,
	`CREATE INDEX missed_calls_record ON missed_calls(record_id)`,
}

// pgKeyedTable is the table of a kind with a unique key.
func pgKeyedTable(name string) string {
	return `CREATE TABLE ` + name + ` (
		id         BIGINT PRIMARY KEY,
		key        TEXT COLLATE "C" NOT NULL UNIQUE CHECK (key <> ''),
		doc        JSON NOT NULL,
		updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
	)`
}

func pgExecAll(stmts ...string) func(context.Context, pgx.Tx) error {
	return func(ctx context.Context, tx pgx.Tx) error {
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s); err != nil {
				return err
			}
		}
		return nil
	}
}

// Advisory locks (per database) that ringd nodes sharing one take.
const (
	pgLockMigrate int64 = 0x72696e67_6401 // "ringd" 1: migrating the schema
	pgLockRouting int64 = 0x72696e67_6402 // "ringd" 2: writing routing objects (Apply)
)

// pgMigrate brings the database up to the last of list, as migrate does
// SQLite's. It holds pgLockMigrate throughout, so that nodes starting at
// once migrate one after the other: the first applies, the others find
// the work done.
func pgMigrate(ctx context.Context, pool *pgxpool.Pool, list []pgMigration) (err error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, pgLockMigrate); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer func() {
		_, uerr := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, pgLockMigrate)
		if uerr != nil {
			// The lock goes with the session: close it rather than pool it.
			conn.Conn().Close(context.WithoutCancel(ctx))
			err = errors.Join(err, fmt.Errorf("migration unlock: %w", uerr))
		}
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
	)`); err != nil {
		return fmt.Errorf("schema_migrations: %w", err)
	}
	latest := 0
	if len(list) > 0 {
		latest = list[len(list)-1].version
	}
	for _, m := range list {
		if err := pgMigrateOne(ctx, conn.Conn(), m, latest); err != nil {
			return err
		}
	}
	return nil
}

func pgMigrateOne(ctx context.Context, conn *pgx.Conn, m pgMigration, latest int) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("migration %d: %w", m.version, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var have, applied int
	if err := tx.QueryRow(ctx,
		`SELECT COALESCE(MAX(version), 0), COUNT(*) FILTER (WHERE version = $1) FROM schema_migrations`,
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
	if _, err := tx.Exec(ctx,
		`INSERT INTO schema_migrations(version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
		return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
	}
	return tx.Commit(ctx)
}
