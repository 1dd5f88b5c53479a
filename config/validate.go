package config

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/strategy"
)

// Validate runs the checks only the config layer can make: the server
// settings, service templates, extension contacts and passwords,
// destination types and the services they need, schedules and references
// to them. Everything about routing (numbers, names, members, ranges,
// references between extensions and groups) is engine.Compile's, which
// Compile runs as well.
func (c *Config) Validate() error { return c.validate().finish(c.written).err() }

func (c *Config) validate() Problems {
	var ps Problems
	c.checkSIP(&ps)
	c.checkProtection(&ps)
	c.checkNetwork(&ps)
	c.checkPaging(&ps)
	c.checkFeatureCodes(&ps)
	c.checkHTTP(&ps)
	checkStore(&ps, c.Store)
	c.checkCluster(&ps)
	c.Services.check(&ps)
	c.checkLog(&ps)
	c.checkMedia(&ps)
	c.checkExtensions(&ps)
	c.checkRingGroups(&ps)
	c.checkSchedules(&ps)
	return ps
}

func (c *Config) checkSIP(ps *Problems) {
	if len(c.SIP.Listen) == 0 {
		ps.add("sip.listen", "at least one listen URI is required, like \"udp://127.0.0.1:5060\"")
	}
	seen := map[Listener]int{}
	for i, s := range c.SIP.Listen {
		l, msg := parseListen(s)
		if msg != "" {
			ps.add(index("sip.listen", i), msg)
			continue
		}
		if j, dup := seen[l]; dup {
			ps.add(index("sip.listen", i), "same address as "+index("sip.listen", j))
			continue
		}
		seen[l] = i
	}
	if c.SIP.Domain == "" {
		ps.add("sip.domain", "required")
	} else if !validHost(c.SIP.Domain) {
		ps.add("sip.domain", "must be a host name like ringd.local or an IP address, got "+strconv.Quote(c.SIP.Domain))
	}
	for i, a := range c.SIP.Aliases {
		if !validHost(a) {
			ps.add(index("sip.aliases", i), "must be a host name or an IP address, got "+strconv.Quote(a))
		}
	}
	for i, s := range c.SIP.Trusted {
		if _, ok := parsePrefix(s); !ok {
			ps.add(index("sip.trusted", i), "must be a CIDR like 10.0.0.0/8 or an IP address, got "+strconv.Quote(s))
		}
	}
}

func (c *Config) checkHTTP(ps *Problems) {
	if c.HTTP.Listen != "" {
		if _, _, msg := splitHostPort(c.HTTP.Listen); msg != "" {
			ps.add("http.listen", msg)
		}
	}
	for i, t := range c.HTTP.Tokens {
		if strings.TrimSpace(t) == "" {
			ps.add(index("http.tokens", i), "must not be empty")
		}
	}
	users := map[string]bool{}
	for i, u := range c.HTTP.Users {
		at := index("http.users", i)
		requireUnique(ps, at+".username", "user", u.Username, users)
		if u.Password == "" {
			ps.add(at+".password", "required")
		}
	}
}

func checkStore(ps *Problems, s string) {
	const kinds = " (sqlite:PATH, memory: or postgres://...)"
	if s == "" {
		return
	}
	scheme, rest, found := strings.Cut(s, ":")
	if !found {
		ps.add("store", "unsupported store "+strconv.Quote(s)+kinds)
		return
	}
	switch strings.ToLower(scheme) {
	case "sqlite":
		if rest == "" {
			ps.add("store", "sqlite: needs a file path, like \"sqlite:ringd.db\"")
		}
	case "memory":
		if rest != "" {
			ps.add("store", "memory: takes nothing after the colon")
		}
	case "postgres", "postgresql":
		if u, err := url.Parse(s); err != nil || !strings.HasPrefix(rest, "//") || u.Host == "" {
			ps.add("store", "must be a URL like \"postgres://user:password@host/db\"")
		}
	default:
		// Only the scheme is echoed: the rest may hold a password.
		ps.add("store", "unsupported store type "+strconv.Quote(scheme)+kinds)
	}
}

func (c *Config) checkLog(ps *Problems) {
	switch c.Log.Level {
	case "", "debug", "info", "warn", "error":
	default:
		ps.add("log.level", "must be debug, info, warn or error, got "+strconv.Quote(c.Log.Level))
	}
	switch c.Log.Format {
	case "", "json", "text":
	default:
		ps.add("log.format", "must be json or text, got "+strconv.Quote(c.Log.Format))
	}
}

func (c *Config) checkExtensions(ps *Problems) {
	for i, e := range c.Extensions {
		at := index("extensions", i)
		if e.Contact == "" {
			if e.Password == "" {
				ps.add(at+".password", "required (an extension without a static contact must register)")
			}
		} else if msg := checkContact(e.Contact); msg != "" {
			ps.add(at+".contact", msg)
		}
	}
}

