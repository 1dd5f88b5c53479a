package transport

import "time"

// Protection is the flood and scanner protection of the SIP listeners
// (like Kamailio's pike and a scanner blocklist). Trusted sources (Policy)
// are exempt from its rate limit, bans and scanner screening.
type Protection struct {
	// Requests is how many requests one source IP may send per Window;
	// the one after that starts a ban of Ban. 0 turns the limit off.
	Requests int
	Window   time.Duration
	Ban      time.Duration
	// AuthFailures failed digest checks (wrong password, unknown user) from
	// one source IP within AuthWindow ban it for Ban. 0 turns it off.
	AuthFailures int
	AuthWindow   time.Duration
	// Scanners are User-Agent substrings (lower case) of known scanners:
	// their requests are dropped without a reply. Empty: none dropped.
	Scanners []string
	// MaxMessage is the largest message taken, in bytes (0: no limit of
	// ringd's own).
	MaxMessage int
	// Connections is how many TCP, TLS and WebSocket connections one
	// untrusted source IP may hold at once (0: no limit of its own; all
	// sources together hold at most MaxStreams).
	Connections int
}

// DefaultProtection is what ringd protects itself with unless configured:
// 30 requests in 2 s or 10 failed authentications in 60 s ban a source for
// 300 s; SIPVicious and its kin are dropped; messages over 16 KB refused;
// 64 stream connections per source at once.
func DefaultProtection() Protection {
	return Protection{Requests: 30, Window: 2 * time.Second, Ban: 300 * time.Second,
		AuthFailures: 10, AuthWindow: time.Minute,
		Scanners:   []string{"friendly-scanner", "sipvicious", "sipcli", "vaxsipuseragent", "pplsip"},
		MaxMessage: 16 << 10, Connections: 64}
}

// Ban reasons (ringd_bans_total{reason}).
const (
	banFlood = "flood"
	banAuth  = "auth_failures"
)

// Ban is a source IP banned now (GET /api/v1/bans).
type Ban struct {
	Source string    `json:"source"`
	Reason string    `json:"reason"` // flood | auth_failures
	Until  time.Time `json:"until"`
}
