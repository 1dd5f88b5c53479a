package torture

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// TortureMessage is one RFC 4475 message: its MANIFEST.tsv row and the
// bytes of its file, exactly as they are on disk.
type TortureMessage struct {
	File     string // "zeromf.dat"
	Section  string // "3.3.11"
	Title    string
	Kind     string // "request", "request(REGISTER)", "response"
	Class    string // VALID, INVALID, TRANSACTION, SEMANTIC, SEMANTIC-REJECT, SEMANTIC-ACCEPT, BACKCOMPAT
	Expected string // the RFC's expected behaviour, condensed
	Raw      []byte
}

// LoadTorture reads MANIFEST.tsv in dir and every message it names. The
// files are read at run time and never copied anywhere.
func LoadTorture(dir string) ([]TortureMessage, error) {
	tsv, err := os.ReadFile(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		return nil, err
	}
	var msgs []TortureMessage
	for i, line := range strings.Split(string(tsv), "\n") {
		line = strings.TrimRight(line, "\r")
		if i == 0 || line == "" {
			continue // the header row
		}
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			return nil, fmt.Errorf("MANIFEST.tsv line %d: %d columns, want 6", i+1, len(f))
		}
		m := TortureMessage{File: f[0], Section: f[1], Title: f[2], Kind: f[3], Class: f[4], Expected: f[5]}
		if m.File != filepath.Base(m.File) {
			return nil, fmt.Errorf("MANIFEST.tsv line %d: %q is not a file name", i+1, m.File)
		}
		if m.Raw, err = os.ReadFile(filepath.Join(dir, m.File)); err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	if len(msgs) == 0 {
		return nil, fmt.Errorf("%s: MANIFEST.tsv names no message", dir)
	}
	return msgs, nil
}

// IsResponse reports whether the message is a response (kind "response").
func (m TortureMessage) IsResponse() bool { return strings.HasPrefix(m.Kind, "response") }

// mustNotPass reports whether the message's class is one ringd must never
// answer with 2xx nor hand to a member.
func (m TortureMessage) mustNotPass() bool {
	switch m.Class {
	case "INVALID", "SEMANTIC-REJECT", "TRANSACTION":
		return true
	}
	return false
}

// valid reports whether the message's class is one ringd's request checks
// must let through.
func (m TortureMessage) valid() bool {
	switch m.Class {
	case "VALID", "SEMANTIC-ACCEPT", "BACKCOMPAT", "SEMANTIC":
		return true
	}
	return false
}

// digitsRE finds runs of digits; NamedCodes keeps the status codes among them.
var digitsRE = regexp.MustCompile(`[0-9]+`)

// NamedCodes are the status codes the RFC's expected behaviour names
// ("UAS 501/405", "UDP: 400"): three digits 100-699, not part of an
// address or a number ("255.255.255.255", "2^32-1", "RFC2543").
func (m TortureMessage) NamedCodes() []int {
	var codes []int
	s := m.Expected
	for _, loc := range digitsRE.FindAllStringIndex(s, -1) {
		i, j := loc[0], loc[1]
		if j-i != 3 || i > 0 && strings.ContainsRune(".^", rune(s[i-1])) || j < len(s) && s[j] == '.' {
			continue
		}
		if c, _ := strconv.Atoi(s[i:j]); c >= 100 && c <= 699 {
			codes = append(codes, c)
		}
	}
	return codes
}

// variantUser and variantGroup: a request whose Request-URI is sip:user@...
// is also sent with that user replaced by the ring group the member is in.
const (
	variantUser  = "sip:user@"
	variantGroup = "sip:6000@"
)

// Variant is the message with its Request-URI's "sip:user@" replaced by
// "sip:6000@" on the first line, nothing else changed; ok is false for
// responses and other Request-URIs.
func (m TortureMessage) Variant() (raw []byte, ok bool) {
	if m.IsResponse() {
		return nil, false
	}
	end := bytes.IndexByte(m.Raw, '\n')
	if end < 0 {
		end = len(m.Raw)
	}
	first := m.Raw[:end]
	f := bytes.Fields(first)
	if len(f) < 2 || !bytes.HasPrefix(f[1], []byte(variantUser)) {
		return nil, false
	}
	i := bytes.Index(first, []byte(variantUser))
	out := make([]byte, 0, len(m.Raw))
	out = append(out, m.Raw[:i]...)
	out = append(out, variantGroup...)
	out = append(out, m.Raw[i+len(variantUser):]...)
	return out, true
}

// headerValues returns the values of the header fields called one of
// names (case-insensitive; compact forms are separate names), in order,
// with folded lines unfolded. Only the header section is read.
func headerValues(raw []byte, names ...string) []string {
	head := raw
	if i := bytes.Index(head, []byte("\r\n\r\n")); i >= 0 {
		head = head[:i]
	} else if i := bytes.Index(head, []byte("\n\n")); i >= 0 {
		head = head[:i]
	}
	lines := strings.Split(strings.ReplaceAll(string(head), "\r\n", "\n"), "\n")
	var fields []string // unfolded header fields, the start line left out
	for _, l := range lines[1:] {
		if (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) && len(fields) > 0 {
			fields[len(fields)-1] += " " + strings.TrimSpace(l)
			continue
		}
		fields = append(fields, l)
	}
	var out []string
	for _, f := range fields {
		name, value, ok := strings.Cut(f, ":")
		if !ok {
			continue
		}
		name = strings.TrimSpace(name)
		for _, n := range names {
			if strings.EqualFold(name, n) {
				out = append(out, strings.TrimSpace(value))
				break
			}
		}
	}
	return out
}

