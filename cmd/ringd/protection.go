package main

import (
	"strings"
	"time"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/sip/transport"
)

// protection is sip.protection over ringd's defaults: a key the file sets
// replaces the default, the others keep it.
func protection(c config.Protection) transport.Protection {
	p := transport.DefaultProtection()
	seconds := func(v *int, d *time.Duration) {
		if v != nil {
			*d = time.Duration(*v) * time.Second
		}
	}
	if c.Requests != nil {
		p.Requests = *c.Requests
	}
	seconds(c.Window, &p.Window)
	seconds(c.Ban, &p.Ban)
	if c.AuthFailures != nil {
		p.AuthFailures = *c.AuthFailures
	}
	seconds(c.AuthWindow, &p.AuthWindow)
	if c.Scanners != nil {
		p.Scanners = nil
		for _, s := range *c.Scanners {
			p.Scanners = append(p.Scanners, strings.ToLower(strings.TrimSpace(s)))
		}
	}
	if c.MaxMessage != nil {
		p.MaxMessage = *c.MaxMessage
	}
	if c.Connections != nil {
		p.Connections = *c.Connections
	}
	return p
}
