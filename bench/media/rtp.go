package media

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pion/rtp"
)

// RTP checks for the SIPp suite (ringbench rtp-listen): SIPp cannot look at
// the RTP it receives, so the suite points the caller's SDP at an
// RTPListener, which receives ringd's prompts, measures them and checks
// them against an RTPWant.

// RTPWant is what a received stream must look like. The zero value of each
// field but PT checks nothing; DefaultRTPWant is ringd's G.711 stream.
type RTPWant struct {
	Min, Max  int           // packet count bounds (Max 0: no upper bound)
	PT        int           // the payload type of every packet; -1: any, but one for all
	Samples   int           // timestamp step and payload bytes per packet (160: 20 ms of G.711)
	Interval  time.Duration // expected mean inter-arrival time
	Tolerance time.Duration // how far the mean may be from Interval
	MaxGap    time.Duration // longest inter-arrival time allowed
}

// DefaultRTPWant: 20 ms G.711 packets (160 bytes, timestamp +160), mean
// inter-arrival 20±2 ms, no gap above 60 ms, any single payload type, at
// least one packet.
var DefaultRTPWant = RTPWant{Min: 1, PT: -1, Samples: 160, Interval: 20 * time.Millisecond,
	Tolerance: 2 * time.Millisecond, MaxGap: 60 * time.Millisecond}

// RTPStats is what an RTPListener measured.
type RTPStats struct {
	Packets int            // RTP version 2 packets
	Invalid int            // datagrams that are not (version 2 RTP)
	From    netip.AddrPort // sender of the first packet
	Senders int            // distinct source addresses

	PTs       map[uint8]int  // packets per payload type
	SSRCs     []uint32       // in order of appearance
	SeqBreaks int            // packets whose sequence number is not their SSRC's previous one + 1
	TSSteps   map[uint32]int // timestamp step from the SSRC's previous packet -> count
	Sizes     map[int]int    // payload bytes -> count
	Markers   int            // packets with the marker bit
	MarkFirst bool           // the first packet has the marker bit

	First, Last time.Time     // arrival of the first and last packet
	MaxGap      time.Duration // longest inter-arrival time

	senders map[netip.AddrPort]bool
	last    map[uint32]rtp.Header // previous header per SSRC
	pkt     rtp.Packet
}

// Add accounts for one datagram from `from`, received at `at`.
func (s *RTPStats) Add(b []byte, from netip.AddrPort, at time.Time) {
	if s.PTs == nil {
		s.PTs, s.TSSteps, s.Sizes = map[uint8]int{}, map[uint32]int{}, map[int]int{}
		s.senders, s.last = map[netip.AddrPort]bool{}, map[uint32]rtp.Header{}
	}
	p := &s.pkt
	if err := p.Unmarshal(b); err != nil || p.Version != 2 {
		s.Invalid++
		return
	}
	if s.Packets == 0 {
		s.From, s.First, s.MarkFirst = from, at, p.Marker
	} else if gap := at.Sub(s.Last); gap > s.MaxGap {
		s.MaxGap = gap
	}
	s.Packets++
	s.Last = at
	if !s.senders[from] {
		s.senders[from] = true
		s.Senders++
	}
	s.PTs[p.PayloadType]++
	s.Sizes[len(p.Payload)]++
	if p.Marker {
		s.Markers++
	}
	if prev, ok := s.last[p.SSRC]; ok {
		if p.SequenceNumber != prev.SequenceNumber+1 {
			s.SeqBreaks++
		}
		s.TSSteps[p.Timestamp-prev.Timestamp]++
	} else {
		s.SSRCs = append(s.SSRCs, p.SSRC)
	}
	s.last[p.SSRC] = rtp.Header{SequenceNumber: p.SequenceNumber, Timestamp: p.Timestamp}
}

// Mean is the mean inter-arrival time (0 below two packets).
func (s *RTPStats) Mean() time.Duration {
	if s.Packets < 2 {
		return 0
	}
	return s.Last.Sub(s.First) / time.Duration(s.Packets-1)
}

// Duration is the time from the first packet's arrival to the last's.
func (s *RTPStats) Duration() time.Duration { return s.Last.Sub(s.First) }

// Check lists how the stream differs from w; nil when it does not.
func (s *RTPStats) Check(w RTPWant) []string {
	var bad []string
	add := func(format string, a ...any) { bad = append(bad, fmt.Sprintf(format, a...)) }
	if s.Invalid > 0 {
		add("%d datagrams are not RTP version 2", s.Invalid)
	}
	if s.Packets < w.Min {
		add("%d packets, want at least %d", s.Packets, w.Min)
	}
	if w.Max > 0 && s.Packets > w.Max {
		add("%d packets, want at most %d", s.Packets, w.Max)
	}
	if s.Packets == 0 {
		return bad
	}
	if s.Senders > 1 {
		add("packets from %d source addresses", s.Senders)
	}
	if len(s.SSRCs) > 1 {
		add("%d SSRCs, want one", len(s.SSRCs))
	}
	if w.PT >= 0 {
		if n := s.Packets - s.PTs[uint8(w.PT)]; n > 0 {
			add("%d packets with a payload type other than %d", n, w.PT)
		}
	} else if len(s.PTs) > 1 {
		add("%d payload types, want one", len(s.PTs))
	}
	if s.SeqBreaks > 0 {
		add("sequence numbers not consecutive %d times", s.SeqBreaks)
	}
	if w.Samples > 0 {
		if n := sumCounts(s.TSSteps) - s.TSSteps[uint32(w.Samples)]; n > 0 {
			add("timestamp step other than %d %d times", w.Samples, n)
		}
		if n := s.Packets - s.Sizes[w.Samples]; n > 0 {
			add("%d payloads not of %d bytes", n, w.Samples)
		}
	}
	if !s.MarkFirst || s.Markers != 1 {
		add("marker bit on %d packets (first: %t), want on the first only", s.Markers, s.MarkFirst)
	}
	if s.Packets >= 2 {
		if m := s.Mean(); w.Interval > 0 && (m < w.Interval-w.Tolerance || m > w.Interval+w.Tolerance) {
			add("mean inter-arrival %s, want %s±%s", msec(m), msec(w.Interval), msec(w.Tolerance))
		}
		if w.MaxGap > 0 && s.MaxGap > w.MaxGap {
			add("inter-arrival up to %s, want at most %s", msec(s.MaxGap), msec(w.MaxGap))
		}
	}
	return bad
}

