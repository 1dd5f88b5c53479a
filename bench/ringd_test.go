package bench

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/bench/internal/ringdtest"
)

// These tests run ringbench against a real ringd, built from this tree and
// run as a process on free 127.0.0.1 ports with an in-memory store
// (ringdtest).

func TestMain(m *testing.M) {
	memberLinger = 100 * time.Millisecond
	code := m.Run()
	ringdtest.Cleanup()
	os.Exit(code)
}

var (
	freeUDPPorts = ringdtest.FreeUDPPorts
	startRingd   = ringdtest.Start
)

// groupConfig is a ring_all group 6000 over members with static contacts
// at ports (none when ports is nil) and caller 2000.
func groupConfig(members []string, ports []int) string {
	var b strings.Builder
	b.WriteString("extensions:\n  - { number: \"2000\", name: Caller, password: secret2000 }\n")
	var refs []string
	for i, m := range members {
		contact := ""
		if ports != nil {
			contact = fmt.Sprintf(", contact: \"sip:%s@127.0.0.1:%d\"", m, ports[i])
		}
		fmt.Fprintf(&b, "  - { number: %q, name: M%s, password: secret%s%s }\n", m, m, m, contact)
		refs = append(refs, fmt.Sprintf("{ extension: %q }", m))
	}
	fmt.Fprintf(&b, "ring_groups:\n  - { number: \"6000\", name: Load, strategy: ring_all, ring_time: 20, skip_busy: false, members: [%s] }\n",
		strings.Join(refs, ", "))
	return b.String()
}
