package transport

import "bytes"

// rawHeaders is what one pass over a UDP request's header lines finds:
// its User-Agent (for the scanner check) and whether a header is one
// sipgo's parser would give up on although a response can be built (RFC
// 4475's invalid messages): a Content-Length that is not a number or
// promises more body than the datagram holds, a CSeq number that is not a
// number or beyond 2^32-1, a From or To with an unbalanced quote or
// whitespace inside its <>, a Via or Contact with empty parameters. Then
// code is 400 with its reason phrase (0 when none of these is wrong: the
// checks after parsing judge the rest).
type rawHeaders struct {
	userAgent []byte
	code      int
	reason    string
}

func readHeaders(data []byte) rawHeaders {
	var h rawHeaders
	body := -1
	if i := bytes.Index(data, []byte("\r\n\r\n")); i >= 0 {
		body = len(data) - i - 4
	}
	eachHeader(data, func(name, line []byte) bool {
		value := bytes.TrimSpace(line[bytes.IndexByte(line, ':')+1:])
		switch {
		case equalFold(name, "user-agent"):
			if h.userAgent == nil {
				h.userAgent = value
			}
		case h.code != 0: // the first bad header is the answer; the User-Agent is still looked for
		case equalFold(name, "content-length"), equalFold(name, "l"):
			n, ok := digits(value)
			if !ok || body >= 0 && n > uint64(body) {
				h.code, h.reason = 400, "Bad Content-Length"
			}
		case equalFold(name, "cseq"):
			num := value
			if i := bytes.IndexAny(value, " \t\r\n"); i >= 0 {
				num = value[:i]
			}
			if _, ok := digits(num); !ok {
				h.code, h.reason = 400, "Bad CSeq"
			}
		case equalFold(name, "from"), equalFold(name, "f"), equalFold(name, "to"), equalFold(name, "t"):
			if !balancedQuotes(value) || spaceInsideBrackets(value) {
				h.code, h.reason = 400, "Bad "+string(name)+" Header"
			}
		case equalFold(name, "via"), equalFold(name, "v"), equalFold(name, "contact"), equalFold(name, "m"):
			if emptyParams(value) {
				h.code, h.reason = 400, "Bad "+string(name)+" Header"
			}
		}
		return true
	})
	return h
}

// digits reads a decimal number of at most 10 digits that fits in 32
// bits; ok is false for anything else (a sign, a space, nothing).
func digits(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, n <= 1<<32-1
}

// balancedQuotes reports whether every quoted string of v ends (a
// backslash escapes the next character inside one).
func balancedQuotes(v []byte) bool {
	quoted := false
	for i := 0; i < len(v); i++ {
		switch {
		case quoted && v[i] == '\\':
			i++
		case v[i] == '"':
			quoted = !quoted
		}
	}
	return !quoted
}

// spaceInsideBrackets reports whether a name-addr has whitespace right
// inside its angle brackets ("< sip:a@b >"), which RFC 3261's grammar has
// no room for.
func spaceInsideBrackets(v []byte) bool {
	quoted := false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '<' && i+1 < len(v) && (v[i+1] == ' ' || v[i+1] == '\t'):
			return true
		case c == '>' && i > 0 && (v[i-1] == ' ' || v[i-1] == '\t'):
			return true
		}
	}
	return false
}

// emptyParams reports whether a header value has an empty parameter or
// list element outside quotes: ";;", ";,", ",," or one of them at its end.
func emptyParams(v []byte) bool {
	quoted, angle := false, 0
	prev := byte(0)
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case quoted && c == '\\':
			i++
			continue
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '<':
			angle++
		case c == '>':
			angle--
		case angle == 0 && (c == ';' || c == ','):
			if prev == ';' || prev == ',' || i == len(v)-1 {
				return true
			}
		}
		if c != ' ' && c != '\t' {
			prev = c
		}
	}
	return false
}
