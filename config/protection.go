package config

import (
	"strconv"
	"strings"
)

// Protection is sip.protection: ringd's flood and scanner protection. A key
// left out keeps ringd's default (cmd/ringd fills them from
// sip.DefaultProtection: 30 requests per 2 s, a 300 s ban, 10 failed
// authentications per 60 s, the SIPVicious family of User-Agents, 16 KB
// messages); 0 turns a limit off, `scanners: []` drops no User-Agent.
// Sources in sip.trusted are never limited.
type Protection struct {
	Requests     *int      `yaml:"requests,omitempty" json:"requests,omitempty"`           // per source IP per window; 0: no limit
	Window       *int      `yaml:"window,omitempty" json:"window,omitempty"`               // seconds
	Ban          *int      `yaml:"ban,omitempty" json:"ban,omitempty"`                     // seconds
	AuthFailures *int      `yaml:"auth_failures,omitempty" json:"auth_failures,omitempty"` // per source IP per auth_window; 0: never banned for it
	AuthWindow   *int      `yaml:"auth_window,omitempty" json:"auth_window,omitempty"`     // seconds
	Scanners     *[]string `yaml:"scanners,omitempty" json:"scanners,omitempty"`           // User-Agent substrings, any case; nil: the defaults, []: none
	MaxMessage   *int      `yaml:"max_message,omitempty" json:"max_message,omitempty"`     // bytes
}

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
