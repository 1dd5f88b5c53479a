package sip

import (
	"net/netip"

	"github.com/emiago/sipgo/sip"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/ringd/ringd/sip/media"
	"github.com/ringd/ringd/sip/proxy"
	"github.com/ringd/ringd/sip/transport"
)

// openMedia reads the caller's SDP offer and takes an RTP port. On failure
// it returns the SIP status to answer with: 488 for an offer ringd cannot
// answer (no SDP, no PCMU/PCMA), 503 when no RTP port is free.
func (d *driver) openMedia(req *sip.Request) (*callMedia, int, error) {
	offer, err := media.ParseOffer(req.Body())
	if err != nil {
		return nil, 488, err
	}
	codec := offer.Codecs[0]
	if d.rtp == nil {
		return nil, 503, media.ErrNoPorts
	}
	port, err := d.rtp.Open()
	if err != nil {
		return nil, 503, err
	}
	return &callMedia{port: port, offer: offer, codec: codec, tag: uuid.NewString()[:8]}, 0, nil
}

// mediaSDP is ringd's SDP for this call with the given direction.
func (d *driver) mediaSDP(m *callMedia, transport, dir string) []byte {
	host, _ := d.self.Advertised(transport)
	ip, err := netip.ParseAddr(host)
	if err != nil {
		ip = netip.MustParseAddr("127.0.0.1")
	}
	return media.SDP(ip, m.port.Number(), []media.Codec{m.codec}, dir, uint64(m.port.Number()))
}

// play streams seq then loop to the caller; with over set, the driver
// gets over (an event for c) once seq has been sent.
func (d *driver) play(m *callMedia, seq []*media.Prompt, loop *media.Prompt, over *event) {
	m.stopPlayer()
	var end func()
	if over != nil {
		ev := *over
		end = func() { d.post(ev, always) }
	}
	m.player = media.Play(d.clock, m.port.Conn, m.offer.Addr, m.codec, seq, loop, end)
}

// startEarlyMedia answers a group call with 183 Session Progress and
// ringd's SDP, and plays the group's prompts while members ring; with
// hold, the driver hears when the prompts before the music are over
// (evPromptsOver). It reports false (and logs why) when the caller's
// offer cannot be served: the call then rings without prompts.
func (d *driver) startEarlyMedia(c *call, gm GroupMedia, hold bool) bool {
	m, _, err := d.openMedia(c.req)
	if err != nil {
		d.log.Warn("no prompts for this call", zap.String("call_id", c.callID), zap.Error(err))
		return false
	}
	res := proxy.LocalResponse(d.self, c.req, 183, "Session Progress", m.tag, d.mediaSDP(m, c.req.Transport(), "sendonly"))
	if d.replies.reply(c.tx, res) != nil {
		m.close()
		return false
	}
	c.media = m
	var over *event
	if hold {
		over = &event{kind: evPromptsOver, call: c}
	}
	d.play(m, gm.sequence(), gm.loop(), over)
	return true
}

// openRTP sets up ringd's RTP ports on the address of its first UDP
// listener (or of the first listener when there is no UDP one).
func openRTP(set *Settings, bound []transport.Listener) (*media.Ports, error) {
	ip, found := netip.IPv4Unspecified(), false
	for _, b := range bound {
		if ap, err := netip.ParseAddrPort(b.Addr); err == nil && (!found || b.Network == "udp") {
			ip, found = ap.Addr(), true
			if b.Network == "udp" {
				break
			}
		}
	}
	return media.NewPorts(ip, set.RTPPortMin, set.RTPPortMax)
}
