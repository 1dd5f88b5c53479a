package bench

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// Config is one ringbench run. ParseFlags builds it from the command line;
// tests fill it directly. Zero values of the optional fields get the
// defaults of Defaults.
type Config struct {
	Proxy     string // ringd's SIP address for the members, host:port
	Transport string // how the members reach ringd: udp, tcp, tls or ws

	CallerProxy     string // ringd's SIP address for the caller (default Proxy)
	CallerTransport string // how the caller reaches ringd (default Transport)

	Domain string // SIP domain of From, To and AORs
	Group  string // number dialled

	Members     []string // extension numbers the member agents play
	Register    bool     // members REGISTER (digest) instead of static contacts
	Password    string   // digest password template, {ext} replaced by the number
	Expires     time.Duration
	MemberPorts []int  // UDP port of each member (static contacts; optional with Register)
	LocalIP     string // address the caller and members bind to

	Profile Profile
	MixBy   string // "call" (each INVITE draws) | "member" (each member keeps one)
	Seed    uint64 // random source of mix draws

	Rate        float64       // calls/s, constant (when Ramp is unset)
	RampFrom    float64       // open-loop linear ramp, calls/s at the start ...
	RampTo      float64       // ... and at the end of Duration
	Ramp        bool          // RampFrom/RampTo are in force
	Duration    time.Duration // launch window; 0 with Calls > 0 means no time limit
	Calls       int           // stop after this many calls; 0 means no count limit
	MaxInflight int           // calls due while this many are in flight are aborted (failures)

	Hold           time.Duration // talk time between ACK and BYE
	Caller         string        // From user of the caller
	CallerPassword string        // digest on 407/401 as Caller
	Timeout        time.Duration // INVITE until final response, per call (then CANCEL)

	JSONPath string        // result file ("" = none)
	Quiet    bool          // no progress line, no informational lines
	Interval time.Duration // progress line and timeline sample period
	RingdPID int           // ringd's process id: its CPU time goes into the result (Linux)
	Verbose  bool          // sipgo's warnings and errors to stderr
	CPUProf  string        // write ringbench's own CPU profile here (pprof)

	PrintConfig bool // print the ringd.yaml lines for the static members and stop

	Args []string // the command line, kept in the result
}

// Defaults are the values a zero field takes.
var Defaults = Config{
	Proxy:       "127.0.0.1:5060",
	Transport:   "udp",
	Domain:      "ringd.local",
	Group:       "6000",
	Expires:     600 * time.Second,
	LocalIP:     "127.0.0.1",
	MixBy:       "call",
	Rate:        10,
	MaxInflight: 20000,
	Hold:        time.Second,
	Caller:      "2000",
	Timeout:     32 * time.Second,
	Interval:    time.Second,
	Seed:        1,
}

// withDefaults fills the zero fields and checks the whole config.
func (c Config) withDefaults() (Config, error) {
	d := Defaults
	set := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	set(&c.Proxy, d.Proxy)
	set(&c.Transport, d.Transport)
	set(&c.CallerProxy, c.Proxy)
	set(&c.CallerTransport, c.Transport)
	set(&c.Domain, d.Domain)
	set(&c.Group, d.Group)
	set(&c.LocalIP, d.LocalIP)
	set(&c.MixBy, d.MixBy)
	set(&c.Caller, d.Caller)
	if c.Expires == 0 {
		c.Expires = d.Expires
	}
	if c.Rate == 0 && !c.Ramp {
		c.Rate = d.Rate
	}
	if c.MaxInflight == 0 {
		c.MaxInflight = d.MaxInflight
	}
	if c.Timeout == 0 {
		c.Timeout = d.Timeout
	}
	if c.Interval == 0 {
		c.Interval = d.Interval
	}
	if c.Seed == 0 {
		c.Seed = d.Seed
	}
	if len(c.Profile.Mix) == 0 {
		c.Profile = Profile{Mix: []Weighted{{Behaviour{Kind: Answer}, 1}}}
	}
	return c, c.check()
}

