package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/ringd/ringd/engine/cdr"
)

// pgAddRecord inserts one record and its missed calls (in the order of
// Missed): the CTE's insert runs whether or not $7 holds any.
const pgAddRecord = `WITH r AS (
		INSERT INTO call_records(call_id, grp, outcome, caller, start_ns, doc)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id)
	INSERT INTO missed_calls(record_id, extension, at_ns)
	SELECT r.id, m.extension, $5 FROM r, unnest($7::text[]) WITH ORDINALITY AS m(extension, n)
	ORDER BY m.n`

// AddRecords writes the records and their missed calls in one
// transaction, sent as one batch: one round trip and one commit.
func (s *pg) AddRecords(ctx context.Context, records ...cdr.Record) error {
	if len(records) == 0 {
		return nil
	}
	args := make([][]any, len(records))
	for i, r := range records {
		doc, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("store: record %q: %w", r.CallID, err)
		}
		missed := make([]string, len(r.Missed))
		for i, ext := range r.Missed {
			missed[i] = pgText(ext)
		}
		args[i] = []any{pgText(r.CallID), pgText(r.Group), pgText(r.Outcome), pgText(r.Caller),
			toNanos(r.Start), doc, missed}
	}
	return s.inTx(ctx, pgWrite, func(tx pgx.Tx) error {
		b := &pgx.Batch{} // afresh if the transaction is retried: pgx keeps state in a sent one
		for _, a := range args {
			b.Queue(pgAddRecord, a...)
		}
		br := tx.SendBatch(ctx, b)
		for _, r := range records {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return fmt.Errorf("store: record %q: %w", r.CallID, err)
			}
		}
		if err := br.Close(); err != nil {
			return fmt.Errorf("store: add records: %w", err)
		}
		return nil
	})
}

func (s *pg) Records(ctx context.Context, q RecordQuery) ([]cdr.Record, int, error) {
	var (
		conds []string
		args  []any
	)
	filter := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if q.Group != "" {
		filter("grp = $%d", pgText(q.Group))
	}
	if q.Outcome != "" {
		filter("outcome = $%d", pgText(q.Outcome))
	}
	if !q.Since.IsZero() {
		filter("start_ns >= $%d", toNanos(q.Since))
	}
	if !q.Until.IsZero() {
		filter("start_ns < $%d", toNanos(q.Until))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	page := fmt.Sprintf(` ORDER BY start_ns DESC, id DESC LIMIT $%d OFFSET $%d`, len(args)+1, len(args)+2)
	var (
		out   []cdr.Record
		count int
	)
	// The count and the page come from one snapshot.
	err := s.inTx(ctx, pgRead, func(tx pgx.Tx) error {
		out = []cdr.Record{}
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM call_records`+where, args...).Scan(&count); err != nil {
			return fmt.Errorf("store: records: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT doc FROM call_records`+where+page,
			append(args, pageSize(q.Top), max(q.Skip, 0))...)
		if err != nil {
			return fmt.Errorf("store: records: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var doc []byte
			if err := rows.Scan(&doc); err != nil {
				return fmt.Errorf("store: records: %w", err)
			}
			var c cdr.Record
			if err := json.Unmarshal(doc, &c); err != nil {
				return fmt.Errorf("store: records: %w", err)
			}
			out = append(out, c)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: records: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, count, nil
}

func (s *pg) MissedCalls(ctx context.Context, extension string, top int) ([]MissedCall, error) {
	rows, err := s.pool.Query(ctx, `SELECT m.extension, r.call_id, r.grp, r.caller, m.at_ns
		FROM missed_calls m JOIN call_records r ON r.id = m.record_id
		WHERE m.extension = $1 ORDER BY m.at_ns DESC, m.id DESC LIMIT $2`, pgText(extension), pageSize(top))
	if err != nil {
		return nil, fmt.Errorf("store: missed calls: %w", err)
	}
	defer rows.Close()
	out := []MissedCall{}
	for rows.Next() {
		var (
			mc MissedCall
			at int64
		)
		if err := rows.Scan(&mc.Extension, &mc.CallID, &mc.Group, &mc.Caller, &at); err != nil {
			return nil, fmt.Errorf("store: missed calls: %w", err)
		}
		mc.At = fromNanos(at)
		out = append(out, mc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: missed calls: %w", err)
	}
	return out, nil
}
