package sip

import (
	"net/netip"

	"github.com/emiago/sipgo/sip"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/ringd/ringd/sip/media"
)

// GroupMedia is what ringd plays to a ring group's callers while the
// members ring: the welcome prompt, then the join prompt, then music on
// hold over and over. With FullJoin the members start ringing only once
// the welcome and join prompts have been played.
type GroupMedia struct {
	Welcome, Join, MOH *media.Prompt
	FullJoin           bool
}

// plays reports whether the group has anything to play.
func (g GroupMedia) plays() bool { return g.Welcome != nil || g.Join != nil || g.MOH != nil }

// sequence is the prompts played once, in order.
func (g GroupMedia) sequence() []*media.Prompt {
	var seq []*media.Prompt
	for _, p := range []*media.Prompt{g.Welcome, g.Join} {
		if p != nil {
			seq = append(seq, p)
		}
	}
	return seq
}

// callMedia is ringd's own end of a caller's media: one RTP port, the
// caller's offer, the codec chosen, and ringd's To tag for the responses
// it sends itself (183 with early media, 200 for a greeting or a page).
// The driver goroutine owns it; the player and relay run on their own.
type callMedia struct {
	port   *media.Port
	offer  media.Offer
	codec  media.Codec
	tag    string
	player *media.Player
	relay  *media.Relay
}

// openMedia reads the caller's SDP offer and takes an RTP port. On failure
// it returns the SIP status to answer with: 488 for an offer ringd cannot
// answer (no SDP, no PCMU/PCMA), 503 when no RTP port is free.
func (s *Server) openMedia(req *sip.Request) (*callMedia, int, error) {
	offer, err := media.ParseOffer(req.Body())
	if err != nil {
		return nil, 488, err
	}
	codec := offer.Codecs[0]
	if s.rtp == nil {
		return nil, 503, media.ErrNoPorts
	}
	port, err := s.rtp.Open()
	if err != nil {
		return nil, 503, err
	}
	return &callMedia{port: port, offer: offer, codec: codec, tag: uuid.NewString()[:8]}, 0, nil
}

// sdp is ringd's SDP for this call with the given direction.
func (s *Server) mediaSDP(m *callMedia, transport, dir string) []byte {
	host, _ := s.advertised(transport)
	ip, err := netip.ParseAddr(host)
	if err != nil {
		ip = netip.MustParseAddr("127.0.0.1")
	}
	return media.SDP(ip, m.port.Number(), []media.Codec{m.codec}, dir, uint64(m.port.Number()))
}

// play streams seq then loop to the caller; onSeqEnd runs on the driver
// goroutine once seq is over (unless the media was closed first).
func (d *driver) play(m *callMedia, seq []*media.Prompt, loop *media.Prompt, onSeqEnd func()) {
	m.stopPlayer()
	var end func()
	if onSeqEnd != nil {
		end = func() { d.postAsync(onSeqEnd) }
	}
	m.player = media.Play(m.port.Conn, m.offer.Addr, m.codec, seq, loop, end)
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

// localResponse is a response ringd sends as the caller's UAS: its own To
// tag, its Contact, and an SDP body when one is given.
func (s *Server) localResponse(req *sip.Request, code int, reason, tag string, sdp []byte) *sip.Response {
	res := sip.NewResponseFromRequest(req, code, reason, sdp)
	if to := res.To(); to != nil {
		to.Params.Add("tag", tag) // replaces the random one sipgo put there
	}
	if sdp != nil {
		res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	}
	if code < 300 {
		host, port := s.advertised(req.Transport())
		res.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "ringd", Host: host, Port: port}})
	}
	return res
}

