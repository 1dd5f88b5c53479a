package bench

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteConfigSnippet prints the ringd.yaml lines that make ringd ring the
// member agents at their static contacts: one extension per member and a
// ring_all group with skip_busy off (the members take many calls at once).
func WriteConfigSnippet(w io.Writer, cfg Config, ports []int) {
	fmt.Fprintln(w, "# ringd.yaml lines for ringbench's static members (paste under the top-level keys):")
	fmt.Fprintln(w, "extensions:")
	for i, ext := range cfg.Members {
		pw := "change-me"
		if cfg.Password != "" {
			pw = cfg.password(ext)
		}
		fmt.Fprintf(w, "  - { number: %q, name: \"Bench %s\", password: %q, contact: \"sip:%s@%s\" }\n",
			ext, ext, pw, ext, hostPort(cfg.LocalIP, ports[i]))
	}
	members := make([]string, len(cfg.Members))
	for i, ext := range cfg.Members {
		members[i] = fmt.Sprintf("{ extension: %q }", ext)
	}
	fmt.Fprintln(w, "ring_groups:")
	fmt.Fprintf(w, "  - { number: %q, name: Bench, strategy: ring_all, ring_time: 20, skip_busy: false,\n", cfg.Group)
	fmt.Fprintf(w, "      members: [%s] }\n", strings.Join(members, ", "))
}

func hostPort(ip string, port int) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]:" + strconv.Itoa(port)
	}
	return ip + ":" + strconv.Itoa(port)
}
