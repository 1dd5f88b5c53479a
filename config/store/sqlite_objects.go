package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

func (s *sqliteStore) Load(ctx context.Context) (*Data, error) {
	d := &Data{}
	err := inTx(ctx, s.r, true, func(tx *sql.Tx) error {
		for _, k := range Kinds {
			if err := loadKind(ctx, tx, k, d); err != nil {
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

func loadKind(ctx context.Context, tx *sql.Tx, k Kind, d *Data) error {
	t := kindInfos[k].table
	q := `SELECT id, doc, '' FROM ` + t + ` ORDER BY id`
	if kindInfos[k].extRef {
		q = `SELECT o.id, o.doc, e.key FROM ` + t + ` o JOIN extensions e ON e.id = o.extension_id ORDER BY o.id`
	}
	rows, err := tx.QueryContext(ctx, q)
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

func (s *sqliteStore) Apply(ctx context.Context, changes ...Change) error {
	ws, err := prepareAll(changes)
	if err != nil || len(ws) == 0 {
		return err
	}
	return inTx(ctx, s.w, false, func(tx *sql.Tx) error {
		for _, w := range ws {
			if err := writeObject(ctx, tx, w); err != nil {
				return err
			}
		}
		return nil
	})
}

// writeObject applies one change. Keys and references are checked here,
// to report them by name; the schema's constraints stand behind.
func writeObject(ctx context.Context, tx *sql.Tx, w write) error {
	t := kindInfos[w.kind].table
	if w.doc == nil {
		_, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE id = ?`, w.id)
		return dbError(w, err)
	}
	if !kindInfos[w.kind].extRef {
		if err := checkUnique(ctx, tx, w, `SELECT id FROM `+t+` WHERE key = ? AND id <> ?`, w.key); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO `+t+`(id, key, doc) VALUES (?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET key = excluded.key,
				doc = excluded.doc, updated_at = excluded.updated_at`, w.id, w.key, string(w.doc))
		return dbError(w, err)
	}
	ext, err := lookupID(ctx, tx, `SELECT id FROM extensions WHERE key = ?`, w.ext)
	if err != nil {
		return dbError(w, err)
	}
	if ext == 0 {
		return missingExtensionError(w)
	}
	if w.kind == KindSequentialRing {
		if err := checkUnique(ctx, tx, w, `SELECT id FROM sequential_rings WHERE extension_id = ? AND id <> ?`, ext); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO `+t+`(id, extension_id, doc) VALUES (?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET extension_id = excluded.extension_id,
			doc = excluded.doc, updated_at = excluded.updated_at`, w.id, ext, string(w.doc))
	return dbError(w, err)
}

// checkUnique fails with ErrConflict if query (given key and w's id) finds
// another object.
func checkUnique(ctx context.Context, tx *sql.Tx, w write, query string, key any) error {
	other, err := lookupID(ctx, tx, query, key, w.id)
	if err != nil {
		return dbError(w, err)
	}
	if other != 0 {
		return conflictError(w, other)
	}
	return nil
}

// lookupID returns the id query finds, or 0.
func lookupID(ctx context.Context, tx *sql.Tx, query string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, query, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// dbError says which change a database error came from.
func dbError(w write, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: %s %d: %w", w.kind, w.id, constraintError(err))
}
