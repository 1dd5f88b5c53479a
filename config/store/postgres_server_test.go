package store

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

	"github.com/jackc/pgx/v5"
)

// The PostgreSQL tests share one throwaway server per test binary, started
// by the first test that needs one (initdb in a temporary directory, then
// postgres on 127.0.0.1 and a free port) and stopped by TestMain, which
// removes the directory. Every test gets a database of its own, so tests
// run in parallel on the one server. There is no mock: without the server
// binaries (Debian package postgresql) the tests fail and say so.

var testPG struct {
	once sync.Once
	srv  *pgServer
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if testPG.srv != nil {
		if err := testPG.srv.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the test PostgreSQL:", err)
		}
	}
	os.Exit(code)
}

// pgTestServer returns the shared server, starting it the first time.
func pgTestServer(tb testing.TB) *pgServer {
	tb.Helper()
	testPG.once.Do(func() { testPG.srv, testPG.err = startPGServer() })
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
	url, err := pgTestServer(tb).newDatabase(tb.Context(), durable)
	if err != nil {
		tb.Fatal(err)
	}
	return url
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

// pgServer is a running throwaway PostgreSQL.
type pgServer struct {
	dir    string // data/, the Unix socket, postgres.log
	port   int
	cmd    *exec.Cmd
	exited chan struct{} // closed when postgres has exited

	mu    sync.Mutex // guards admin and n
	admin *pgx.Conn  // to the postgres database, as the superuser ringd
	n     int        // databases created
}

const pgAppRole = "ringd_app"

// pgPackageHint is how to get the server binaries.
const pgPackageHint = "install the Debian package postgresql (apt-get install -y postgresql; `make test` does so when it is missing)"

// pgDebianBins is where Debian's postgresql-VERSION packages put the
// server binaries.
var pgDebianBins = "/usr/lib/postgresql/*/bin"

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
	return "", errors.New("the PostgreSQL store tests start a throwaway PostgreSQL server, but initdb and postgres " +
		"are neither on PATH nor in /usr/lib/postgresql/*/bin: " + pgPackageHint)
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

func startPGServer() (*pgServer, error) {
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
	s := &pgServer{dir: dir}
	if err := s.start(bin, runAs); err != nil {
		s.stop()
		return nil, fmt.Errorf("test PostgreSQL (%s): %w", bin, err)
	}
	return s, nil
}

func (s *pgServer) start(bin string, runAs *user.User) error {
	attr, err := pgProcAttr(runAs)
	if err != nil {
		return err
	}
	if runAs != nil {
		uid, _ := strconv.Atoi(runAs.Uid)
		gid, _ := strconv.Atoi(runAs.Gid)
		if err := os.Chown(s.dir, uid, gid); err != nil {
			return err
		}
	}
	data := filepath.Join(s.dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "ringd", "--auth=trust",
		"-E", "UTF8", "--no-locale", "--no-sync")
	initdb.Dir, initdb.SysProcAttr, initdb.Env = s.dir, attr, append(os.Environ(), "LC_ALL=C")
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb as %s: %w\n%s", userName(runAs), err, out)
	}
	// A free port may be taken before postgres binds it: try another.
	for attempt := 1; ; attempt++ {
		err := s.run(bin, data, attr)
		if err == nil {
			return nil
		}
		if attempt == 3 || !strings.Contains(s.log(), "could not bind") {
			return fmt.Errorf("postgres as %s: %w\n%s", userName(runAs), err, s.log())
		}
	}
}

// run starts postgres and waits until it accepts connections.
func (s *pgServer) run(bin, data string, attr *syscall.SysProcAttr) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(s.dir, "postgres.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	s.port, s.exited = port, make(chan struct{})
	// fsync stays on (the benchmarks compare commits that reach the disk);
	// a test's commit does not wait for it (synchronous_commit, per database).
	s.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-k", s.dir, "-h", "127.0.0.1",
		"-p", strconv.Itoa(port), "-c", "max_connections=200")
	s.cmd.Dir, s.cmd.SysProcAttr, s.cmd.Stdout, s.cmd.Stderr = s.dir, attr, logf, logf
	if err := s.cmd.Start(); err != nil {
		return err
	}
	go func(cmd *exec.Cmd, exited chan struct{}) {
		cmd.Wait()
		close(exited)
	}(s.cmd, s.exited)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	url := fmt.Sprintf("postgres://ringd@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=2", port)
	for {
		conn, err := pgx.Connect(ctx, url)
		if err == nil {
			s.admin = conn
			if _, err := conn.Exec(ctx, `CREATE ROLE `+pgAppRole+` LOGIN`); err != nil {
				return err
			}
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("postgres exited: %v", s.cmd.ProcessState)
		case <-ctx.Done():
			return fmt.Errorf("postgres does not accept connections on port %d: %w", port, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// log is the end of the server's log.
func (s *pgServer) log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "postgres.log"))
	return string(b[max(0, len(b)-4000):])
}

func userName(u *user.User) string {
	if u == nil {
		return "the current user"
	}
	return u.Username
}

// newDatabase creates a database owned by pgAppRole and returns its URL.
func (s *pgServer) newDatabase(ctx context.Context, durable bool) (string, error) {
	return s.newDatabaseWith(ctx, durable, "")
}

// newDatabaseWith is newDatabase with options of CREATE DATABASE.
func (s *pgServer) newDatabaseWith(ctx context.Context, durable bool, options string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	name := fmt.Sprintf("t_%d", s.n)
	sync := "off"
	if durable {
		sync = "on"
	}
	for _, stmt := range []string{
		`CREATE DATABASE ` + name + ` OWNER ` + pgAppRole + ` ` + options,
		`ALTER DATABASE ` + name + ` SET synchronous_commit = ` + sync,
	} {
		if _, err := s.admin.Exec(ctx, stmt); err != nil {
			return "", fmt.Errorf("test PostgreSQL: %s: %w", stmt, err)
		}
	}
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", pgAppRole, s.port, name), nil
}

// stop stops postgres (a fast shutdown, then an immediate one, then a
// kill) and removes its directory.
func (s *pgServer) stop() error {
	if s.admin != nil {
		s.admin.Close(context.Background())
	}
	if s.cmd != nil && s.cmd.Process != nil {
		for _, sig := range []os.Signal{syscall.SIGINT, syscall.SIGQUIT, os.Kill} {
			s.cmd.Process.Signal(sig)
			select {
			case <-s.exited:
			case <-time.After(10 * time.Second):
				continue
			}
			break
		}
	}
	return os.RemoveAll(s.dir)
}
