package proc

import (
	"bytes"
	"os"
	"strconv"
)

// UDPErrors are the host's UDP receive errors (from /proc/net/snmp: every
// process on the machine counts): datagrams dropped because a socket's
// buffer was full.
type UDPErrors struct {
	InErrors     int64 `json:"in_errors"`
	RcvbufErrors int64 `json:"rcvbuf_errors"`
}

// ReadUDPErrors reads the counters (false when /proc/net/snmp is missing).
func ReadUDPErrors() (UDPErrors, bool) {
	b, err := os.ReadFile("/proc/net/snmp")
	if err != nil {
		return UDPErrors{}, false
	}
	var names []string
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		rest, ok := bytes.CutPrefix(line, []byte("Udp: "))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if names == nil {
			for _, n := range f {
				names = append(names, string(n))
			}
			continue
		}
		var u UDPErrors
		for i, v := range f {
			n, _ := strconv.ParseInt(string(v), 10, 64)
			if i < len(names) {
				switch names[i] {
				case "InErrors":
					u.InErrors = n
				case "RcvbufErrors":
					u.RcvbufErrors = n
				}
			}
		}
		return u, true
	}
	return UDPErrors{}, false
}