func (c Config) check() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if _, _, err := net.SplitHostPort(c.Proxy); err != nil {
		bad("-proxy %q: want HOST:PORT", c.Proxy)
	}
	if _, _, err := net.SplitHostPort(c.CallerProxy); err != nil {
		bad("-caller-proxy %q: want HOST:PORT", c.CallerProxy)
	}
	for _, e := range []error{checkTransport("-transport", c.Transport), checkTransport("-caller-transport", c.CallerTransport)} {
		if e != nil {
			errs = append(errs, e)
		}
	}
	if c.Transport != "udp" && (!c.Register || len(c.MemberPorts) > 0) {
		bad("-transport %s: members on a stream must -register and take no -member-ports (ringd rings them over their connections)", c.Transport)
	}
	if net.ParseIP(c.LocalIP) == nil {
		bad("-local-ip %q: not an IP address", c.LocalIP)
	}
	if len(c.Members) == 0 {
		bad("-members: at least one member")
	}
	if !c.Register && len(c.MemberPorts) == 0 {
		bad("members need -register or -member-ports (static contacts)")
	}
	if len(c.MemberPorts) > 0 && len(c.MemberPorts) != len(c.Members) {
		bad("-member-ports: %d ports for %d members", len(c.MemberPorts), len(c.Members))
	}
	if c.MixBy != "call" && c.MixBy != "member" {
		bad("-mix-by %q: call or member", c.MixBy)
	}
	if c.Ramp {
		if c.RampFrom < 0 || c.RampTo < 0 || c.RampFrom+c.RampTo == 0 {
			bad("-ramp %g:%g: rates must be >= 0, not both 0", c.RampFrom, c.RampTo)
		}
		if c.Duration <= 0 {
			bad("-ramp needs -duration")
		}
	} else if c.Rate <= 0 {
		bad("-rate must be > 0")
	}
	if c.Duration <= 0 && c.Calls <= 0 {
		bad("need -duration or -calls")
	}
	if c.Calls < 0 || c.Duration < 0 || c.Hold < 0 || c.Timeout < 0 {
		bad("-calls, -duration, -hold and -timeout must not be negative")
	}
	if c.Register && c.Expires < 2*time.Second {
		bad("-expires must be at least 2s")
	}
	if c.Interval <= 0 {
		bad("-interval must be > 0")
	}
	if c.MaxInflight < 1 {
		bad("-max-inflight must be >= 1")
	}
	return errors.Join(errs...)
}

// password is the digest password of ext (the template with {ext} replaced).
func (c Config) password(ext string) string {
	return strings.ReplaceAll(c.Password, "{ext}", ext)
}

// ParseNumbers reads `1001,1002` and ranges `1001-1050` (mixed, comma
// separated); a range keeps the width of its first number (0100-0102).
func ParseNumbers(s string) ([]string, error) {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.ParseUint(lo, 10, 64)
		if !isRange {
			if err1 != nil {
				return nil, fmt.Errorf("%q: not a number", part)
			}
			out = append(out, lo)
			continue
		}
		b, err2 := strconv.ParseUint(hi, 10, 64)
		if err1 != nil || err2 != nil || b < a || b-a >= 100000 {
			return nil, fmt.Errorf("%q: want FROM-TO with FROM <= TO (at most 100000)", part)
		}
		for n := a; n <= b; n++ {
			out = append(out, fmt.Sprintf("%0*d", len(lo), n))
		}
	}
	if len(out) == 0 {
		return nil, errors.New("empty list")
	}
	return out, nil
}

// ParsePorts reads a port list like ParseNumbers. A single port with n > 1
// stands for n consecutive ports from it.
func ParsePorts(s string, n int) ([]int, error) {
	nums, err := ParseNumbers(s)
	if err != nil {
		return nil, err
	}
	var out []int
	for _, v := range nums {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			return nil, fmt.Errorf("port %s out of range", v)
		}
		out = append(out, p)
	}
	if len(out) == 1 && n > 1 {
		for i := 1; i < n; i++ {
			out = append(out, out[0]+i)
		}
		if out[n-1] > 65535 {
			return nil, fmt.Errorf("%d ports from %d go past 65535", n, out[0])
		}
	}
	return out, nil
}
