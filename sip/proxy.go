package sip

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/engine"
)

// proxyCall relays a caller's INVITE to a set of targets as a plain forking
// proxy, outside the engine: a call to an extension (all its contacts), or
// a failover destination (an extension, the trunk, a service URI).
type proxyCall struct {
	s         *Server
	req       *sip.Request
	tx        sip.ServerTransaction
	calleeExt string
	callerExt string
	f         *fork
	timer     *time.Timer

	mu    sync.Mutex
	final bool
	done  chan struct{} // closed once the caller has its final response

	// A step of a sequential ring: when nobody answers in time, or every
	// branch fails, the step is over (next is closed) and the caller gets
	// no response from it; the next step rings.
	step bool
	over bool
	next chan struct{}
}

// proxyTo starts relaying req to targets. extra headers go on every branch;
// with no answer within ringFor the branches are cancelled and the caller
// gets 480.
func (s *Server) proxyTo(req *sip.Request, tx sip.ServerTransaction, targets []sip.Uri, extra []sip.Header, calleeExt, callerExt string, ringFor time.Duration) *proxyCall {
	return s.startProxy(req, tx, targets, extra, calleeExt, callerExt, ringFor, false)
}

// startProxy is proxyTo, or with step one step of a sequential ring.
func (s *Server) startProxy(req *sip.Request, tx sip.ServerTransaction, targets []sip.Uri, extra []sip.Header, calleeExt, callerExt string, ringFor time.Duration, step bool) *proxyCall {
	p := &proxyCall{s: s, req: req, tx: tx, calleeExt: calleeExt, callerExt: callerExt, done: make(chan struct{}),
		step: step, next: make(chan struct{})}
	reqs := make([]*sip.Request, 0, len(targets))
	for _, t := range targets {
		hs := make([]sip.Header, len(extra))
		for i, h := range extra {
			hs[i] = sip.HeaderClone(h)
		}
		reqs = append(reqs, s.forward(req, t, true, nil, hs))
	}
	p.mu.Lock() // branch goroutines may answer before the timer is set
	p.f = s.startFork(reqs, p)
	p.timer = time.AfterFunc(ringFor, func() {
		p.f.cancel("")
		if p.step {
			p.stepOver()
		} else {
			p.respond(480)
		}
	})
	p.mu.Unlock()
	if !tx.OnCancel(func(*sip.Request) { s.metrics.cancelAnswered(); p.f.cancel(""); p.finish() }) {
		s.metrics.cancelAnswered()
		p.f.cancel("") // the caller cancelled already
		p.finish()
	}
	return p
}

// wait blocks until the caller has its final response or its transaction ended.
func (p *proxyCall) wait() {
	select {
	case <-p.done:
	case <-p.tx.Done():
		p.f.cancel("")
	}
}

// finish marks the caller's transaction as answered; it reports whether
// this call did it.
func (p *proxyCall) finish() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.final {
		return false
	}
	p.final = true
	p.timer.Stop()
	close(p.done)
	return true
}

// stepOver ends a sequential-ring step that nobody answered.
func (p *proxyCall) stepOver() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.final || p.over {
		return
	}
	p.over = true
	p.timer.Stop()
	close(p.next)
}

// waitStep blocks until the step is answered or the caller is gone (true:
// the call is over) or nobody answered it (false: ring the next one).
func (p *proxyCall) waitStep() bool {
	select {
	case <-p.done:
		return true
	case <-p.next:
		return false
	case <-p.tx.Done():
		p.f.cancel("")
		return true
	}
}

func (p *proxyCall) respond(code int) {
	if p.finish() {
		p.s.respond(p.tx, p.req, code, reasonPhrase(code))
	}
}

func (p *proxyCall) provisional(_ *fork, res *sip.Response) {
	p.mu.Lock()
	final := p.final
	p.mu.Unlock()
	if !final {
		_ = p.s.reply(p.tx, upstream(res, p.req, false))
	}
}

func (p *proxyCall) answered(f *fork, _ *branch, res *sip.Response) {
	if !p.finish() {
		f.releaseWinner()
		return
	}
	// Busy first: a call placed right after this 2xx must see both ends busy.
	p.s.memberChanged(p.s.dialogs.add(callID(p.req), p.calleeExt, p.callerExt)...)
	_ = p.s.reply(p.tx, upstream(res, p.req, false))
}

