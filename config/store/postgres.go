package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pg is the PostgreSQL Store (github.com/jackc/pgx/v5, a pool of
// connections). Several ringd nodes may share one database: migrating and
// Apply (which checks keys and references before it writes) each hold an
// advisory lock that serializes them across nodes; the other writes are
// single statements or need no lock; the schema's constraints stand
// behind the checks; and a transaction PostgreSQL aborts for a
// serialization failure or a deadlock is tried again (inTx).
type pg struct {
	pool *pgxpool.Pool
}

// pgConnectTimeout bounds a connection attempt when the URL sets no
// connect_timeout.
const pgConnectTimeout = 10 * time.Second

// OpenPostgres connects to the PostgreSQL database url names
// ("postgres://USER:PASS@HOST:PORT/DB?sslmode=disable", or any URL or
// keyword/value string pgx takes, pool_max_conns included) and brings its
// schema up to date.
func OpenPostgres(ctx context.Context, url string) (Store, error) {
	s, err := openPostgres(ctx, url, pgMigrations)
	if err != nil {
		return nil, err // not a nil *pg in a non-nil Store
	}
	return s, nil
}

func openPostgres(ctx context.Context, url string, list []pgMigration) (*pg, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's parse errors leave out the password.
		return nil, fmt.Errorf("store: postgres: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout <= 0 {
		cfg.ConnConfig.ConnectTimeout = pgConnectTimeout
	}
	name := fmt.Sprintf("postgres %s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", name, err)
	}
	if err := pgMigrate(ctx, pool, list); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: %s: %w", name, err)
	}
	return &pg{pool: pool}, nil
}

func (s *pg) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

func (s *pg) Close() error {
	s.pool.Close()
	return nil
}

// PostgreSQL error codes the store acts on.
const (
	pgUniqueViolation      = "23505"
	pgForeignKeyViolation  = "23503"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
)

// pgCode is the SQLSTATE of a PostgreSQL error, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// pgConstraintError maps a constraint PostgreSQL enforced to the sentinel
// a caller tests for, as constraintError does for SQLite.
func pgConstraintError(err error) error {
	switch pgCode(err) {
	case pgUniqueViolation:
		return fmt.Errorf("%w: %w", ErrConflict, err)
	case pgForeignKeyViolation:
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

// pgAttempts is how many times a transaction is tried when PostgreSQL
// aborts it for a serialization failure or a deadlock with another
// transaction (another node's, say): both mean "try again".
const pgAttempts = 5

func retryable(err error) bool {
	c := pgCode(err)
	return c == pgSerializationFailure || c == pgDeadlockDetected
}

// retry calls f until it succeeds, fails for another reason, or has
// failed pgAttempts times; it waits a little, at random, between tries.
func retry(ctx context.Context, f func() error) error {
	for attempt := 1; ; attempt++ {
		err := f()
		if err == nil || !retryable(err) || attempt == pgAttempts {
			return err
		}
		wait := time.Duration(attempt) * (5*time.Millisecond + rand.N(10*time.Millisecond))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// inTx runs f in a transaction with opts and commits if f succeeds,
// retrying the whole transaction as retry does: f may run more than once.
// f's errors come back as f made them; BEGIN's and COMMIT's with "store: ".
func (s *pg) inTx(ctx context.Context, opts pgx.TxOptions, f func(pgx.Tx) error) error {
	var fromF bool
	err := retry(ctx, func() error {
		fromF = false
		return pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) error {
			err := f(tx)
			fromF = err != nil
			return err
		})
	})
	if err != nil && !fromF {
		return fmt.Errorf("store: %w", err)
	}
	return err
}

// Transaction options: reads see one snapshot; writes to the routing
// objects are serialized (Apply); the rest commit what they write.
var (
	pgRead  = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	pgWrite = pgx.TxOptions{IsoLevel: pgx.ReadCommitted}
)

// pgText is s as PostgreSQL text can hold it: valid UTF-8 without NUL.
// What a SIP message carries (a caller, a User-Agent) may be neither; each
// such byte becomes U+FFFD, as encoding/json turns invalid bytes in the
// documents. Every string the store writes or looks up goes through it, so
// a key written with odd bytes is found again with the same bytes.
func pgText(s string) string {
	if utf8.ValidString(s) && !strings.Contains(s, "\x00") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == 0 {
			r = utf8.RuneError
		}
		b.WriteRune(r) // RuneError for a byte that is not UTF-8
		i += n
	}
	return b.String()
}
