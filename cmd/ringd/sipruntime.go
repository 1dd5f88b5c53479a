package main

import (
	"github.com/ringd/ringd/config/api"
	"github.com/ringd/ringd/engine/cdr"
	"github.com/ringd/ringd/sip"
	"github.com/ringd/ringd/sip/registrar"
	"github.com/ringd/ringd/strategy"
)

// sipRuntime gives the admin API its view of the SIP side (api.Runtime).
type sipRuntime struct{ srv *sip.Server }

func (r sipRuntime) Calls() []cdr.LiveCall { return r.srv.Calls() }

func (r sipRuntime) Registrations() []api.Registration {
	var out []api.Registration
	for ext, bs := range r.srv.Registrations() {
		for _, b := range bs {
			out = append(out, api.Registration{Extension: ext, Contact: b.Contact.String(), Expires: b.Expires, Source: b.Source,
				Transport: b.Transport, NAT: b.NAT, Path: registrar.FormatPath(b.Path), UserAgent: b.UserAgent})
		}
	}
	return out
}

func (r sipRuntime) Bans() []api.Ban {
	var out []api.Ban
	for _, b := range r.srv.Bans() {
		out = append(out, api.Ban{Source: b.Source, Reason: b.Reason, Until: b.Until})
	}
	return out
}

func (r sipRuntime) Unban(source string) (bool, error) { return r.srv.Unban(source) }

func (r sipRuntime) Members() []api.MemberState {
	var out []api.MemberState
	for ext, st := range r.srv.MemberStates() {
		out = append(out, memberState(ext, st))
	}
	return out
}

// memberState is an extension's line of GET /api/v1/members: a member free
// but in its wrap-up is in wrap_up.
func memberState(ext string, st sip.MemberNow) api.MemberState {
	m := api.MemberState{Extension: ext, State: stateName(st.State)}
	if m.State == "available" && !st.WrapUpUntil.IsZero() {
		until := st.WrapUpUntil.UTC()
		m.State, m.WrapUpUntil = "wrap_up", &until
	}
	return m
}

// stateName is how GET /api/v1/members names a member state.
func stateName(st strategy.MemberState) string {
	switch {
	case st&strategy.Online == 0:
		return "offline"
	case st&strategy.DND != 0:
		return "dnd"
	case st&strategy.LoggedOut != 0:
		return "logged_out"
	case st&strategy.Busy != 0:
		return "on_call"
	}
	return "available"
}
