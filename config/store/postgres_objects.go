package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Load reads every kind in one snapshot.
func (s *pg) Load(ctx context.Context) (*Data, error) {
	var d *Data
	err := s.inTx(ctx, pgRead, func(tx pgx.Tx) error {
		d = &Data{} // afresh if the transaction is retried
		for _, k := range Kinds {
			if err := pgLoadKind(ctx, tx, k, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func pgLoadKind(ctx context.Context, tx pgx.Tx, k Kind, d *Data) error {
	t := kindInfos[k].table
	q := `SELECT id, doc, '' FROM ` + t + ` ORDER BY id`
	if kindInfos[k].extRef {
		q = `SELECT o.id, o.doc, e.key FROM ` + t + ` o JOIN extensions e ON e.id = o.extension_id ORDER BY o.id`
	}
	rows, err := tx.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("store: load %s: %w", t, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id  int64
			doc []byte
			ext string
		)
		if err := rows.Scan(&id, &doc, &ext); err != nil {
			return fmt.Errorf("store: load %s: %w", t, err)
		}
		if err := d.addObject(k, id, doc, ext); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: load %s: %w", t, err)
	}
	return nil
}

// Apply writes the changes in one transaction that first takes
// pgLockRouting: the Applys of every node sharing the database run one
// after the other, as SQLite's single writer runs them, so the checks of
// keys and references below see every change committed before, and no
// other Apply commits between a check and its write.
func (s *pg) Apply(ctx context.Context, changes ...Change) error {
	ws, err := prepareAll(changes)
	if err != nil || len(ws) == 0 {
		return err
	}
	return s.inTx(ctx, pgWrite, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, pgLockRouting); err != nil {
			return fmt.Errorf("store: routing lock: %w", err)
		}
		for _, w := range ws {
			if err := pgWriteObject(ctx, tx, w); err != nil {
				return err
			}
		}
		return nil
	})
}

// pgWriteObject applies one change, as writeObject does in SQLite.
func pgWriteObject(ctx context.Context, tx pgx.Tx, w write) error {
	t := kindInfos[w.kind].table
	if w.doc == nil {
		_, err := tx.Exec(ctx, `DELETE FROM `+t+` WHERE id = $1`, w.id)
		return pgDBError(w, err)
	}
	if !kindInfos[w.kind].extRef {
		key := pgText(w.key)
		if err := pgCheckUnique(ctx, tx, w, `SELECT id FROM `+t+` WHERE key = $1 AND id <> $2`, key); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO `+t+`(id, key, doc) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET key = excluded.key,
				doc = excluded.doc, updated_at = excluded.updated_at`, w.id, key, w.doc)
		return pgDBError(w, err)
	}
	ext, err := pgLookupID(ctx, tx, `SELECT id FROM extensions WHERE key = $1`, pgText(w.ext))
	if err != nil {
		return pgDBError(w, err)
	}
	if ext == 0 {
		return missingExtensionError(w)
	}
	if w.kind == KindSequentialRing {
		if err := pgCheckUnique(ctx, tx, w, `SELECT id FROM sequential_rings WHERE extension_id = $1 AND id <> $2`, ext); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, `INSERT INTO `+t+`(id, extension_id, doc) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET extension_id = excluded.extension_id,
			doc = excluded.doc, updated_at = excluded.updated_at`, w.id, ext, w.doc)
	return pgDBError(w, err)
}

// pgCheckUnique fails with ErrConflict if query (given key and w's id)
// finds another object.
func pgCheckUnique(ctx context.Context, tx pgx.Tx, w write, query string, key any) error {
	other, err := pgLookupID(ctx, tx, query, key, w.id)
	if err != nil {
		return pgDBError(w, err)
	}
	if other != 0 {
		return conflictError(w, other)
	}
	return nil
}

// pgLookupID returns the id query finds, or 0.
func pgLookupID(ctx context.Context, tx pgx.Tx, query string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, query, args...).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// pgDBError says which change a database error came from.
func pgDBError(w write, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: %s %d: %w", w.kind, w.id, pgConstraintError(err))
}
