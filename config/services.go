package config

import (
	"strconv"
	"strings"

	"github.com/ringd/ringd/engine"
)

// serviceKeys are the template keys of the services section, in file order.
var serviceKeys = [...]string{"trunk", "ext_vm", "group_vm", "ivr", "call_flow", "queue"}

// serviceTypes are the destination types that go to a service template.
var serviceTypes = [...]engine.DestType{engine.DestExternalNum, engine.DestExtVM, engine.DestGroupVM,
	engine.DestIVR, engine.DestCallFlow, engine.DestQueue}

// MaxServiceRingTime bounds services.ring_time (seconds).
const MaxServiceRingTime = 600

// serviceKey names the services key a destination type is proxied to:
// trunk for external_num, the type's own name for ext_vm, group_vm, ivr,
// call_flow and queue, "" for the others.
func serviceKey(t engine.DestType) string {
	switch {
	case t == engine.DestExternalNum:
		return "trunk"
	case t.Service():
		return t.String()
	}
	return ""
}

// placeholder is what a service template's URI is filled in at.
func placeholder(key string) string {
	if key == "trunk" {
		return "{number}"
	}
	return "{value}"
}

func (s *Services) byKey(key string) *string {
	switch key {
	case "trunk":
		return &s.Trunk
	case "ext_vm":
		return &s.ExtVM
	case "group_vm":
		return &s.GroupVM
	case "ivr":
		return &s.IVR
	case "call_flow":
		return &s.CallFlow
	case "queue":
		return &s.Queue
	}
	return nil
}

// Template returns the URI template a destination type is proxied to
// (services.trunk for external_num, services.<type> for the services), or
// "" when t needs no service or it is not configured.
func (s Services) Template(t engine.DestType) string {
	if key := serviceKey(t); key != "" {
		return *s.byKey(key)
	}
	return ""
}

func (s *Services) check(ps *Problems) {
	if s.RingTime < 0 || s.RingTime > MaxServiceRingTime {
		ps.add("services.ring_time", "must be 1-600 s (0 or unset: 60), got "+strconv.Itoa(s.RingTime)+"s")
	}
	for _, key := range serviceKeys {
		if tmpl := *s.byKey(key); tmpl != "" {
			if msg := checkTemplate(tmpl, placeholder(key)); msg != "" {
				ps.add("services."+key, msg)
			}
		}
	}
}

// checkTemplate checks a service URI template: a sip: or sips: URI that
// contains its placeholder and no other.
func checkTemplate(t, placeholder string) string {
	example := "\"sip:" + placeholder + "@127.0.0.1:5080\""
	if !strings.HasPrefix(t, "sip:") && !strings.HasPrefix(t, "sips:") {
		return "must be a sip: URI template like " + example + ", got " + strconv.Quote(t)
	}
	if strings.ContainsAny(t, " \t\r\n<>\"") {
		return "must be a bare URI (no spaces, quotes or <>), got " + strconv.Quote(t)
	}
	if !strings.Contains(t, placeholder) {
		return "must contain " + placeholder + ", like " + example
	}
	for rest := t; ; {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			return ""
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return "unclosed { in " + strconv.Quote(t)
		}
		if p := rest[open : open+end+1]; p != placeholder {
			return "unknown placeholder " + p + " (only " + placeholder + ")"
		}
		rest = rest[open+end+1:]
	}
}
