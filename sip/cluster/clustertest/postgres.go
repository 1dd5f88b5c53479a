package clustertest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Postgres is a throwaway PostgreSQL server: initdb in a temporary
// directory, then postgres on 127.0.0.1 and a free port, trusting every
// local connection. Each test takes a database of its own (NewDatabase),
// owned by AppRole, a role that is no superuser, as ringd's would be; many
// tests may share one server. There is no mock: without the server
// binaries (Debian package postgresql) it fails and says so.
type Postgres struct {
	dir    string // data/, the Unix socket, postgres.log
	port   int
	cmd    *exec.Cmd
	exited chan struct{} // closed when postgres has exited

	mu    sync.Mutex // guards admin and n
	admin *pgConn    // to the postgres database, as the superuser ringd
	n     int        // databases created
}

// AppRole is the role that owns the test databases (no superuser).
const AppRole = "ringd_app"

// superuser is initdb's superuser.
const superuser = "ringd"

// PackageHint is how to get the server binaries.
const PackageHint = "install the Debian package postgresql (apt-get install -y postgresql; `make test` does so when it is missing)"

// pgDebianBins is where Debian's postgresql-VERSION packages put the
// server binaries.
var pgDebianBins = "/usr/lib/postgresql/*/bin"

// StartPostgres starts a server for the test and stops it (and removes its
// directory) when the test ends.
func StartPostgres(t testing.TB) *Postgres {
	t.Helper()
	p, err := NewPostgres()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Errorf("stopping the test PostgreSQL: %v", err)
		}
	})
	return p
}

// NewPostgres starts a server that outlives any one test (one per test
// binary, say, started by the first test that needs it): the caller stops
// it (TestMain).
func NewPostgres() (*Postgres, error) {
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	runAs, err := pgRunAs()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "ringd-pg-")
	if err != nil {
		return nil, err
	}
	p := &Postgres{dir: dir}
	if err := p.start(bin, runAs); err != nil {
		_ = p.Stop()
		return nil, fmt.Errorf("test PostgreSQL (%s): %w", bin, err)
	}
	return p, nil
}

// Port is the TCP port the server listens on (127.0.0.1).
func (p *Postgres) Port() int { return p.port }

// URL is the URL of database db as AppRole, for ringd's store key
// (postgres://ringd_app@127.0.0.1:PORT/DB?sslmode=disable).
func (p *Postgres) URL(db string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", AppRole, p.port, db)
}

// NewDatabase creates an empty database for the test and returns its URL.
// Its commits do not wait for the disk (synchronous_commit off): the
// server is thrown away.
func (p *Postgres) NewDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	url, err := p.CreateDatabase(ctx, DatabaseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return url
}

// DatabaseOptions tell CreateDatabase what database to make.
type DatabaseOptions struct {
	// Durable: commits wait for the disk (synchronous_commit on), as a
	// benchmark of real commits needs.
	Durable bool
	// With is added to CREATE DATABASE (say "TEMPLATE template0
	// LOCALE_PROVIDER icu ICU_LOCALE 'en-US'").
	With string
}

// CreateDatabase creates a database owned by AppRole and returns its URL.
func (p *Postgres) CreateDatabase(ctx context.Context, o DatabaseOptions) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	name := fmt.Sprintf("t_%d", p.n)
	sync := "off"
	if o.Durable {
		sync = "on"
	}
	for _, stmt := range []string{
		`CREATE DATABASE ` + name + ` OWNER ` + AppRole + ` ` + o.With,
		`ALTER DATABASE ` + name + ` SET synchronous_commit = ` + sync,
	} {
		if err := p.admin.exec(ctx, stmt); err != nil {
			return "", fmt.Errorf("test PostgreSQL: %s: %w", stmt, err)
		}
	}
	return p.URL(name), nil
}

// Exec runs SQL as the superuser on the database postgres (rows are not
// read).
func (p *Postgres) Exec(ctx context.Context, sql string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.admin.exec(ctx, sql)
}

// Log is the end of the server's log.
func (p *Postgres) Log() string {
	b, _ := os.ReadFile(filepath.Join(p.dir, "postgres.log"))
	return string(b[max(0, len(b)-4000):])
}

