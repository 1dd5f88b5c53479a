package transport

import (
	"bytes"
	"errors"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// Stream messages are screened before sipgo parses them, as UDP datagrams
// are. Over TCP and TLS the filter cuts the byte stream into whole
// messages itself (RFC 3261 §18.3: the blank line after the headers, then
// Content-Length bytes): sipgo then gets only whole messages, the
// max_message in force applies to each (not the one sipgo read at
// start), and a request with a fault the UDP screen refuses gets its 400
// on the connection, which stays open, instead of sipgo closing it. A
// WebSocket message is one frame (RFC 7118 §5.1), so it is screened as it
// is.

// PartialMessageTimeout is how long a stream may take to bring the rest of
// a message it began: at its next read after that, the connection is
// closed (a message trickled byte by byte holds a buffer no longer).
var PartialMessageTimeout = 30 * time.Second

var (
	// errUnframed ends a connection whose message has no boundary to find
	// (its headers past max_message, its Content-Length missing or not a
	// number): sipgo closes it when its read filter fails.
	errUnframed = errors.New("stream message cannot be framed")
	errSlow     = errors.New("stream message not completed in time")
)

// framer is a connection's message in progress.
type framer struct {
	buf   []byte // the bytes of a message not yet whole
	skip  int    // bytes of a refused message still to come and be discarded
	since int64  // when buf's message began
}

// framers are the stream connections with a message in progress; a
// connection between messages has none.
type framers struct {
	mu sync.Mutex
	m  map[string]*framer
}

func (fs *framers) take(key string) *framer {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fr, ok := fs.m[key]; ok {
		delete(fs.m, key)
		return fr
	}
	return &framer{}
}

func (fs *framers) put(key string, fr *framer) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.m == nil {
		fs.m = map[string]*framer{}
	}
	fs.m[key] = fr
}

// sweep forgets messages in progress older than twice the timeout: their
// connections are gone (a live one is closed at its next read).
func (fs *framers) sweep(now int64) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for k, fr := range fs.m {
		if now-fr.since > 2*int64(PartialMessageTimeout) {
			delete(fs.m, k)
		}
	}
}

func (fs *framers) size() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return len(fs.m)
}

// readStream screens what a TCP or TLS connection delivered: it returns
// the whole, admitted messages among it (in order), keeps an incomplete
// one for the next read, and answers the refused ones.
func (f *Filter) readStream(props sip.TransportReadProps, data []byte, max int) ([]byte, error) {
	key := props.Transport + "|" + props.LocalAddr.String() + "|" + props.RemoteAddr.String()
	fr := f.framers.take(key)
	if fr.buf == nil && fr.skip == 0 && len(data) <= 4 && len(trimEOL(data)) == 0 {
		return data, nil // a keep-alive (RFC 5626 §3.5.1): sipgo answers a ping
	}
	now := f.now()
	if fr.since != 0 && now-fr.since > int64(PartialMessageTimeout) {
		return nil, errSlow
	}
	buf := data
	if fr.buf != nil {
		buf = append(fr.buf, data...)
	}
	if fr.skip > 0 {
		n := min(fr.skip, len(buf))
		buf, fr.skip = buf[n:], fr.skip-n
		if fr.skip > 0 {
			f.framers.put(key, fr)
			return nil, nil
		}
	}
	// buf[from:pos] are admitted bytes not yet in out; out is used only
	// once bytes in the middle are cut (a refused message, blank lines).
	var out []byte
	from, pos := 0, 0
	cut := func(a, b int) {
		if a > from {
			out = append(out, buf[from:a]...)
		}
		from = b
	}
	for pos < len(buf) {
		p := pos
		for p < len(buf) && (buf[p] == '\r' || buf[p] == '\n') { // between messages (RFC 3261 §7.5)
			p++
		}
		if p > pos {
			cut(pos, p)
			pos = p
			continue
		}
		rest := buf[p:]
		head := headerEnd(rest)
		if head < 0 {
			if len(rest) > max {
				f.metrics.Reject("oversize")
				return nil, errUnframed
			}
			break
		}
		size, ok := contentLength(rest[:head])
		if !ok {
			if !isResponse(rest) {
				f.refuse(props, rest[:head], 400, "Missing, Bad or Multiple Content-Length")
			}
			return nil, errUnframed
		}
		total := head + size
		if total > max {
			f.tooLarge(props, rest[:head])
			if total > len(rest) {
				fr.skip = total - len(rest)
				total = len(rest)
			}
			cut(p, p+total)
			pos = p + total
			continue
		}
		if total > len(rest) {
			break
		}
		if msg := rest[:total]; !isResponse(msg) && !f.screenRequest(props, msg) {
			cut(p, p+total)
		}
		pos = p + total
	}
	if pos < len(buf) { // a message begun
		if pos > 0 || fr.since == 0 {
			fr.since = now
		}
		fr.buf = append([]byte(nil), buf[pos:]...)
	} else {
		fr.buf, fr.since = nil, 0
	}
	if fr.skip > 0 && fr.since == 0 {
		fr.since = now
	}
	if fr.buf != nil || fr.skip > 0 {
		f.framers.put(key, fr)
	}
	if out != nil {
		return append(out, buf[from:pos]...), nil
	}
	return buf[from:pos], nil
}

// readFrame screens a WebSocket message (one frame): the max_message in
// force, then the UDP screen's checks; a refused one is answered on the
// connection, which stays open.
func (f *Filter) readFrame(props sip.TransportReadProps, data []byte, max int) []byte {
	if len(data) > max {
		f.tooLarge(props, data)
		return nil
	}
	if len(trimEOL(data)) == 0 || isResponse(data) || f.screenRequest(props, data) {
		return data
	}
	return nil
}

// tooLarge counts a message over max_message and answers a request 513
// (msg holds at least its headers).
func (f *Filter) tooLarge(props sip.TransportReadProps, msg []byte) {
	f.metrics.Reject("oversize")
	if !isResponse(msg) {
		f.answer(props, statelessReply(msg, 513, "Message Too Large"), 513)
	}
}

// screenRequest applies the UDP screen's request-line and header checks
// to a whole stream request, answering a refused one; it reports whether
// the request may go on to sipgo.
func (f *Filter) screenRequest(props sip.TransportReadProps, msg []byte) bool {
	code, reason := refusal(msg, func() *rawHeaders { h := readHeaders(msg); return &h })
	if code == 0 {
		return true
	}
	f.refuse(props, msg, code, reason)
	return false
}

// headerEnd is the length of a message's start line and headers with the
// blank line after them, or -1 when the blank line has not come yet.
func headerEnd(b []byte) int {
	if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
		return i + 4
	}
	return -1
}

// contentLength is the message's Content-Length (or l); ok is false when
// it has none, more than one (sipgo could take another one than the
// filter and see another boundary), or one that is not a number.
func contentLength(head []byte) (n int, ok bool) {
	found := 0
	eachHeader(head, func(name, line []byte) bool {
		if equalFold(name, "content-length") || equalFold(name, "l") {
			v, good := digits(bytes.TrimSpace(line[bytes.IndexByte(line, ':')+1:]))
			n, ok = int(v), good
			found++
		}
		return found < 2
	})
	return n, found == 1 && ok
}