func (p *proxyCall) failed(_ *fork, code int) {
	if p.step {
		p.stepOver()
		return
	}
	if code == 408 {
		code = 480 // nobody answered in time: unavailable, not a protocol timeout
	}
	p.respond(code)
}

func (p *proxyCall) retransmitted(_ *fork, res *sip.Response) {
	_ = p.s.reply(p.tx, upstream(res, p.req, false))
}

// callExtension is INVITE to an extension number: fork to all its contacts.
func (s *Server) callExtension(req *sip.Request, tx sip.ServerTransaction, ext, callerExt string, extra []sip.Header) {
	st := s.settings.Load()
	if e, ok := st.Extensions[ext]; ok && e.DND {
		s.respond(tx, req, 486, "Busy Here")
		return
	}
	if seq := s.seqRingFor(req, ext); seq != nil {
		s.sequentialRing(req, tx, ext, callerExt, extra, seq)
		return
	}
	contacts := s.loc.Contacts(ext, time.Now())
	if _, vm := voicemail(st, ext); vm {
		// With a voicemail service, a call nobody takes (no contact, no
		// answer in time, every device refusing) goes there.
		if len(contacts) > 0 && s.startProxy(req, tx, contacts, extra, ext, callerExt, st.ExtensionRingTime, true).waitStep() {
			return
		}
		s.toVoicemail(req, tx, ext, callerExt, extra)
		return
	}
	if len(contacts) == 0 {
		s.respond(tx, req, 480, "Temporarily Unavailable")
		return
	}
	s.proxyTo(req, tx, contacts, extra, ext, callerExt, st.ExtensionRingTime).wait()
}

// voicemail is the extension's voicemail URI (services.ext_vm with
// {value} = the extension number), if the service is configured.
func voicemail(st *Settings, ext string) (sip.Uri, bool) {
	return expand(st.Services["ext_vm"], "{value}", ext)
}

// toVoicemail proxies an unanswered call to the extension's voicemail,
// with Diversion naming the extension (reason no-answer) before any
// Diversion the call already had.
func (s *Server) toVoicemail(req *sip.Request, tx sip.ServerTransaction, ext, callerExt string, extra []sip.Header) {
	st := s.settings.Load()
	vm, _ := voicemail(st, ext)
	hs := append([]sip.Header{sip.NewHeader(engine.HeaderDiversion, "<sip:"+ext+"@"+st.Domain+">;reason=no-answer")}, extra...)
	s.proxyTo(req, tx, []sip.Uri{vm}, hs, "", callerExt, st.ExtensionRingTime).wait()
}

// failover carries out a destination the engine hands over (Dest.Proxied):
// the caller is proxied there with the Diversion header; the engine is done
// with the call.
func (d *driver) failover(gc *groupCall, a *engine.Action) {
	st := d.s.settings.Load()
	diversion := sip.NewHeader(engine.HeaderDiversion, a.Diversion)
	var target sip.Uri
	switch t := a.Dest.Type; {
	case t == engine.DestExtension:
		gc.final = true // the proxy answers the caller from here on
		ext := a.Dest.Value
		go func() {
			defer gc.release()
			d.s.callExtension(gc.req, gc.tx, ext, gc.callerExt, []sip.Header{diversion})
		}()
		return
	case t == engine.DestExternalNum:
		target, _ = expand(st.Services["trunk"], "{number}", a.Dest.Number)
	case t.Service():
		target, _ = expand(st.Services[t.String()], "{value}", a.Dest.Value)
	}
	if target.Host == "" {
		d.s.respond(gc.tx, gc.req, 480, "Temporarily Unavailable")
		gc.finish()
		return
	}
	gc.final = true
	go func() {
		defer gc.release()
		d.s.proxyTo(gc.req, gc.tx, []sip.Uri{target}, []sip.Header{diversion}, "", gc.callerExt, st.ExtensionRingTime).wait()
	}()
}

// expand fills a services URI template.
func expand(template, placeholder, value string) (sip.Uri, bool) {
	var u sip.Uri
	if template == "" {
		return u, false
	}
	if err := sip.ParseUri(strings.ReplaceAll(template, placeholder, value), &u); err != nil {
		return sip.Uri{}, false
	}
	return u, true
}

func itoa(n int) string { return strconv.Itoa(n) }
