package config

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ringd/ringd/engine"
)

// PromptCheck, when set, tells whether a prompt file under dir exists and
// is audio ringd can play; its error message names the file. The program
// sets it to the media layer's check (config never reads audio itself and
// never imports sip). Without it only the name is checked.
var PromptCheck func(dir, name string) error

// MOH keywords of the PBX dialects: the system's default music. ringd has
// no music of its own, so they mean "no music on hold": the caller hears
// the members' ringback.
var mohKeywords = map[string]bool{"default": true, "follow_system": true, "none": true}

// IsMOHKeyword reports whether a moh value is a keyword, not a file.
func IsMOHKeyword(name string) bool { return mohKeywords[strings.ToLower(name)] }

// checkMedia checks the RTP port range of the media section.
func (c *Config) checkMedia(ps *Problems) {
	lo, hi := c.Media.RTPPorts()
	ok := true
	for _, p := range []struct {
		key string
		n   int
	}{{"media.rtp_port_min", lo}, {"media.rtp_port_max", hi}} {
		if p.n < 1024 || p.n > 65534 {
			ps.add(p.key, "must be a UDP port 1024-65534, got "+strconv.Itoa(p.n))
			ok = false
		}
	}
	if ok && hi-lo < 2 {
		ps.add("media.rtp_port_max", "must be at least 2 above rtp_port_min ("+strconv.Itoa(lo)+"), RTP uses even ports")
	}
}

// checkPrompt checks that a prompt file a ring group or a play_greeting
// failover names exists under prompts_dir and is audio ringd can play
// (8 kHz mono WAV, 16-bit PCM or G.711). The message names the file.
func (c *Config) checkPrompt(ps *Problems, at, name string) {
	if name == "" {
		return
	}
	if len(name) > 255 || filepath.IsAbs(name) || !filepath.IsLocal(name) {
		ps.add(at, "must be a file name under prompts_dir ("+c.Prompts()+"), got "+strconv.Quote(name))
		return
	}
	if PromptCheck != nil {
		if err := PromptCheck(c.Prompts(), name); err != nil {
			ps.add(at, err.Error())
		}
	}
}

// PromptNames lists every prompt file the configuration plays, once each.
func (c *Config) PromptNames() []string {
	var names []string
	seen := map[string]bool{}
	add := func(n string) {
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	greeting := func(d Destination) {
		if t, ok := parseDestType(d.Dest); ok && t == engine.DestPlayGreeting {
			add(d.Value)
		}
	}
	for _, g := range c.RingGroups {
		add(g.WelcomePrompt)
		add(g.JoinPrompt)
		if !IsMOHKeyword(g.MOH) {
			add(g.MOH)
		}
		greeting(g.OnNoAnswer)
		greeting(g.OnNoAgent)
		greeting(g.OutOfSchedule)
	}
	return names
}