func sumCounts[K comparable](m map[K]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// msec formats d in milliseconds with one decimal.
func msec(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
}

// Summary is the one-line key=value account of the stream: packets,
// from, pt, ssrcs, seq_breaks, ts_steps, sizes, markers, mean, max_gap,
// duration, and first/last (arrival times, Unix seconds with
// microseconds, for comparing with SIPp's message traces).
func (s *RTPStats) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "packets=%d", s.Packets)
	if s.Invalid > 0 {
		fmt.Fprintf(&b, " invalid=%d", s.Invalid)
	}
	if s.Packets == 0 {
		return b.String()
	}
	fmt.Fprintf(&b, " from=%s", s.From)
	if s.Senders > 1 {
		fmt.Fprintf(&b, "+%d", s.Senders-1)
	}
	fmt.Fprintf(&b, " pt=%s ssrcs=%d seq_breaks=%d ts_steps=%s sizes=%s markers=%d",
		rtpCounts(s.PTs), len(s.SSRCs), s.SeqBreaks, rtpCounts(s.TSSteps), rtpCounts(s.Sizes), s.Markers)
	fmt.Fprintf(&b, " mean=%s max_gap=%s duration=%.3fs first=%s last=%s",
		msec(s.Mean()), msec(s.MaxGap), s.Duration().Seconds(), unixMicro(s.First), unixMicro(s.Last))
	return b.String()
}

// rtpCounts lists a histogram's keys, ascending, with the count in brackets
// when there is more than one key: "160" or "160(74),320(1)".
func rtpCounts[K uint8 | uint32 | int](m map[K]int) string {
	if len(m) == 0 {
		return "-"
	}
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = strconv.FormatUint(uint64(k), 10)
		if len(keys) > 1 {
			parts[i] += "(" + strconv.Itoa(m[k]) + ")"
		}
	}
	return strings.Join(parts, ",")
}

func unixMicro(t time.Time) string {
	us := t.UnixMicro()
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// RTPListener receives RTP on one UDP socket.
type RTPListener struct {
	conn *net.UDPConn
}

// ListenRTP binds addr (host:port; port 0 picks one).
func ListenRTP(addr string) (*RTPListener, error) {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, err
	}
	conn, err := net.ListenUDP("udp", ua)
	if err != nil {
		return nil, err
	}
	return &RTPListener{conn: conn}, nil
}

// Addr is the bound address.
func (l *RTPListener) Addr() netip.AddrPort {
	return l.conn.LocalAddr().(*net.UDPAddr).AddrPort()
}

// Why a Run ended.
const (
	EndIdle        = "idle"        // nothing for `idle` since the last packet
	EndTimeout     = "timeout"     // `limit` passed since the start
	EndInterrupted = "interrupted" // ctx done
)

// Run receives until ctx is done, limit has passed since the start, or
// idle has passed since the last datagram (once one has come); then it
// closes the socket. It returns the stats and why it ended (EndIdle,
// EndTimeout, EndInterrupted); the error is a receive error other than
// these.
func (l *RTPListener) Run(ctx context.Context, limit, idle time.Duration) (*RTPStats, string, error) {
	defer l.conn.Close()
	// A done ctx moves the read deadline to the past; the loop checks ctx
	// after setting its own deadline, so the two cannot cross.
	defer context.AfterFunc(ctx, func() { _ = l.conn.SetReadDeadline(time.Unix(1, 0)) })()
	s := &RTPStats{}
	buf := make([]byte, 64<<10)
	end := time.Now().Add(limit)
	var lastAt time.Time
	for {
		deadline := end
		if !lastAt.IsZero() && lastAt.Add(idle).Before(deadline) {
			deadline = lastAt.Add(idle)
		}
		if err := l.conn.SetReadDeadline(deadline); err != nil {
			return s, "", err
		}
		if ctx.Err() != nil {
			return s, EndInterrupted, nil
		}
		n, from, err := l.conn.ReadFromUDPAddrPort(buf)
		at := time.Now()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			switch {
			case ctx.Err() != nil:
				return s, EndInterrupted, nil
			case !at.Before(end):
				return s, EndTimeout, nil
			case !lastAt.IsZero() && !at.Before(lastAt.Add(idle)):
				return s, EndIdle, nil
			}
			continue
		}
		if err != nil {
			return s, "", err
		}
		s.Add(buf[:n], netip.AddrPortFrom(from.Addr().Unmap(), from.Port()), at)
		lastAt = at
	}
}
