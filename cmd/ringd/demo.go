package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/sip/transport"
)

// demoBanner tells a new user how to try the demo config: who to register
// as, and what to dial.
func demoBanner(w io.Writer, cfg *config.Config, bound []transport.Listener) {
	var addrs []string
	for _, b := range bound {
		addrs = append(addrs, b.Network+" "+b.Addr)
	}
	reg := "127.0.0.1:5060"
	if len(bound) > 0 {
		reg = bound[0].Addr
	}
	fmt.Fprintf(w, "\nringd is running with its embedded demo config (no ringd.yaml in this folder).\n")
	fmt.Fprintf(w, "  SIP: %s, domain %s\n\n", strings.Join(addrs, ", "), cfg.SIP.Domain)
	fmt.Fprintf(w, "Register a softphone (registrar/proxy %s, domain %s) as:\n", reg, cfg.SIP.Domain)
	for _, e := range cfg.Extensions {
		if e.Password != "" {
			fmt.Fprintf(w, "  user %-6s password %-12s %s\n", e.Number, e.Password, e.Name)
		}
	}
	fmt.Fprintf(w, "\nThen dial a ring group:\n")
	for _, g := range cfg.RingGroups {
		var members []string
		for _, m := range g.Members {
			if m.Extension != "" {
				members = append(members, m.Extension)
			} else {
				members = append(members, m.ExtGroup)
			}
		}
		fmt.Fprintf(w, "  %-6s %-24s %-22s rings %s\n", g.Number, g.Name, g.Strategy, strings.Join(members, ", "))
	}
	if len(cfg.SIP.Trusted) == 0 {
		fmt.Fprintf(w, "\nEvery caller authenticates as its extension (digest): the demo trusts no network.\n")
	} else {
		fmt.Fprintf(w, "\nCalls from %s need no authentication; others authenticate as an extension.\n", strings.Join(cfg.SIP.Trusted, ", "))
	}
	if cfg.HTTP.Listen != "" && len(cfg.HTTP.Tokens) > 0 {
		fmt.Fprintf(w, "Admin API: http://%s/api/v1/ring_groups (Authorization: Bearer %s), OpenAPI at /openapi.json.\n",
			cfg.HTTP.Listen, cfg.HTTP.Tokens[0])
	}
	fmt.Fprintf(w, "Stop with Ctrl-C.\n\n")
}