// callIDs are the values of the message's Call-ID header fields (a
// torture message may carry two), or "" alone when it has none.
func callIDs(raw []byte) []string {
	if v := headerValues(raw, "Call-ID", "i"); len(v) > 0 {
		return v
	}
	return []string{""}
}

// callID is the message's last Call-ID (sipgo keeps the last of several).
func callID(raw []byte) string {
	ids := callIDs(raw)
	return ids[len(ids)-1]
}

var slashRE = regexp.MustCompile(`\s*/\s*`)

// responsePort is the UDP port ringd (sipgo) answers a request at: the
// port of the top Via's sent-by (5060 when it has none), or the value of
// its rport parameter; an rport without a value means the source port,
// which is the sent-by port here as the runner binds that one.
func responsePort(raw []byte) (int, error) {
	vias := headerValues(raw, "Via", "v")
	if len(vias) == 0 {
		return 5060, nil // no Via: no answer can come; any port will do
	}
	top, _, _ := strings.Cut(vias[0], ",")
	sentBy, params, _ := strings.Cut(top, ";")
	f := strings.Fields(slashRE.ReplaceAllString(sentBy, "/"))
	port := 5060
	if len(f) >= 2 {
		host := f[1]
		if i := strings.LastIndexByte(host, ':'); i >= 0 && i > strings.LastIndexByte(host, ']') {
			p, err := strconv.Atoi(host[i+1:])
			if err != nil || p <= 0 || p > 65535 {
				return 0, fmt.Errorf("top Via %q: bad port", top)
			}
			port = p
		}
	}
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(strings.TrimSpace(k), "rport") {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 && n <= 65535 {
				port = n
			}
		}
	}
	return port, nil
}

// txKey is the key sipgo matches a request to its server transaction by
// (RFC 3261 §17.2.3): the top Via's branch, sent-by host and port and the
// CSeq method (ACK as INVITE); for a branch without the magic cookie
// (RFC 2543) the Call-ID stands for the older rules. Two messages with one
// key sent while the first one's transaction lives are one transaction to
// ringd: the second is taken for a retransmission.
func txKey(raw []byte) string {
	method := ""
	if v := headerValues(raw, "CSeq"); len(v) > 0 {
		if f := strings.Fields(v[0]); len(f) > 0 {
			method = strings.ToUpper(f[len(f)-1])
		}
	}
	if method == "ACK" {
		method = "INVITE"
	}
	vias := headerValues(raw, "Via", "v")
	if len(vias) == 0 {
		return "2543|" + callID(raw)
	}
	top, _, _ := strings.Cut(vias[0], ",")
	sentBy, params, _ := strings.Cut(top, ";")
	branch := ""
	for _, p := range strings.Split(params, ";") {
		if k, v, _ := strings.Cut(p, "="); strings.EqualFold(strings.TrimSpace(k), "branch") {
			branch = strings.TrimSpace(v)
		}
	}
	if !strings.HasPrefix(branch, "z9hG4bK") || branch == "z9hG4bK" {
		return "2543|" + callID(raw)
	}
	host, port := "", "5060"
	if f := strings.Fields(slashRE.ReplaceAllString(sentBy, "/")); len(f) >= 2 {
		if strings.HasSuffix(strings.ToUpper(f[0]), "/TLS") {
			port = "5061" // sipgo's default port of the Via's transport
		}
		host = f[1]
		if i := strings.LastIndexByte(host, ':'); i >= 0 && i > strings.LastIndexByte(host, ']') {
			host, port = host[:i], host[i+1:]
		}
	}
	return branch + "|" + host + "|" + port + "|" + method
}

// statusLine parses "SIP/VERSION CODE REASON" at the start of a message;
// ok is false for requests and anything else.
func statusLine(raw []byte) (version string, code int, reason string, ok bool) {
	line, _, _ := bytes.Cut(raw, []byte("\n"))
	s := strings.TrimRight(string(line), "\r")
	if !strings.HasPrefix(s, "SIP/") {
		return "", 0, "", false
	}
	version, rest, _ := strings.Cut(s, " ")
	num, reason, _ := strings.Cut(rest, " ")
	code, err := strconv.Atoi(num)
	if err != nil || code < 100 || code > 699 {
		return "", 0, "", false
	}
	return version, code, reason, true
}

// requestMethod is the method of a request's first line ("" for a response).
func requestMethod(raw []byte) string {
	if _, _, _, ok := statusLine(raw); ok {
		return ""
	}
	line, _, _ := bytes.Cut(raw, []byte(" "))
	return string(line)
}

// splitStream cuts a TCP byte stream into messages framed by their
// Content-Length (0 when absent); a trailing partial message is returned
// as the last element as it is.
func splitStream(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		b = bytes.TrimLeft(b, "\r\n") // keep-alive CRLFs
		if len(b) == 0 {
			break
		}
		end := bytes.Index(b, []byte("\r\n\r\n"))
		if end < 0 {
			out = append(out, b)
			break
		}
		n := 0
		if v := headerValues(b[:end+4], "Content-Length", "l"); len(v) > 0 {
			n, _ = strconv.Atoi(v[0])
		}
		size := end + 4 + max(n, 0)
		if size > len(b) {
			size = len(b)
		}
		out = append(out, b[:size])
		b = b[size:]
	}
	return out
}
