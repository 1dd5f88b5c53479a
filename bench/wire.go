package bench

import (
	"bytes"
	"strconv"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// Wire counts the SIP messages on ringbench's own sockets and spots
// retransmissions by remembering what went by: a request sent twice with
// the same top Via branch and CSeq is a retransmission, a final response
// received twice (same branch, CSeq and code) a duplicate. Keys are kept
// two generations of 40 s (longer than a transaction's 32 s).
type Wire struct {
	CallerSent      int64 `json:"caller_sent"`
	CallerReceived  int64 `json:"caller_received"`
	MembersSent     int64 `json:"members_sent"`
	MembersReceived int64 `json:"members_received"`
	// Retransmitted: requests the caller had to send again, by method
	// (INVITE and BYE: no answer within T1, 2T1, ...; ACK: sent again for
	// every repeated 200).
	Retransmitted map[string]int64 `json:"caller_retransmitted"`
	// DuplicateFinal: final responses the caller received more than once,
	// by CSeq method (a 200 repeated because the ACK was late, ringd's
	// 4xx/5xx repeated because the ACK was lost).
	DuplicateFinal map[string]int64 `json:"caller_duplicate_final"`
	// MemberRetransReceived: requests ringd had to send the members again.
	MemberRetransReceived map[string]int64 `json:"members_retransmission_received"`
	// MemberResentFinal: final responses members sent again (2xx waiting for the ACK).
	MemberResentFinal map[string]int64 `json:"members_resent_final"`
	// MembersGot: requests the members received (first copies), by method.
	MembersGot map[string]int64 `json:"members_got"`
	// MembersFinal: final responses the members sent (first copies), by
	// CSeq method and code: "INVITE 200", "INVITE 486", "INVITE 487", "BYE 200".
	MembersFinal map[string]int64 `json:"members_final"`
}

// wire is the live, locked side of Wire for one run.
type wire struct {
	mu      sync.Mutex
	w       Wire
	cur     map[string]struct{}
	prev    map[string]struct{}
	rotated time.Time
}

func newWire() *wire {
	return &wire{
		w: Wire{Retransmitted: map[string]int64{}, DuplicateFinal: map[string]int64{},
			MemberRetransReceived: map[string]int64{}, MemberResentFinal: map[string]int64{},
			MembersGot: map[string]int64{}, MembersFinal: map[string]int64{}},
		cur: map[string]struct{}{}, prev: map[string]struct{}{}, rotated: time.Now(),
	}
}

// snapshot copies the counters.
func (w *wire) snapshot() Wire {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.w
	cp := func(m map[string]int64) map[string]int64 {
		o := make(map[string]int64, len(m))
		for k, v := range m {
			o[k] = v
		}
		return o
	}
	c.Retransmitted, c.DuplicateFinal = cp(c.Retransmitted), cp(c.DuplicateFinal)
	c.MemberRetransReceived, c.MemberResentFinal = cp(c.MemberRetransReceived), cp(c.MemberResentFinal)
	c.MembersGot, c.MembersFinal = cp(c.MembersGot), cp(c.MembersFinal)
	return c
}

// again records key and tells whether it was seen before.
func (w *wire) again(key string) bool {
	if now := time.Now(); now.Sub(w.rotated) > 40*time.Second {
		w.prev, w.cur, w.rotated = w.cur, make(map[string]struct{}, len(w.cur)), now
	}
	if _, ok := w.cur[key]; ok {
		return true
	}
	if _, ok := w.prev[key]; ok {
		return true
	}
	w.cur[key] = struct{}{}
	return false
}

// observe counts one message seen on a caller (onMember false) or member socket.
func (w *wire) observe(onMember, sent bool, raw []byte) {
	m, ok := peek(raw)
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case !onMember && sent:
		w.w.CallerSent++
	case !onMember:
		w.w.CallerReceived++
	case sent:
		w.w.MembersSent++
	default:
		w.w.MembersReceived++
	}
	if !ok {
		return
	}
	key := func(tag byte) string {
		return string(tag) + m.branch + "|" + m.cseq + "|" + strconv.Itoa(m.code)
	}
	switch {
	case !onMember && sent && m.request:
		if w.again(key('a')) {
			w.w.Retransmitted[m.method]++
		}
	case !onMember && !sent && m.code >= 200:
		if w.again(key('b')) {
			w.w.DuplicateFinal[m.method]++
		}
	case onMember && !sent && m.request:
		if w.again(key('c')) {
			w.w.MemberRetransReceived[m.method]++
		} else {
			w.w.MembersGot[m.method]++
		}
	case onMember && sent && m.code >= 200:
		if w.again(key('d')) {
			w.w.MemberResentFinal[m.method]++
		} else {
			w.w.MembersFinal[m.method+" "+strconv.Itoa(m.code)]++
		}
	}
}

