package torture

import (
	"os"
	"testing"

	"github.com/ringd/ringd/bench/internal/ringdtest"
)

// TestTortureAgainstRingd runs the torture run against a real ringd,
// built from this tree and run as a process on free 127.0.0.1 ports
// (ringdtest).

func TestMain(m *testing.M) {
	code := m.Run()
	ringdtest.Cleanup()
	os.Exit(code)
}

var (
	freeUDPPorts = ringdtest.FreeUDPPorts
	serveRingd   = ringdtest.Serve
)

type lockedBuffer = ringdtest.LockedBuffer
