package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// SaveBinding is one upsert: two nodes refreshing the same binding at once
// leave one of the two, whole.
func (s *pg) SaveBinding(ctx context.Context, b Binding) error {
	if err := checkBinding(b); err != nil {
		return err
	}
	err := retry(ctx, func() error {
		_, err := s.pool.Exec(ctx, `INSERT INTO bindings(extension, contact, expires_ns, call_id, cseq, source, transport, path, user_agent)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (extension, contact) DO UPDATE SET expires_ns = excluded.expires_ns,
				call_id = excluded.call_id, cseq = excluded.cseq, source = excluded.source,
				transport = excluded.transport, path = excluded.path, user_agent = excluded.user_agent`,
			pgText(b.Extension), pgText(b.Contact), toNanos(b.Expires), pgText(b.CallID), int64(b.CSeq),
			pgText(b.Source), pgText(b.Transport), pgText(b.Path), pgText(b.UserAgent))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save binding: %w", err)
	}
	return nil
}

func (s *pg) DeleteBinding(ctx context.Context, extension, contact string) error {
	err := retry(ctx, func() error {
		_, err := s.pool.Exec(ctx, `DELETE FROM bindings WHERE extension = $1 AND contact = $2`,
			pgText(extension), pgText(contact))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete binding: %w", err)
	}
	return nil
}

// Bindings drops the expired bindings and returns the others, by
// extension and contact (in byte order: the columns are COLLATE "C").
func (s *pg) Bindings(ctx context.Context, now time.Time) ([]Binding, error) {
	var out []Binding
	err := s.inTx(ctx, pgWrite, func(tx pgx.Tx) error {
		out = []Binding{} // afresh if the transaction is retried
		if _, err := tx.Exec(ctx, `DELETE FROM bindings WHERE expires_ns <= $1`, toNanos(now)); err != nil {
			return fmt.Errorf("store: bindings: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT extension, contact, expires_ns, call_id, cseq, source, transport, path, user_agent
			FROM bindings ORDER BY extension, contact`)
		if err != nil {
			return fmt.Errorf("store: bindings: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				b             Binding
				expires, cseq int64
			)
			if err := rows.Scan(&b.Extension, &b.Contact, &expires, &b.CallID, &cseq, &b.Source, &b.Transport, &b.Path, &b.UserAgent); err != nil {
				return fmt.Errorf("store: bindings: %w", err)
			}
			b.Expires, b.CSeq = fromNanos(expires), uint32(cseq)
			out = append(out, b)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: bindings: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