// checkContact checks that s is a bare sip: or sips: URI with a host.
func checkContact(s string) string {
	rest, ok := strings.CutPrefix(s, "sip:")
	if !ok {
		rest, ok = strings.CutPrefix(s, "sips:")
	}
	if !ok {
		return "must be a sip: or sips: URI, got " + strconv.Quote(s)
	}
	if strings.ContainsAny(s, " \t\r\n<>\"") {
		return "must be a bare URI (no spaces, quotes or <>), got " + strconv.Quote(s)
	}
	hostport, _, _ := strings.Cut(rest, ";")
	hostport, _, _ = strings.Cut(hostport, "?")
	if at := strings.LastIndexByte(hostport, '@'); at >= 0 {
		hostport = hostport[at+1:]
	}
	host, _, msg := splitHostPortOpt(hostport)
	if msg != "" {
		return msg
	}
	if host == "" || !validHost(strings.Trim(host, "[]")) {
		return "has no valid host: " + strconv.Quote(s)
	}
	return ""
}

// splitHostPortOpt splits "host[:port]" where the port is optional.
func splitHostPortOpt(s string) (host, port, msg string) {
	if strings.HasPrefix(s, "[") {
		if end := strings.IndexByte(s, ']'); end >= 0 && end+1 < len(s) {
			return splitHostPort(s)
		}
		return s, "", ""
	}
	if strings.Count(s, ":") == 1 {
		return splitHostPort(s)
	}
	return s, "", ""
}

func (c *Config) checkRingGroups(ps *Problems) {
	schedules := map[string]bool{}
	for _, s := range c.Schedules {
		schedules[s.Name] = true
	}
	for i, g := range c.RingGroups {
		at := index("ring_groups", i)
		if g.Strategy == "" {
			ps.add(at+".strategy", "required")
		} else if _, ok := strategy.ParseKind(g.Strategy); !ok {
			ps.add(at+".strategy", "unknown strategy "+strconv.Quote(g.Strategy))
		}
		c.checkDestination(ps, at+".on_no_answer", g.OnNoAnswer)
		c.checkDestination(ps, at+".on_no_agent", g.OnNoAgent)
		if g.Schedule != "" && !schedules[g.Schedule] {
			ps.add(at+".schedule", "unknown schedule "+strconv.Quote(g.Schedule))
		}
		c.checkDestination(ps, at+".out_of_schedule", g.OutOfSchedule)
		c.checkPrompt(ps, at+".welcome_prompt", g.WelcomePrompt)
		c.checkPrompt(ps, at+".join_prompt", g.JoinPrompt)
		if !IsMOHKeyword(g.MOH) {
			c.checkPrompt(ps, at+".moh", g.MOH)
		}
	}
}

func (c *Config) checkDestination(ps *Problems, at string, d Destination) {
	if d.Dest == "" {
		if d.Value != "" || d.Prefix != "" {
			ps.add(at+".dest", "required ("+destTypeNames()+")")
		}
		return
	}
	t, ok := parseDestType(d.Dest)
	if !ok {
		ps.add(at+".dest", "unknown destination type "+strconv.Quote(d.Dest)+" ("+destTypeNames()+")")
		return
	}
	if key := serviceKey(t); key != "" && c.Services.Template(t) == "" {
		ps.add(at+".dest", "services."+key+" is not configured")
	}
	if t == engine.DestPlayGreeting {
		c.checkPrompt(ps, at+".value", d.Value)
	}
	if t == engine.DestPlayGreeting && d.Prefix != "" {
		if _, err := strconv.Atoi(strings.TrimSpace(d.Prefix)); err != nil {
			ps.add(at+".prefix", "repeat count must be a whole number 0-5, got "+strconv.Quote(d.Prefix))
		}
	}
}

func (c *Config) checkSchedules(ps *Problems) {
	names := map[string]bool{}
	for i, s := range c.Schedules {
		at := index("schedules", i)
		requireUnique(ps, at+".name", "schedule", s.Name, names)
		switch s.Type {
		case "business_hours", "holidays":
		case "":
			ps.add(at+".type", "required (business_hours or holidays)")
		default:
			ps.add(at+".type", "must be business_hours or holidays, got "+strconv.Quote(s.Type))
		}
		if s.Timezone == "" {
			ps.add(at+".timezone", "required (an IANA time zone like Europe/Paris)")
		} else if _, err := time.LoadLocation(s.Timezone); err != nil || s.Timezone == "Local" {
			ps.add(at+".timezone", "unknown time zone "+strconv.Quote(s.Timezone))
		}
		if len(s.Weekly) == 0 && len(s.Dates) == 0 {
			ps.add(at, "needs weekly or dates ranges")
		}
		for j, w := range s.Weekly {
			if _, msg := parseWeekly(w); msg != "" {
				ps.add(index(at+".weekly", j), msg)
			}
		}
		for j, d := range s.Dates {
			if _, msg := parseDates(d); msg != "" {
				ps.add(index(at+".dates", j), msg)
			}
		}
	}
}

// requireUnique reports a missing or repeated name (of a user, a schedule)
// and records it as seen.
func requireUnique(ps *Problems, path, what, name string, seen map[string]bool) {
	switch {
	case name == "":
		ps.add(path, "required")
	case seen[name]:
		ps.add(path, "duplicate "+what+" "+strconv.Quote(name))
	}
	seen[name] = true
}
