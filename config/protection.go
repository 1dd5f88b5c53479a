package config

import (
	"strconv"
	"strings"
)

// checkProtection checks sip.protection's ranges.
func (c *Config) checkProtection(ps *Problems) {
	p := &c.SIP.Protection
	for _, f := range []struct {
		key    string
		v      *int
		lo, hi int
		unit   string
	}{
		{"requests", p.Requests, 0, 1000000, ""},
		{"window", p.Window, 1, 3600, " s"},
		{"ban", p.Ban, 1, 604800, " s"},
		{"auth_failures", p.AuthFailures, 0, 1000, ""},
		{"auth_window", p.AuthWindow, 1, 86400, " s"},
		{"max_message", p.MaxMessage, 1024, 65535, " bytes"},
		{"connections", p.Connections, 0, 100000, ""},
	} {
		if f.v != nil && (*f.v < f.lo || *f.v > f.hi) {
			ps.add("sip.protection."+f.key, "must be "+strconv.Itoa(f.lo)+"-"+strconv.Itoa(f.hi)+f.unit+", got "+strconv.Itoa(*f.v))
		}
	}
	var scanners []string
	if p.Scanners != nil {
		scanners = *p.Scanners
	}
	for i, s := range scanners {
		if strings.TrimSpace(s) == "" {
			ps.add(index("sip.protection.scanners", i), "must not be empty")
		}
	}
}
