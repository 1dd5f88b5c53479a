package store

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/ringd/ringd/sip/cluster/clustertest"
)

// The PostgreSQL tests share one throwaway server per test binary
// (clustertest.NewPostgres: initdb in a temporary directory, then postgres
// on 127.0.0.1 and a free port), started by the first test that needs one
// and stopped by TestMain, which removes the directory. Every test gets a
// database of its own, so tests run in parallel on the one server. There
// is no mock: without the server binaries (Debian package postgresql) the
// tests fail and say so.

var testPG struct {
	once sync.Once
	srv  *clustertest.Postgres
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if testPG.srv != nil {
		if err := testPG.srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the test PostgreSQL:", err)
		}
	}
	os.Exit(code)
}

// pgTestServer returns the shared server, starting it the first time.
func pgTestServer(tb testing.TB) *clustertest.Postgres {
	tb.Helper()
	testPG.once.Do(func() { testPG.srv, testPG.err = clustertest.NewPostgres() })
	if testPG.err != nil {
		tb.Fatal(testPG.err)
	}
	return testPG.srv
}

// postgresURL creates an empty database for tb and returns its URL. The
// database belongs to a role that is no superuser, as ringd's would.
// Commits do not wait for the disk (synchronous_commit off) unless
// durable: the server is thrown away after the tests.
func postgresURL(tb testing.TB, durable bool) string {
	tb.Helper()
	url, err := pgTestServer(tb).CreateDatabase(tb.Context(), clustertest.DatabaseOptions{Durable: durable})
	if err != nil {
		tb.Fatal(err)
	}
	return url
}

// postgresURLWith is postgresURL (not durable) with options of CREATE
// DATABASE.
func postgresURLWith(ctx context.Context, tb testing.TB, with string) (string, error) {
	tb.Helper()
	return pgTestServer(tb).CreateDatabase(ctx, clustertest.DatabaseOptions{With: with})
}

// openPostgresTemp opens a store on a new database, closed when tb ends.
func openPostgresTemp(tb testing.TB) Store {
	tb.Helper()
	s, err := OpenPostgres(tb.Context(), postgresURL(tb, false))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}
