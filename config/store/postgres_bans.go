package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// SaveBan keeps a ban, or moves its end when the source has one already
// (the later end wins: two nodes banning one source at once keep the
// longer ban).
func (s *pg) SaveBan(ctx context.Context, b Ban) error {
	if err := checkBan(b); err != nil {
		return err
	}
	err := retry(ctx, func() error {
		_, err := s.pool.Exec(ctx, `INSERT INTO bans(source, until_ns, reason) VALUES ($1, $2, $3)
			ON CONFLICT (source) DO UPDATE SET until_ns = GREATEST(bans.until_ns, excluded.until_ns), reason = excluded.reason`,
			pgText(b.Source), toNanos(b.Until), pgText(b.Reason))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save ban: %w", err)
	}
	return nil
}

func (s *pg) DeleteBan(ctx context.Context, source string) error {
	err := retry(ctx, func() error {
		_, err := s.pool.Exec(ctx, `DELETE FROM bans WHERE source = $1`, pgText(source))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete ban: %w", err)
	}
	return nil
}

// Bans drops the bans over at now and returns the others, soonest over
// first.
func (s *pg) Bans(ctx context.Context, now time.Time) ([]Ban, error) {
	var out []Ban
	err := s.inTx(ctx, pgWrite, func(tx pgx.Tx) error {
		out = []Ban{} // afresh if the transaction is retried
		if _, err := tx.Exec(ctx, `DELETE FROM bans WHERE until_ns <= $1`, toNanos(now)); err != nil {
			return fmt.Errorf("store: bans: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT source, until_ns, reason FROM bans ORDER BY until_ns, source`)
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
