package bench

import "testing"

func TestLookupTool(t *testing.T) {
	for _, name := range []string{"rtp-listen", "tone"} {
		if _, ok := LookupTool(name); !ok {
			t.Errorf("%s not found", name)
		}
	}
	for _, name := range []string{"", "-proxy", "-h", "load"} {
		if _, ok := LookupTool(name); ok {
			t.Errorf("%q taken for a tool: the load generator's command line would break", name)
		}
	}
}