// startEarlyMedia answers a group call with 183 Session Progress and
// ringd's SDP, and plays the group's prompts while members ring. It
// reports false (and logs why) when the caller's offer cannot be served:
// the call then rings without prompts.
func (d *driver) startEarlyMedia(gc *groupCall, gm GroupMedia, onSeqEnd func()) bool {
	m, _, err := d.s.openMedia(gc.req)
	if err != nil {
		d.s.log.Warn("no prompts for this call", zap.String("call_id", callID(gc.req)), zap.Error(err))
		return false
	}
	res := d.s.localResponse(gc.req, 183, "Session Progress", m.tag, d.s.mediaSDP(m, gc.req.Transport(), "sendonly"))
	if d.s.reply(gc.tx, res) != nil {
		m.close()
		return false
	}
	gc.media = m
	d.play(m, gm.sequence(), gm.MOH, onSeqEnd)
	return true
}

// stopMedia ends ringd's own media of a group call (a member answered,
// the call failed over or ended).
func (gc *groupCall) stopMedia() {
	if gc.media != nil {
		gc.media.close()
		gc.media = nil
	}
}

// respondCaller sends ringd's own final response to the caller, with
// ringd's To tag when it answered early with media.
func (d *driver) respondCaller(gc *groupCall, code int, hdrs ...sip.Header) {
	if gc.media == nil {
		d.s.respond(gc.tx, gc.req, code, reasonPhrase(code), hdrs...)
	} else {
		res := d.s.localResponse(gc.req, code, reasonPhrase(code), gc.media.tag, nil)
		for _, h := range hdrs {
			res.AppendHeader(h)
		}
		_ = d.s.reply(gc.tx, res)
	}
	gc.stopMedia()
	gc.finish()
}

// uasBye builds the BYE ringd sends as the caller's UAS (a greeting that
// has been played): to the caller's Contact through the route set the
// caller's INVITE recorded (RFC 3261 §12.1.1, §12.2.1.1).
func (s *Server) uasBye(inv *sip.Request, tag string) *sip.Request {
	target := inv.Recipient
	if c := inv.Contact(); c != nil {
		target = c.Address
	}
	r := sip.NewRequest(sip.BYE, *target.Clone())
	tp := uriTransport(target)
	rr := inv.GetHeaders("Record-Route")
	for _, h := range rr {
		if rh, ok := h.(*sip.RecordRouteHeader); ok {
			r.AppendHeader(&sip.RouteHeader{Address: *rh.Address.Clone()})
		}
	}
	if len(rr) > 0 {
		if rh, ok := rr[0].(*sip.RecordRouteHeader); ok {
			tp = uriTransport(rh.Address) // loose routing; strict routers are not supported
		}
	}
	r.PrependHeader(s.via(tp))
	mf := sip.MaxForwardsHeader(70)
	r.AppendHeader(&mf)
	from := &sip.FromHeader{Address: *inv.To().Address.Clone(), DisplayName: inv.To().DisplayName, Params: sip.NewParams()}
	from.Params.Add("tag", tag)
	r.AppendHeader(from)
	to := &sip.ToHeader{Address: *inv.From().Address.Clone(), DisplayName: inv.From().DisplayName, Params: inv.From().Params.Clone()}
	r.AppendHeader(to)
	r.AppendHeader(sip.HeaderClone(inv.CallID()))
	r.AppendHeader(&sip.CSeqHeader{SeqNo: 1, MethodName: sip.BYE})
	r.SetBody(nil)
	r.SetTransport(tp)
	r.Laddr = s.localAddr(tp)
	return r
}

// openRTP sets up ringd's RTP ports on the address of its first UDP
// listener (or of the first listener when there is no UDP one).
func (s *Server) openRTP() error {
	st := s.settings.Load()
	ip, found := netip.IPv4Unspecified(), false
	for _, b := range s.Bound() {
		if ap, err := netip.ParseAddrPort(b.Addr); err == nil && (!found || b.Network == "udp") {
			ip, found = ap.Addr(), true
			if b.Network == "udp" {
				break
			}
		}
	}
	p, err := media.NewPorts(ip, st.RTPPortMin, st.RTPPortMax)
	if err != nil {
		return err
	}
	s.rtp = p
	return nil
}
