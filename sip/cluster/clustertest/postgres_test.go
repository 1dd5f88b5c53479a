package clustertest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Without the server binaries, the tests say which package to install.
func TestPostgresBinariesMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	saved := pgDebianBins
	pgDebianBins = filepath.Join(t.TempDir(), "*", "bin")
	defer func() { pgDebianBins = saved }()
	if dir, err := pgBinDir(); err == nil || !strings.Contains(err.Error(), "Debian package postgresql") {
		t.Errorf("pgBinDir = %q, %v; want an error naming the package", dir, err)
	}
}

// A server starts, takes databases as the application's role (which
// cannot create roles: it is no superuser), reports SQL errors, and stops.
func TestPostgresDatabases(t *testing.T) {
	p := StartPostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, b := p.NewDatabase(t), p.NewDatabase(t)
	if a == b || !strings.HasPrefix(a, "postgres://"+AppRole+"@127.0.0.1:") {
		t.Errorf("databases %q and %q", a, b)
	}
	if want := p.URL("t_1"); a != want {
		t.Errorf("first database %q, URL says %q", a, want)
	}
	conn, err := pgDial(ctx, strings.TrimPrefix(strings.Split(a, "/")[2], AppRole+"@"), AppRole, "t_1")
	if err != nil {
		t.Fatalf("connect as %s: %v", AppRole, err)
	}
	defer conn.close()
	if err := conn.exec(ctx, `CREATE TABLE x (n int); INSERT INTO x VALUES (1); SELECT n FROM x`); err != nil {
		t.Errorf("the owner's statements: %v", err)
	}
	err = conn.exec(ctx, `CREATE ROLE intruder`)
	if e, ok := err.(*pgError); !ok || e.Code != "42501" {
		t.Errorf("CREATE ROLE as %s: %v, want insufficient_privilege (42501)", AppRole, err)
	}
	if err := conn.exec(ctx, `SELECT 1`); err != nil {
		t.Errorf("the connection after an error: %v", err)
	}
	if err := p.Exec(ctx, `SELECT no_such_column FROM pg_database`); err == nil || !strings.Contains(err.Error(), "42703") {
		t.Errorf("a bad statement: %v", err)
	}
	if _, err := p.CreateDatabase(ctx, DatabaseOptions{Durable: true, With: "TEMPLATE template0"}); err != nil {
		t.Errorf("a durable database from template0: %v", err)
	}
}
