package sip

import (
	"regexp"
	"strings"
	"testing"

	"github.com/emiago/sipgo/sip"
)

// FuzzFeatureCodes dials arbitrary numbers, with arbitrary Replaces
// headers, against the default feature codes: nothing panics, a state
// change comes only from a number that is exactly its code, a directed
// pickup names what follows its code, and a Replaces pickup names a
// Call-ID.
func FuzzFeatureCodes(f *testing.F) {
	for _, s := range []string{"*8", "**1001", "*78", "*79", "*45", "*46", "**", "*", "1001", ""} {
		f.Add(s, "")
	}
	f.Add("1001", "abc@h;to-tag=1;from-tag=2")
	f.Add("*8", ";to-tag=")
	f.Fuzz(func(t *testing.T, number, replaces string) {
		fc := FeatureCodes{Pickup: "*8", DirectedPickup: "**", DNDOn: "*78", DNDOff: "*79", Logout: "*45", Login: "*46"}
		if ch, ok := fc.change(number); ok {
			if !slicesContain([]string{"*78", "*79", "*45", "*46"}, number) || (ch.DND == nil) == (ch.LoggedOut == nil) {
				t.Fatalf("%q: state change %+v", number, ch)
			}
		}
		req := sip.NewRequest(sip.INVITE, sip.Uri{User: "x", Host: "ringd.local"})
		if replaces != "" && !strings.ContainsAny(replaces, "\r\n") {
			req.AppendHeader(sip.NewHeader("Replaces", replaces))
		}
		p := fc.pick(req, number)
		if p == nil {
			return
		}
		switch p.kind {
		case pickDirected:
			if p.ext == "" || "**"+p.ext != number {
				t.Fatalf("%q: directed pickup of %q", number, p.ext)
			}
		case pickReplaces:
			if p.callID == "" {
				t.Fatalf("Replaces %q: a pickup without a Call-ID", replaces)
			}
		case pickGroup:
			if number != "*8" {
				t.Fatalf("%q: group pickup", number)
			}
		}
	})
}

func slicesContain(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// FuzzOutboundRules routes arbitrary dialled numbers - as a Request-URI's
// user part arrives - through outbound rules a config accepts: nothing
// panics, and the target is a SIP URI of the rule's own host and port
// whose user is the prefix and the number left after stripping, so that
// no dialled number can steer a call to another host or add URI
// parameters.
func FuzzOutboundRules(f *testing.F) {
	f.Add("0123456789", "^0[0-9]{6,15}$", 1, "", 0)
	f.Add("9@evil.example.com", "^9", 0, "+1", 1)
	f.Add("9;transport=tcp", ".", 0, "", 2)
	f.Add("9%40evil", "^9", 1, "00", 0)
	dests := []string{"sip:{number}@gw.example.com", "sip:{number}@10.0.0.1:5080;transport=tcp", "sips:{number}@[2001:db8::1]:5061"}
	f.Fuzz(func(t *testing.T, number, pattern string, strip int, prefix string, dest int) {
		var in sip.Uri
		if err := sip.ParseUri("sip:"+number+"@ringd.local", &in); err != nil || in.User != number || in.Host != "ringd.local" {
			return // not a user part a request can carry
		}
		re, err := regexp.Compile(pattern)
		if err != nil || strip < 0 || strip > 32 || strings.Trim(prefix, "0123456789+*#") != "" {
			return // refused by the config
		}
		tmpl := dests[(dest%len(dests)+len(dests))%len(dests)]
		rule := OutboundRule{Pattern: re, Strip: strip, Prefix: prefix, Dest: tmpl}
		target, ok := outboundTarget([]OutboundRule{rule}, number)
		if !ok {
			if re.MatchString(number) && dialString(number) {
				t.Fatalf("%q matches %q but was not routed", number, pattern)
			}
			return
		}
		var want, got sip.Uri
		if err := sip.ParseUri(strings.ReplaceAll(tmpl, "{number}", "u"), &want); err != nil {
			t.Fatal(err)
		}
		if err := sip.ParseUri(target, &got); err != nil {
			t.Fatalf("%q -> %q: not a URI: %v", number, target, err)
		}
		user := prefix + number[min(strip, len(number)):]
		if got.Host != want.Host || got.Port != want.Port || got.User != user {
			t.Fatalf("%q -> %q: host %q port %d user %q, want %q %d %q", number, target, got.Host, got.Port, got.User, want.Host, want.Port, user)
		}
		if wantParams, gotParams := want.UriParams.String(), got.UriParams.String(); wantParams != gotParams {
			t.Fatalf("%q -> %q: parameters %q, want %q", number, target, gotParams, wantParams)
		}
	})
}
