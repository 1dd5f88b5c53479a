package sip

import (
	"net/netip"
	"sync"

	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/clock"
	"github.com/ringd/ringd/sip/media"
	"github.com/ringd/ringd/sip/proxy"
)

// What the driver keeps of each call. A handler makes a call and hands it
// over (evInvite); from then on only the driver touches it and what hangs
// from it.

// call is the driver's side of one engine call: the caller's INVITE
// transaction, one leg per engine leg, and ringd's own media toward the
// caller.
type call struct {
	id        engine.CallID
	req       *sip.Request
	tx        sip.ServerTransaction
	callID    string
	callerExt string // the calling extension, "" for a trunk or unknown caller
	number    string // the number dialled
	snap      *engine.Snapshot
	group     bool     // a call to a ring group (else to an extension)
	strategy  string   // the dialled group's strategy, for the call's log line
	planned   []string // members planned when they started ringing, for the log line
	legs      []*leg
	media     *callMedia   // ringd's own RTP towards the caller: prompts, a page's relay
	arrived   int64        // driver time the driver took the call (pickup takes the oldest)
	pick      *pickRequest // a picker's INVITE: what it picks up
	confirm   bool         // a feature code that did its work: answer with the tone
	relay     bool         // another cluster node's call for a contact this node holds (peerrelay.go)

	final bool // the caller has its final response (or ringd answered it itself); its transaction is let go
	// over: the caller's CANCEL came (sipgo answered it) or its transaction
	// ended, before the driver saw the call arrive: nothing rings.
	over  bool
	ended bool // the engine ended the call
}

func newCall(req *sip.Request, tx sip.ServerTransaction, number, callerExt string) *call {
	return &call{req: req, tx: tx, callID: proxy.CallID(req), number: number, callerExt: callerExt}
}

// finish marks that the caller has its final response and lets the
// transaction go (once), as sipgo does when a handler returns: it ends when
// its response's timers are done, at once if it never had a final
// response.
func (c *call) finish() {
	if c.final {
		return
	}
	c.final = true
	if t, ok := c.tx.(gracefulTx); ok {
		t.TerminateGracefully()
	}
}

// gracefulTx is what sipgo's server transactions offer beyond the
// interface: end once the final response's retransmission timers are done.
type gracefulTx interface{ TerminateGracefully() }

// stopMedia ends ringd's own media of a call (a member answered, the call
// failed over or ended).
func (c *call) stopMedia() {
	if c.media != nil {
		c.media.close()
		c.media = nil
	}
}

// leg is the driver's side of one engine leg: a fork of INVITEs to every
// contact of an extension, or to one URI.
type leg struct {
	c           *call
	index       int
	ext         string // the extension rung, "" for a leg to a URI
	member      bool   // a ring-group member's leg: counts in ringd_ringing_legs
	counted     bool
	toRewritten bool
	fork        *proxy.Fork
	prov        *sip.Response  // last provisional, for ActForwardProvisional
	answer      *sip.Response  // the 2xx, for ActAnswerCaller / ActJoinPage
	rtp         netip.AddrPort // paging: where the member takes the relayed audio
	left        bool           // paging: the member hung up its leg of the page
	over        bool           // the leg rings no more (answered, failed, cancelled)
	dialog      string         // paging: the Call-ID of ringd's dialog with the member, once it answered
}

// callMedia is ringd's own end of a caller's media: one RTP port, the
// caller's offer, the codec chosen, and ringd's To tag for the responses
// it sends itself (183 with early media, 200 for a greeting or a page).
// The player and relay run on their own goroutines.
type callMedia struct {
	port   *media.Port
	offer  media.Offer
	codec  media.Codec
	tag    string
	player *media.Player
	relay  *media.Relay
}

func (m *callMedia) stopPlayer() {
	if m.player != nil {
		m.player.Stop()
		m.player = nil
	}
}

// close stops whatever plays or relays and gives the port back.
func (m *callMedia) close() {
	if m == nil {
		return
	}
	m.stopPlayer()
	if m.relay != nil {
		m.relay.Close()
		m.relay = nil
	}
	_ = m.port.Close()
}

// greeting is one play_greeting played; its deadline is the wait for the
// caller's ACK.
type greeting struct {
	clock.Deadline
	c     *call
	m     *callMedia
	seq   []*media.Prompt // what to play once the ACK comes
	acked bool            // the caller's ACK came
}

// localDialogs are the Call-IDs of the dialogs ringd itself is an end of
// (pages, greetings): the handlers look them up to hand their ACK and BYE
// to the driver, which alone adds and removes them. Safe for concurrent
// use.
type localDialogs struct{ ids sync.Map }

func (l *localDialogs) add(id string)      { l.ids.Store(id, struct{}{}) }
func (l *localDialogs) remove(id string)   { l.ids.Delete(id) }
func (l *localDialogs) has(id string) bool { _, ok := l.ids.Load(id); return ok }