// sipMsg is what the wire needs of a message.
type sipMsg struct {
	request bool
	method  string // request method, or the CSeq method of a response
	code    int    // responses
	branch  string // top Via branch
	cseq    string // CSeq value
}

// peek reads the start line, the top Via's branch and the CSeq of a raw
// message without parsing the rest.
func peek(raw []byte) (m sipMsg, ok bool) {
	line, rest, _ := bytes.Cut(raw, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	if code, isRes := bytes.CutPrefix(line, []byte("SIP/2.0 ")); isRes {
		if len(code) < 3 {
			return m, false
		}
		m.code, _ = strconv.Atoi(string(code[:3]))
	} else {
		method, _, found := bytes.Cut(line, []byte(" "))
		if !found {
			return m, false
		}
		m.request, m.method = true, string(method)
	}
	for len(rest) > 0 {
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			break // end of headers
		}
		name, value, found := bytes.Cut(line, []byte(":"))
		if !found {
			continue
		}
		name, value = bytes.TrimSpace(name), bytes.TrimSpace(value)
		switch {
		case m.branch == "" && (bytes.EqualFold(name, []byte("via")) || bytes.EqualFold(name, []byte("v"))):
			m.branch = branchOf(value)
		case m.cseq == "" && bytes.EqualFold(name, []byte("cseq")):
			m.cseq = string(value)
			if !m.request {
				if _, meth, ok := bytes.Cut(value, []byte(" ")); ok {
					m.method = string(bytes.TrimSpace(meth))
				}
			}
		}
	}
	return m, m.branch != "" && m.cseq != ""
}

// branchOf returns the branch parameter of the first Via in a Via value.
func branchOf(via []byte) string {
	if i := bytes.IndexByte(via, ','); i >= 0 {
		via = via[:i]
	}
	i := bytes.Index(via, []byte("branch="))
	if i < 0 {
		return ""
	}
	b := via[i+len("branch="):]
	if j := bytes.IndexAny(b, "; \t,"); j >= 0 {
		b = b[:j]
	}
	return string(b)
}

// tap routes sipgo's process-wide trace hook to the wire of the run that
// owns the local address; messages on other sockets are ignored.
type tap struct{ sockets sync.Map } // "ip:port" -> *socket

type socket struct {
	w        *wire
	onMember bool
}

var (
	theTap  tap
	tapOnce sync.Once
)

// installTap turns on sipgo's trace hook once per process. ringbench owns
// its process, so the hook is ours.
func installTap() {
	tapOnce.Do(func() {
		sip.SIPDebugTracer(&theTap)
		sip.SIPDebug = true
	})
}

func (t *tap) add(laddr string, w *wire, onMember bool) {
	t.sockets.Store(laddr, &socket{w: w, onMember: onMember})
}

func (t *tap) remove(laddr string) { t.sockets.Delete(laddr) }

func (t *tap) SIPTraceRead(transport, laddr, raddr string, msg []byte) {
	if s, ok := t.sockets.Load(laddr); ok {
		s.(*socket).w.observe(s.(*socket).onMember, false, msg)
	}
}

func (t *tap) SIPTraceWrite(transport, laddr, raddr string, msg []byte) {
	if s, ok := t.sockets.Load(laddr); ok {
		s.(*socket).w.observe(s.(*socket).onMember, true, msg)
	}
}
