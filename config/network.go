package config

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// MaxNATKeepalive bounds sip.nat.keepalive.
const MaxNATKeepalive = time.Hour

// NATKeepalive returns sip.nat.keepalive (0: off). A value that does not
// parse is 0 (Parse reports it).
func (c *Config) NATKeepalive() time.Duration {
	d, _ := parseKeepalive(c.SIP.NAT.Keepalive)
	return d
}

func parseKeepalive(s string) (time.Duration, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ""
	}
	if n, err := strconv.Atoi(s); err == nil {
		s = strconv.Itoa(n) + "s"
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d > MaxNATKeepalive {
		return 0, "must be a duration from 0 (off) to 1h, like \"30s\", got " + strconv.Quote(s)
	}
	if d > 0 && d < time.Second {
		return 0, "must be at least 1s (0: off), got " + strconv.Quote(s)
	}
	return d, ""
}

// checkTLS loads the files of sip.tls (or http.tls: at names the
// section) as serve will, and says what is wrong with them.
func checkTLS(at string, t *TLSConfig) (key, msg string) {
	if t.Cert == "" {
		return at + ".cert", "required (a PEM certificate chain file)"
	}
	if t.Key == "" {
		return at + ".key", "required (a PEM private key file)"
	}
	if _, err := tls.LoadX509KeyPair(t.Cert, t.Key); err != nil {
		return at + ".cert", err.Error()
	}
	if t.CA == "" {
		return "", ""
	}
	pem, err := os.ReadFile(t.CA)
	if err != nil {
		return at + ".ca", err.Error()
	}
	if !x509.NewCertPool().AppendCertsFromPEM(pem) {
		return at + ".ca", "no PEM certificate in " + strconv.Quote(t.CA)
	}
	return "", ""
}

// Outbound is an outbound rule ready to use: its pattern compiled and its
// destination a URI template.
type Outbound struct {
	Pattern *regexp.Regexp
	Strip   int
	Prefix  string
	Dest    string // a sip: URI template with {number}
}

// OutboundRules returns the outbound rules, "trunk" resolved to
// services.trunk. Rules that do not check are left out (Parse reports
// them).
func (c *Config) OutboundRules() []Outbound {
	var out []Outbound
	for _, r := range c.Outbound {
		if o, bad := c.outbound(r); bad == nil {
			out = append(out, o)
		}
	}
	return out
}

// outbound compiles one rule; bad, when not nil, is what is wrong, its
// Path relative to the rule.
func (c *Config) outbound(r OutboundRule) (o Outbound, bad *Problem) {
	re, err := regexp.Compile(r.Pattern)
	if r.Pattern == "" || err != nil {
		return o, &Problem{Path: "pattern", Message: "must be an RE2 regular expression like \"^0[0-9]{6,15}$\""}
	}
	if r.Strip < 0 || r.Strip > 32 {
		return o, &Problem{Path: "strip", Message: "must be 0-32, got " + strconv.Itoa(r.Strip)}
	}
	if strings.Trim(r.Prefix, "0123456789+*#") != "" {
		return o, &Problem{Path: "prefix", Message: "must be digits or the dial characters + * #, got " + strconv.Quote(r.Prefix)}
	}
	dest := r.Dest
	if dest == "trunk" {
		if c.Services.Trunk == "" {
			return o, &Problem{Path: "dest", Message: "trunk needs services.trunk"}
		}
		dest = c.Services.Trunk
	} else if msg := checkTemplate(dest, "{number}"); msg != "" {
		return o, &Problem{Path: "dest", Message: "\"trunk\" or a SIP URI template: " + msg}
	}
	return Outbound{Pattern: re, Strip: r.Strip, Prefix: r.Prefix, Dest: dest}, nil
}

// checkNetwork checks sip.tls, http.tls, sip.nat, sip.digest_algorithms
// and outbound, and that
// every tls:// and wss:// listener has a certificate that loads.
func (c *Config) checkNetwork(ps *Problems) {
	needTLS := -1
	for i, s := range c.SIP.Listen {
		if l, msg := parseListen(s); msg == "" && (l.Network == "tls" || l.Network == "wss") && needTLS < 0 {
			needTLS = i
		}
	}
	if t := c.SIP.TLS; t != nil {
		if key, msg := checkTLS("sip.tls", t); msg != "" {
			ps.add(key, msg)
		}
	} else if needTLS >= 0 {
		ps.add(index("sip.listen", needTLS), "a tls:// or wss:// listener needs sip.tls.cert and sip.tls.key")
	}
	if t := c.HTTP.TLS; t != nil {
		if c.HTTP.Listen == "" {
			ps.add("http.tls", "needs http.listen (the admin API is off without it)")
		} else if key, msg := checkTLS("http.tls", &TLSConfig{Cert: t.Cert, Key: t.Key}); msg != "" {
			ps.add(key, msg)
		}
	}
	if _, msg := parseKeepalive(c.SIP.NAT.Keepalive); msg != "" {
		ps.add("sip.nat.keepalive", msg)
	}
	seen := map[string]bool{}
	for i, a := range c.SIP.DigestAlgorithms {
		switch up := strings.ToUpper(a); {
		case up != "MD5" && up != "SHA-256":
			ps.add(index("sip.digest_algorithms", i), "must be MD5 or SHA-256, got "+strconv.Quote(a))
		case seen[up]:
			ps.add(index("sip.digest_algorithms", i), strconv.Quote(a)+" is listed twice")
		default:
			seen[up] = true
		}
	}
	for i, r := range c.Outbound {
		if _, bad := c.outbound(r); bad != nil {
			ps.add(index("outbound", i)+"."+bad.Path, bad.Message)
		}
	}
}
