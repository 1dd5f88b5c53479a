package main

import (
	"strings"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip"
	"github.com/ringd/ringd/sip/media"
	"github.com/ringd/ringd/sip/transport"
)

// settings translates the config file into what the SIP side needs.
func settings(cfg *config.Config, snap *engine.Snapshot, prompts *media.Library, setState func(string, sip.StateChange) error) sip.Settings {
	st := sip.Settings{
		Domain:     cfg.SIP.Domain,
		Trusted:    cfg.TrustedPrefixes(),
		Extensions: map[string]sip.Extension{},
		Snapshot:   snap,
		Prompts:    prompts,
		GroupMedia: map[string]sip.GroupMedia{},
		Features:   featureCodes(cfg.FeatureCodes),
		SetState:   setState,
	}
	st.RTPPortMin, st.RTPPortMax = cfg.Media.RTPPorts()
	st.Aliases = cfg.SIP.Aliases
	st.Protection = protection(cfg.SIP.Protection)
	for _, g := range cfg.RingGroups {
		gm := sip.GroupMedia{Welcome: prompts.Get(g.WelcomePrompt), Join: prompts.Get(g.JoinPrompt),
			MOH: prompts.Get(g.MOH), FullJoin: g.PlayFullJoinPrompt}
		if gm.Plays() {
			st.GroupMedia[g.Number] = gm
		}
	}
	for _, l := range cfg.Listeners() {
		st.Listen = append(st.Listen, transport.Listener{Network: l.Network, Addr: l.Addr})
	}
	if t := cfg.SIP.TLS; t != nil {
		st.TLS = &transport.TLSFiles{Cert: t.Cert, Key: t.Key, CA: t.CA, VerifyPeers: t.VerifyPeers}
	}
	st.NATKeepalive = cfg.NATKeepalive()
	for _, a := range cfg.SIP.DigestAlgorithms {
		st.DigestAlgorithms = append(st.DigestAlgorithms, strings.ToUpper(a))
	}
	for _, o := range cfg.OutboundRules() {
		st.Outbound = append(st.Outbound, sip.OutboundRule{Pattern: o.Pattern, Strip: o.Strip, Prefix: o.Prefix, Dest: o.Dest})
	}
	for _, p := range cfg.PagingRules() {
		ph := sip.PagingHeaders{UserAgent: p.UserAgent}
		for _, h := range p.Headers {
			ph.Headers = append(ph.Headers, engine.Header{Name: h[0], Value: h[1]})
		}
		st.PagingHeaders = append(st.PagingHeaders, ph)
	}
	for _, e := range cfg.Extensions {
		st.Extensions[e.Number] = sip.Extension{Password: e.Password, Contact: e.Contact, DND: e.DND, LoggedOut: e.LoggedOut}
	}
	return st
}
