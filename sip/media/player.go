package media

import (
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/pion/rtp"

	"github.com/ringd/ringd/sip/clock"
)

const (
	framePeriod = 20 * time.Millisecond
	// maxLag is how far the player may fall behind its schedule (a
	// stalled process, a suspended VM) before it moves the schedule
	// instead of sending the missed packets in one burst.
	maxLag = 200 * time.Millisecond
)

// Player streams prompts as RTP to one remote address: one packet of 20
// ms every 20 ms, paced against an absolute schedule (start + n×20 ms,
// so no drift accumulates); sequence numbers +1 and timestamps +160 per
// packet from random starts; one random SSRC; the marker bit on the first
// packet only; payload type = the codec.
type Player struct {
	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{}
	err      error // the send error that ended playback; read after done
}

// Play starts a goroutine that sends seq (in order, each prompt once; a
// prompt may appear several times to be played several times; nil entries
// are skipped) and then, if loop is not nil, loop over and over until
// Stop.
//
// onSeqEnd (may be nil) is called once, from the player goroutine, right
// after the last packet of seq has been sent (at once when seq is empty),
// or when sending fails before that: whoever waits for the prompts to end
// must not wait for audio that cannot be sent. It is not called when
// playback is stopped.
//
// Playback ends with Stop, with a send error (see Err), or after the last
// packet of seq when loop is nil; Done is closed when the goroutine has
// exited. conn is only written to; the caller keeps it and closes it.
// Packets are paced by clk.
func Play(clk clock.Clock, conn *net.UDPConn, to netip.AddrPort, c Codec, seq []*Prompt, loop *Prompt, onSeqEnd func()) *Player {
	p := &Player{stop: make(chan struct{}), done: make(chan struct{})}
	s := newStream(clk, conn, to, c, p.stop)
	go p.run(s, c, seq, loop, onSeqEnd)
	return p
}

// Stop ends playback. It does not wait: see Done. Safe to call more than
// once and after playback has ended.
func (p *Player) Stop() { p.stopOnce.Do(func() { close(p.stop) }) }

// Done is closed when the player goroutine has exited.
func (p *Player) Done() <-chan struct{} { return p.done }

// Err is the send error that ended playback, or nil (also while playing).
func (p *Player) Err() error {
	select {
	case <-p.done:
		return p.err
	default:
		return nil
	}
}

func (p *Player) run(s *stream, c Codec, seq []*Prompt, loop *Prompt, onSeqEnd func()) {
	defer close(p.done)
	defer s.timer.Stop()
	for _, pr := range seq {
		if pr != nil && !s.sendAll(pr.Frames(c)) {
			p.err = s.err
			if s.err != nil && onSeqEnd != nil {
				onSeqEnd()
			}
			return
		}
	}
	if onSeqEnd != nil {
		onSeqEnd()
	}
	if loop == nil || len(loop.Frames(c)) == 0 {
		return
	}
	for s.sendAll(loop.Frames(c)) {
	}
	p.err = s.err
}

// stream is the sending state of one player goroutine.
type stream struct {
	clk   clock.Clock
	conn  *net.UDPConn
	to    netip.AddrPort
	stop  <-chan struct{}
	timer clock.Timer
	start time.Time
	n     int // packets sent
	pkt   rtp.Packet
	buf   []byte
	err   error
}

// newStream starts the schedule now: the first packet is due at once.
func newStream(clk clock.Clock, conn *net.UDPConn, to netip.AddrPort, c Codec, stop <-chan struct{}) *stream {
	return &stream{
		clk: clk, conn: conn, to: to, stop: stop, timer: clk.NewTimer(),
		start: clk.Now(),
		pkt: rtp.Packet{Header: rtp.Header{
			Version:        2,
			Marker:         true,
			PayloadType:    uint8(c),
			SequenceNumber: uint16(rand.Uint32()),
			Timestamp:      rand.Uint32(),
			SSRC:           rand.Uint32(),
		}},
		buf: make([]byte, 12+frameSamples),
	}
}

// sendAll sends frames one per 20 ms; false when stopped or failed.
func (s *stream) sendAll(frames [][]byte) bool {
	for _, f := range frames {
		if !s.wait() || !s.send(f) {
			return false
		}
	}
	return true
}

// wait sleeps until packet n is due; false when stopped meanwhile.
func (s *stream) wait() bool {
	due := s.start.Add(time.Duration(s.n) * framePeriod)
	d := due.Sub(s.clk.Now())
	if d <= 0 {
		if -d > maxLag {
			s.start = s.start.Add(-d) // give up on the missed slots
		}
		select {
		case <-s.stop:
			return false
		default:
			return true
		}
	}
	s.timer.Reset(d)
	select {
	case <-s.stop:
		return false
	case <-s.timer.C():
		return true
	}
}

// send sends one frame and advances the header.
func (s *stream) send(frame []byte) bool {
	s.pkt.Payload = frame
	n, err := s.pkt.MarshalTo(s.buf)
	if err == nil {
		_, err = s.conn.WriteToUDPAddrPort(s.buf[:n], s.to)
	}
	if err != nil {
		s.err = err
		return false
	}
	s.n++
	s.pkt.Marker = false
	s.pkt.SequenceNumber++
	s.pkt.Timestamp += frameSamples
	return true
}