// Stop stops postgres (a fast shutdown, then an immediate one, then a
// kill) and removes its directory.
func (p *Postgres) Stop() error {
	p.mu.Lock()
	if p.admin != nil {
		p.admin.close()
		p.admin = nil
	}
	p.mu.Unlock()
	if p.cmd != nil && p.cmd.Process != nil {
		for _, sig := range []os.Signal{syscall.SIGINT, syscall.SIGQUIT, os.Kill} {
			_ = p.cmd.Process.Signal(sig)
			select {
			case <-p.exited:
			case <-time.After(10 * time.Second):
				continue
			}
			break
		}
		p.cmd = nil
	}
	return os.RemoveAll(p.dir)
}

// pgBinDir finds the directory of initdb and postgres: on PATH, or where
// Debian puts them (/usr/lib/postgresql/VERSION/bin, not on PATH), the
// newest version first.
func pgBinDir() (string, error) {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			dirs = append(dirs, filepath.Dir(real))
		}
		dirs = append(dirs, filepath.Dir(p))
	}
	debian, _ := filepath.Glob(pgDebianBins)
	slices.SortFunc(debian, func(a, b string) int { return pgVersionOf(b) - pgVersionOf(a) })
	for _, d := range append(dirs, debian...) {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", errors.New("the tests start a throwaway PostgreSQL server, but initdb and postgres " +
		"are neither on PATH nor in /usr/lib/postgresql/*/bin: " + PackageHint)
}

// pgVersionOf is the major version in /usr/lib/postgresql/VERSION/bin.
func pgVersionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// pgRunAs is the user the server runs as: PostgreSQL refuses to run as
// root, so root hands it to the user postgres (the Debian package creates
// it) or else nobody. Another user runs it as itself (nil).
func pgRunAs() (*user.User, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		if u, err := user.Lookup(name); err == nil {
			return u, nil
		}
	}
	return nil, errors.New("running as root, and neither the user postgres nor nobody exists to run PostgreSQL as")
}

func (p *Postgres) start(bin string, runAs *user.User) error {
	attr, err := pgProcAttr(runAs)
	if err != nil {
		return err
	}
	if runAs != nil {
		uid, _ := strconv.Atoi(runAs.Uid)
		gid, _ := strconv.Atoi(runAs.Gid)
		if err := os.Chown(p.dir, uid, gid); err != nil {
			return err
		}
	}
	data := filepath.Join(p.dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", superuser, "--auth=trust",
		"-E", "UTF8", "--no-locale", "--no-sync")
	initdb.Dir, initdb.SysProcAttr, initdb.Env = p.dir, attr, append(os.Environ(), "LC_ALL=C")
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb as %s: %w\n%s", userName(runAs), err, out)
	}
	// A free port may be taken before postgres binds it: try another.
	for attempt := 1; ; attempt++ {
		err := p.run(bin, data, attr)
		if err == nil {
			return nil
		}
		if attempt == 3 || !strings.Contains(p.Log(), "could not bind") {
			return fmt.Errorf("postgres as %s: %w\n%s", userName(runAs), err, p.Log())
		}
	}
}

// run starts postgres and waits until it accepts connections.
func (p *Postgres) run(bin, data string, attr *syscall.SysProcAttr) error {
	port, err := freeTCPPort()
	if err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(p.dir, "postgres.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	p.port, p.exited = port, make(chan struct{})
	// fsync stays on (benchmarks compare commits that reach the disk); a
	// test's commit does not wait for it (synchronous_commit, per database).
	p.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-k", p.dir, "-h", "127.0.0.1",
		"-p", strconv.Itoa(port), "-c", "max_connections=200")
	p.cmd.Dir, p.cmd.SysProcAttr, p.cmd.Stdout, p.cmd.Stderr = p.dir, attr, logf, logf
	if err := p.cmd.Start(); err != nil {
		return err
	}
	go func(cmd *exec.Cmd, exited chan struct{}) {
		_ = cmd.Wait()
		close(exited)
	}(p.cmd, p.exited)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for {
		attempt, stop := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgDial(attempt, addr, superuser, "postgres")
		stop()
		if err == nil {
			p.admin = conn
			return conn.exec(ctx, `CREATE ROLE `+AppRole+` LOGIN`)
		}
		select {
		case <-p.exited:
			return fmt.Errorf("postgres exited: %v", p.cmd.ProcessState)
		case <-ctx.Done():
			return fmt.Errorf("postgres does not accept connections on port %d: %w", port, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func freeTCPPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func userName(u *user.User) string {
	if u == nil {
		return "the current user"
	}
	return u.Username
}
