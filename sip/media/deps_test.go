package media

import (
	"os/exec"
	"strings"
	"testing"
)

// media is a leaf: the standard library, the clock and pion's rtp and sdp only.
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/ringd/ringd/sip/media").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, d := range strings.Fields(string(out)) {
		if !strings.Contains(strings.SplitN(d, "/", 2)[0], ".") || d == "github.com/ringd/ringd/sip/media" || d == "github.com/ringd/ringd/sip/clock" {
			continue // standard library, media itself, the clock
		}
		if !strings.HasPrefix(d, "github.com/pion/rtp") && !strings.HasPrefix(d, "github.com/pion/sdp/") &&
			!strings.HasPrefix(d, "github.com/pion/randutil") {
			t.Errorf("media depends on %s", d)
		}
	}
}
