package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SaveBan keeps a ban, or moves its end when the source has one already
// (the later end wins).
func (s *sqliteStore) SaveBan(ctx context.Context, b Ban) error {
	if err := checkBan(b); err != nil {
		return err
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO bans(source, until_ns, reason) VALUES (?, ?, ?)
		ON CONFLICT(source) DO UPDATE SET until_ns = max(until_ns, excluded.until_ns), reason = excluded.reason`,
		b.Source, toNanos(b.Until), b.Reason)
	if err != nil {
		return fmt.Errorf("store: save ban: %w", err)
	}
	return nil
}

func (s *sqliteStore) DeleteBan(ctx context.Context, source string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM bans WHERE source = ?`, source); err != nil {
		return fmt.Errorf("store: delete ban: %w", err)
	}
	return nil
}

// Bans drops the bans over at now and returns the others, soonest over
// first.
func (s *sqliteStore) Bans(ctx context.Context, now time.Time) ([]Ban, error) {
	out := []Ban{}
	err := inTx(ctx, s.w, false, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM bans WHERE until_ns <= ?`, toNanos(now)); err != nil {
			return fmt.Errorf("store: bans: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT source, until_ns, reason FROM bans ORDER BY until_ns, source`)
		if err != nil {
			return fmt.Errorf("store: bans: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				b     Ban
				until int64
			)
			if err := rows.Scan(&b.Source, &until, &b.Reason); err != nil {
				return fmt.Errorf("store: bans: %w", err)
			}
			b.Until = fromNanos(until)
			out = append(out, b)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
