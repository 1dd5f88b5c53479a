package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ringd/ringd/engine/cdr"
)

func (s *sqliteStore) SaveBinding(ctx context.Context, b Binding) error {
	if err := checkBinding(b); err != nil {
		return err
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO bindings(extension, contact, expires_ns, call_id, cseq, source, transport, path, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(extension, contact) DO UPDATE SET expires_ns = excluded.expires_ns,
			call_id = excluded.call_id, cseq = excluded.cseq, source = excluded.source,
			transport = excluded.transport, path = excluded.path, user_agent = excluded.user_agent`,
		b.Extension, b.Contact, toNanos(b.Expires), b.CallID, b.CSeq, b.Source, b.Transport, b.Path, b.UserAgent)
	if err != nil {
		return fmt.Errorf("store: save binding: %w", err)
	}
	return nil
}

func (s *sqliteStore) DeleteBinding(ctx context.Context, extension, contact string) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM bindings WHERE extension = ? AND contact = ?`, extension, contact)
	if err != nil {
		return fmt.Errorf("store: delete binding: %w", err)
	}
	return nil
}

// Bindings drops the expired bindings and returns the others, by
// extension and contact.
func (s *sqliteStore) Bindings(ctx context.Context, now time.Time) ([]Binding, error) {
	out := []Binding{}
	err := inTx(ctx, s.w, false, func(tx *sql.Tx) error {
		at := toNanos(now)
		if _, err := tx.ExecContext(ctx, `DELETE FROM bindings WHERE expires_ns <= ?`, at); err != nil {
			return fmt.Errorf("store: bindings: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT extension, contact, expires_ns, call_id, cseq, source, transport, path, user_agent
			FROM bindings ORDER BY extension, contact`)
		if err != nil {
			return fmt.Errorf("store: bindings: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				b       Binding
				expires int64
			)
			if err := rows.Scan(&b.Extension, &b.Contact, &expires, &b.CallID, &b.CSeq, &b.Source, &b.Transport, &b.Path, &b.UserAgent); err != nil {
				return fmt.Errorf("store: bindings: %w", err)
			}
			b.Expires = fromNanos(expires)
			out = append(out, b)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AddRecords writes the records and their missed calls in one
// transaction: one sync for the whole batch.
func (s *sqliteStore) AddRecords(ctx context.Context, records ...cdr.Record) error {
	if len(records) == 0 {
		return nil
	}
	docs := make([][]byte, len(records))
	for i, r := range records {
		doc, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("store: record %q: %w", r.CallID, err)
		}
		docs[i] = doc
	}
	return inTx(ctx, s.w, false, func(tx *sql.Tx) error {
		rec, err := tx.PrepareContext(ctx, `INSERT INTO call_records(call_id, grp, outcome, caller, start_ns, doc)
			VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("store: add records: %w", err)
		}
		defer rec.Close()
		missed, err := tx.PrepareContext(ctx, `INSERT INTO missed_calls(record_id, extension, at_ns) VALUES (?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("store: add records: %w", err)
		}
		defer missed.Close()
		for i, r := range records {
			start := toNanos(r.Start)
			res, err := rec.ExecContext(ctx, r.CallID, r.Group, r.Outcome, r.Caller, start, string(docs[i]))
			if err != nil {
				return fmt.Errorf("store: record %q: %w", r.CallID, err)
			}
			id, err := res.LastInsertId()
			if err != nil {
				return fmt.Errorf("store: record %q: %w", r.CallID, err)
			}
			for _, ext := range r.Missed {
				if _, err := missed.ExecContext(ctx, id, ext, start); err != nil {
					return fmt.Errorf("store: record %q: missed call of %s: %w", r.CallID, ext, err)
				}
			}
		}
		return nil
	})
}

func (s *sqliteStore) Records(ctx context.Context, q RecordQuery) ([]cdr.Record, int, error) {
	var (
		conds []string
		args  []any
	)
	filter := func(cond string, arg any) { conds, args = append(conds, cond), append(args, arg) }
	if q.Group != "" {
		filter("grp = ?", q.Group)
	}
	if q.Outcome != "" {
		filter("outcome = ?", q.Outcome)
	}
	if !q.Since.IsZero() {
		filter("start_ns >= ?", toNanos(q.Since))
	}
	if !q.Until.IsZero() {
		filter("start_ns < ?", toNanos(q.Until))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var (
		out   = []cdr.Record{}
		count int
	)
	err := inTx(ctx, s.r, true, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM call_records`+where, args...).Scan(&count); err != nil {
			return fmt.Errorf("store: records: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT doc FROM call_records`+where+
			` ORDER BY start_ns DESC, id DESC LIMIT ? OFFSET ?`,
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
		return rows.Err()
	})
	if err != nil {
		return nil, 0, err
	}
	return out, count, nil
}

func (s *sqliteStore) MissedCalls(ctx context.Context, extension string, top int) ([]MissedCall, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT m.extension, r.call_id, r.grp, r.caller, m.at_ns
		FROM missed_calls m JOIN call_records r ON r.id = m.record_id
		WHERE m.extension = ? ORDER BY m.at_ns DESC, m.id DESC LIMIT ?`, extension, pageSize(top))
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
