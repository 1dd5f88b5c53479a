package transport

import (
	"bytes"
	"hash/fnv"
	"strconv"

	"github.com/ringd/ringd/sip/grammar"
)

// Reading a SIP message's raw bytes before sipgo parses it: what the read
// filter needs to drop a scanner, and to answer a request whose first line
// sipgo cannot parse (sipgo drops those without a word). None of it
// allocates on the path every datagram takes.

// isResponse reports whether a message starts with a status line.
func isResponse(data []byte) bool { return bytes.HasPrefix(data, []byte("SIP/")) }

// eachHeader calls fn with the name and the whole raw line (continuation
// lines included, the final line end excluded) of every header, until fn
// returns false or the header section ends.
func eachHeader(data []byte, fn func(name, line []byte) bool) {
	i := lineEnd(data) // past the start line
	for i < len(data) {
		start, end := i, i+lineEnd(data[i:])
		if len(trimEOL(data[start:end])) == 0 {
			return // the blank line: the body follows
		}
		for end < len(data) && (data[end] == ' ' || data[end] == '\t') { // folded
			end += lineEnd(data[end:])
		}
		i = end
		line := trimEOL(data[start:end])
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			continue
		}
		name := line[:colon]
		for len(name) > 0 && (name[len(name)-1] == ' ' || name[len(name)-1] == '\t') {
			name = name[:len(name)-1]
		}
		if !fn(name, line) {
			return
		}
	}
}

// trimEOL cuts the line end (CR and LF) off a line.
func trimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// lineEnd is the length of the first line of b, its '\n' included.
func lineEnd(b []byte) int {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return i + 1
	}
	return len(b)
}

// scanner reports whether a User-Agent value contains one of the lower-case
// needles, ignoring ASCII case.
func scanner(ua []byte, needles []string) bool {
	for _, n := range needles {
		if containsFold(ua, n) {
			return true
		}
	}
	return false
}

// containsFold is bytes.Contains ignoring ASCII case; needle is lower case.
func containsFold(s []byte, needle string) bool {
	if len(needle) == 0 {
		return false
	}
	for i := 0; i+len(needle) <= len(s); i++ {
		j := 0
		for ; j < len(needle); j++ {
			if lower(s[i+j]) != needle[j] {
				break
			}
		}
		if j == len(needle) {
			return true
		}
	}
	return false
}

func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		if lower(b[i]) != lower(s[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// startLineRefusal judges a request's first line on the points sipgo's
// parser gives up on without a reply: exactly "METHOD SP URI SP VERSION"
// (RFC 3261 §7.1, no extra or trailing whitespace), a method token, a URI
// not in angle brackets and with a scheme. It returns 400 for a malformed
// line, 416 for a URI scheme other than sip or sips, and 0 when the line
// is well-formed (the checks after parsing judge the rest).
func startLineRefusal(data []byte) (int, string) {
	line := data[:lineEnd(data)]
	if !bytes.HasSuffix(line, []byte("\r\n")) {
		return 400, "Bad Request Line"
	}
	line = line[:len(line)-2]
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 <= 0 {
		return 400, "Bad Request Line"
	}
	method, rest := line[:sp1], line[sp1+1:]
	sp2 := bytes.IndexByte(rest, ' ')
	if sp2 <= 0 {
		return 400, "Bad Request Line"
	}
	uri, version := rest[:sp2], rest[sp2+1:]
	if len(version) == 0 || bytes.ContainsAny(version, " \t") || bytes.ContainsAny(uri, "\t<>") {
		return 400, "Bad Request Line"
	}
	for _, c := range method {
		if !grammar.TokenChar(c) {
			return 400, "Bad Method"
		}
	}
	colon := bytes.IndexByte(uri, ':')
	if colon <= 0 || !alpha(uri[0]) {
		return 400, "Bad Request-URI"
	}
	for _, c := range uri[1:colon] {
		if !alpha(c) && !('0' <= c && c <= '9') && c != '+' && c != '-' && c != '.' {
			return 400, "Bad Request-URI"
		}
	}
	if scheme := uri[:colon]; !equalFold(scheme, "sip") && !equalFold(scheme, "sips") {
		return 416, "Unsupported URI Scheme"
	}
	return 0, ""
}

func alpha(c byte) bool { return 'a' <= lower(c) && lower(c) <= 'z' }

// statelessReply builds a response to a request from its raw bytes (RFC
// 3261 §8.2.6): its Via, From, Call-ID and CSeq lines as they are, its To
// line with a tag of ringd's when it has none. nil when one of them is
// missing: such a response could not be matched to the request anyway.
func statelessReply(data []byte, code int, reason string) []byte {
	var vias, from, to, callID, cseq [][]byte
	eachHeader(data, func(name, line []byte) bool {
		switch {
		case equalFold(name, "via"), equalFold(name, "v"):
			vias = append(vias, line)
		case equalFold(name, "from"), equalFold(name, "f"):
			from = append(from, line)
		case equalFold(name, "to"), equalFold(name, "t"):
			to = append(to, line)
		case equalFold(name, "call-id"), equalFold(name, "i"):
			callID = append(callID, line)
		case equalFold(name, "cseq"):
			cseq = append(cseq, line)
		}
		return true
	})
	if len(vias) == 0 || len(from) != 1 || len(to) != 1 || len(callID) != 1 || len(cseq) != 1 {
		return nil
	}
	var b bytes.Buffer
	b.WriteString("SIP/2.0 " + strconv.Itoa(code) + " " + reason + "\r\n")
	for _, v := range vias {
		b.Write(v)
		b.WriteString("\r\n")
	}
	b.Write(from[0])
	b.WriteString("\r\n")
	b.Write(bytes.TrimRight(to[0], " \t"))
	if !containsFold(to[0], ";tag=") {
		h := fnv.New32a()
		h.Write(callID[0])
		b.WriteString(";tag=r" + strconv.FormatUint(uint64(h.Sum32()), 16))
	}
	b.WriteString("\r\n")
	b.Write(callID[0])
	b.WriteString("\r\n")
	b.Write(cseq[0])
	b.WriteString("\r\nServer: ringd\r\nContent-Length: 0\r\n\r\n")
	return b.Bytes()
}
