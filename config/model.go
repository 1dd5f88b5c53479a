package config

// The model of ringd.yaml (SPEC §6). Field order is the order a file is
// expected to follow; problems are sorted by it. The tag `alias` lists other
// accepted names of a key (the ones other PBX products use).

// Config is a whole config file.
type Config struct {
	SIP             SIPConfig        `yaml:"sip" json:"sip"`
	HTTP            HTTPConfig       `yaml:"http,omitempty" json:"http,omitempty"`
	Store           string           `yaml:"store,omitempty" json:"store,omitempty"` // sqlite:PATH | memory: | postgres://...; "" means DefaultStore
	Cluster         *ClusterConfig   `yaml:"cluster,omitempty" json:"cluster,omitempty"`
	PromptsDir      string           `yaml:"prompts_dir,omitempty" json:"prompts_dir,omitempty"` // "" means DefaultPromptsDir
	Media           MediaConfig      `yaml:"media,omitempty" json:"media,omitempty"`
	Services        Services         `yaml:"services,omitempty" json:"services,omitempty"`
	Log             LogConfig        `yaml:"log,omitempty" json:"log,omitempty"`
	Extensions      []Extension      `yaml:"extensions,omitempty" json:"extensions,omitempty"`
	ExtensionGroups []ExtensionGroup `yaml:"extension_groups,omitempty" json:"extension_groups,omitempty"`
	RingGroups      []RingGroup      `yaml:"ring_groups,omitempty" json:"ring_groups,omitempty"`
	Schedules       []Schedule       `yaml:"schedules,omitempty" json:"schedules,omitempty"`
	Outbound        []OutboundRule   `yaml:"outbound,omitempty" json:"outbound,omitempty"`
	PagingHeaders   []PagingHeaders  `yaml:"paging_headers,omitempty" json:"paging_headers,omitempty"`
	FeatureCodes    *FeatureCodes    `yaml:"feature_codes,omitempty" json:"feature_codes,omitempty"`

	// Sequential ring settings and criteria live in the store (the admin
	// API manages them); the running configuration carries them here.
	SequentialRings []SequentialRing `yaml:"-" json:"-"`
	Criteria        []Criterion      `yaml:"-" json:"-"`

	// written maps the native path of a key the file spelled with an alias
	// ("ring_groups[0].ring_time") to the path as written
	// ("ring_groups[0].ring_timeout"), so problems use the file's own terms.
	written map[string]string
}

// DefaultStore is the store used when the file names none (SPEC §6, §7).
const DefaultStore = "sqlite:ringd.db"

// DefaultPromptsDir is where prompt files are looked up when the file names
// no prompts_dir: relative to ringd's working directory.
const DefaultPromptsDir = "prompts"

// MediaConfig is the media section: the UDP ports ringd's own RTP streams
// (prompts, play_greeting, paging) use. Zero values mean the defaults.
type MediaConfig struct {
	RTPPortMin int `yaml:"rtp_port_min,omitempty" json:"rtp_port_min,omitempty"`
	RTPPortMax int `yaml:"rtp_port_max,omitempty" json:"rtp_port_max,omitempty"`
}

// Default RTP port range of the media section.
const (
	DefaultRTPPortMin = 10000
	DefaultRTPPortMax = 20000
)

// RTPPorts returns the configured RTP port range, defaults applied.
func (m MediaConfig) RTPPorts() (lo, hi int) {
	lo, hi = m.RTPPortMin, m.RTPPortMax
	if lo == 0 {
		lo = DefaultRTPPortMin
	}
	if hi == 0 {
		hi = DefaultRTPPortMax
	}
	return lo, hi
}

// Prompts returns prompts_dir with its default applied.
func (c *Config) Prompts() string {
	if c.PromptsDir == "" {
		return DefaultPromptsDir
	}
	return c.PromptsDir
}

// SIPConfig is the sip section.
type SIPConfig struct {
	Listen  []string `yaml:"listen" json:"listen"`                       // "udp://127.0.0.1:5060", "tcp://...", "tls://..."
	Domain  string   `yaml:"domain" json:"domain"`                       // the one SIP domain ringd serves
	Trusted []string `yaml:"trusted,omitempty" json:"trusted,omitempty"` // CIDRs whose INVITEs need no auth
	// Aliases are more host names (or IPs) served as domain.
	Aliases []string `yaml:"aliases,omitempty" json:"aliases,omitempty"`
	// Protection tunes the flood and scanner protection (on by default).
	Protection Protection `yaml:"protection,omitempty" json:"protection,omitempty"`
	// TLS is the certificate of the tls:// and wss:// listeners.
	TLS *TLSConfig `yaml:"tls,omitempty" json:"tls,omitempty"`
	// NAT tunes how ringd keeps phones behind NAT reachable.
	NAT NATConfig `yaml:"nat,omitempty" json:"nat,omitempty"`
	// DigestAlgorithms are the digest algorithms ringd's challenges offer,
	// in order of preference (MD5, SHA-256; default MD5 alone).
	DigestAlgorithms []string `yaml:"digest_algorithms,omitempty" json:"digest_algorithms,omitempty"`
}

// TLSConfig is sip.tls: PEM files. CA is optional; with VerifyPeers ringd
// checks the certificates of the TLS peers it connects to (against CA,
// else the system's roots) and those phones present.
type TLSConfig struct {
	Cert        string `yaml:"cert" json:"cert"`
	Key         string `yaml:"key" json:"key"`
	CA          string `yaml:"ca,omitempty" json:"ca,omitempty"`
	VerifyPeers bool   `yaml:"verify_peers,omitempty" json:"verify_peers,omitempty"`
}

// NATConfig is sip.nat. Keepalive is a duration ("30s", "1m"; a bare
// number is seconds; "0" or unset: off): how often ringd sends OPTIONS to
// the UDP contacts registered from behind NAT.
type NATConfig struct {
	Keepalive string `yaml:"keepalive,omitempty" json:"keepalive,omitempty"`
}

// PagingHeaders is one entry of paging_headers: the auto-answer headers a
// page's legs carry to the devices whose registered User-Agent matches
// UserAgent (an RE2 regular expression), instead of SPEC §3's Call-Info
// and Alert-Info pair; each header is "Name: value". First match wins.
type PagingHeaders struct {
	UserAgent string   `yaml:"user_agent" json:"user_agent"`
	Headers   []string `yaml:"headers" json:"headers"`
}

// OutboundRule is one entry of outbound: calls from extensions (or
// trusted sources) to a number that is neither a ring group nor an
// extension. Pattern is an RE2 regular expression on the Request-URI
// user; the number loses its first Strip characters, gets Prefix, and goes
// to Dest: "trunk" (services.trunk) or a SIP URI template with {number}.
type OutboundRule struct {
	Pattern string `yaml:"pattern" json:"pattern"`
	Strip   int    `yaml:"strip,omitempty" json:"strip,omitempty"`
	Prefix  string `yaml:"prefix,omitempty" json:"prefix,omitempty"`
	Dest    string `yaml:"dest" json:"dest"`
}

// Protection is sip.protection: ringd's flood and scanner protection. A key
// left out keeps ringd's default (cmd/ringd fills them from
// sip.DefaultProtection: 30 requests per 2 s, a 300 s ban, 10 failed
// authentications per 60 s, the SIPVicious family of User-Agents, 16 KB
// messages); 0 turns a limit off, `scanners: []` drops no User-Agent.
// Sources in sip.trusted are never limited.
type Protection struct {
	Requests     *int      `yaml:"requests,omitempty" json:"requests,omitempty"`           // per source IP per window; 0: no limit
	Window       *int      `yaml:"window,omitempty" json:"window,omitempty"`               // seconds
	Ban          *int      `yaml:"ban,omitempty" json:"ban,omitempty"`                     // seconds
	AuthFailures *int      `yaml:"auth_failures,omitempty" json:"auth_failures,omitempty"` // per source IP per auth_window; 0: never banned for it
	AuthWindow   *int      `yaml:"auth_window,omitempty" json:"auth_window,omitempty"`     // seconds
	Scanners     *[]string `yaml:"scanners,omitempty" json:"scanners,omitempty"`           // User-Agent substrings, any case; nil: the defaults, []: none
	MaxMessage   *int      `yaml:"max_message,omitempty" json:"max_message,omitempty"`     // bytes
	Connections  *int      `yaml:"connections,omitempty" json:"connections,omitempty"`     // TCP/TLS/WS connections per source IP at once; 0: no limit
}

// HTTPConfig is the http section (admin API). An empty Listen turns the API off.
type HTTPConfig struct {
	Listen string     `yaml:"listen,omitempty" json:"listen,omitempty"`
	Tokens []string   `yaml:"tokens,omitempty" json:"tokens,omitempty"` // static bearer tokens
	Users  []HTTPUser `yaml:"users,omitempty" json:"users,omitempty"`   // accounts that may obtain tokens
	// Pprof serves Go's profiles (net/http/pprof) under /debug/pprof/ to
	// holders of a token; off by default.
	Pprof bool `yaml:"pprof,omitempty" json:"pprof,omitempty"`
	// TLS, when set, serves the API and the console over HTTPS only.
	TLS *HTTPTLS `yaml:"tls,omitempty" json:"tls,omitempty"`
}

// HTTPTLS is http.tls: the PEM files of the admin API's certificate chain
// and key (SIGHUP reads them again).
type HTTPTLS struct {
	Cert string `yaml:"cert" json:"cert"`
	Key  string `yaml:"key" json:"key"`
}

// HTTPUser is an admin API account.
type HTTPUser struct {
	Username string `yaml:"username" json:"username"`
	Password string `yaml:"password" json:"password"`
}

// Services are the URI templates of the failover destinations that leave
// ringd: Trunk takes {number}, the others {value}. RingTime is how long a
// failover leg (to an extension, the trunk or a service) and a call
// through a service (voicemail) ring before ringd gives them up, in
// seconds; 0 means 60.
type Services struct {
	RingTime int    `yaml:"ring_time,omitempty" json:"ring_time,omitempty"`
	Trunk    string `yaml:"trunk,omitempty" json:"trunk,omitempty"`
	ExtVM    string `yaml:"ext_vm,omitempty" json:"ext_vm,omitempty"`
	GroupVM  string `yaml:"group_vm,omitempty" json:"group_vm,omitempty"`
	IVR      string `yaml:"ivr,omitempty" json:"ivr,omitempty"`
	CallFlow string `yaml:"call_flow,omitempty" json:"call_flow,omitempty"`
	Queue    string `yaml:"queue,omitempty" json:"queue,omitempty"`
}

// LogConfig is the log section. Empty values leave the choice to the
// program (info, json).
type LogConfig struct {
	Level  string `yaml:"level,omitempty" json:"level,omitempty"`   // debug | info | warn | error
	Format string `yaml:"format,omitempty" json:"format,omitempty"` // json | text
	// SIPTrace logs every SIP message ringd reads and writes (at info, on
	// the "sip" logger). For debugging: it costs on every message.
	SIPTrace bool `yaml:"sip_trace,omitempty" json:"sip_trace,omitempty"`
}

// Extension is a provisioned extension (SPEC §1).
type Extension struct {
	ID       int64  `yaml:"-" json:"id"` // assigned by the store; not part of the file
	Number   string `yaml:"number" json:"number"`
	Name     string `yaml:"name,omitempty" json:"name,omitempty"`
	Password string `yaml:"password,omitempty" json:"password,omitempty"` // SIP digest password
	Contact  string `yaml:"contact,omitempty" json:"contact,omitempty"`   // static SIP URI, for devices that do not REGISTER
	DND      bool   `yaml:"dnd,omitempty" json:"dnd,omitempty"`
	// LoggedOut: the extension left its ring groups (feature code *45):
	// groups pass it over, calls to it still ring.
	LoggedOut bool `yaml:"logged_out,omitempty" json:"logged_out,omitempty"`
}

// ExtensionGroup names a list of extension numbers.
type ExtensionGroup struct {
	ID         int64    `yaml:"-" json:"id"` // assigned by the store; not part of the file
	Name       string   `yaml:"name" json:"name"`
	Extensions []string `yaml:"extensions" json:"extensions"`
}

// RingGroup is a ring group of SPEC §3. Times are whole seconds.
type RingGroup struct {
	ID          int64  `yaml:"-" json:"id"` // assigned by the store; not part of the file
	Number      string `yaml:"number" json:"number"`
	Name        string `yaml:"name" json:"name"`
	Strategy    string `yaml:"strategy" json:"strategy"` // native name or alias, see strategy.ParseKind
	RingTime    int    `yaml:"ring_time" json:"ring_time" alias:"ring_timeout"`
	SkipBusy    bool   `yaml:"skip_busy" json:"skip_busy"` // no omitempty: the default is true
	PAI         bool   `yaml:"pai,omitempty" json:"pai,omitempty"`
	RPID        bool   `yaml:"rpid,omitempty" json:"rpid,omitempty"`
	ToExtension bool   `yaml:"to_extension,omitempty" json:"to_extension,omitempty"`
	AlertInfo   string `yaml:"alert_info,omitempty" json:"alert_info,omitempty"`
	// CIDNamePrefix goes in front of the caller's name on the legs to
	// members (FreePBX's CID name prefix): "Sales: Alice".
	CIDNamePrefix string `yaml:"cid_name_prefix,omitempty" json:"cid_name_prefix,omitempty"`
	// Repeats runs the whole plan this many more times (0-10) before
	// on_no_answer.
	Repeats int `yaml:"repeats,omitempty" json:"repeats,omitempty"`
	// WrapUp (0-3600 s): after a member hangs up a call it answered from
	// this group, it rings for no group for this long.
	WrapUp int `yaml:"wrap_up,omitempty" json:"wrap_up,omitempty"`
	// RejectCooldown (0-3600 s): after a member declines a call of this
	// group, this group does not offer it calls for this long.
	RejectCooldown int `yaml:"reject_cooldown,omitempty" json:"reject_cooldown,omitempty"`
	// AnsweredElsewhere puts Reason "Call completed elsewhere" on the
	// CANCELs of the legs that lost to an answer (phones then log no missed
	// call). No omitempty: the default is true.
	AnsweredElsewhere  bool        `yaml:"answered_elsewhere" json:"answered_elsewhere"`
	Members            []Member    `yaml:"members" json:"members"`
	OnNoAnswer         Destination `yaml:"on_no_answer,omitempty" json:"on_no_answer,omitempty"`
	OnNoAgent          Destination `yaml:"on_no_agent,omitempty" json:"on_no_agent,omitempty"`
	RecordMissed       bool        `yaml:"record_missed,omitempty" json:"record_missed,omitempty" alias:"enb_miss_call"`
	JoinPrompt         string      `yaml:"join_prompt,omitempty" json:"join_prompt,omitempty"`
	PlayFullJoinPrompt bool        `yaml:"play_full_join_prompt,omitempty" json:"play_full_join_prompt,omitempty"`
	WelcomePrompt      string      `yaml:"welcome_prompt,omitempty" json:"welcome_prompt,omitempty"`
	MOH                string      `yaml:"moh,omitempty" json:"moh,omitempty"`
	ClientRingtone     string      `yaml:"client_ringtone,omitempty" json:"client_ringtone,omitempty" alias:"client_unique_ringtone"`
	Schedule           string      `yaml:"schedule,omitempty" json:"schedule,omitempty"` // name of a Schedule
	OutOfSchedule      Destination `yaml:"out_of_schedule,omitempty" json:"out_of_schedule,omitempty"`
}

// Defaults of SPEC §3 that are not the zero value.
const (
	DefaultRingTime          = 20 // seconds
	DefaultSkipBusy          = true
	DefaultAnsweredElsewhere = true
)

// NewRingGroup returns a ring group with the defaults of SPEC §3 applied:
// what a file gets for the keys it leaves out.
func NewRingGroup() RingGroup {
	return RingGroup{RingTime: DefaultRingTime, SkipBusy: DefaultSkipBusy, AnsweredElsewhere: DefaultAnsweredElsewhere}
}

func (g *RingGroup) setDefaults() { *g = NewRingGroup() }

// Member is a ring-group member entry: Extension or ExtGroup.
type Member struct {
	Extension  string `yaml:"extension,omitempty" json:"extension,omitempty"`
	ExtGroup   string `yaml:"ext_group,omitempty" json:"ext_group,omitempty"`
	SkillLevel int    `yaml:"skill_level,omitempty" json:"skill_level,omitempty"` // >= 1; 0 means 1
	Delay      int    `yaml:"delay,omitempty" json:"delay,omitempty"`             // custom: seconds before it rings
	Timeout    int    `yaml:"timeout,omitempty" json:"timeout,omitempty"`         // custom: seconds it rings; 0 means ring_time
	Weight     int    `yaml:"weight,omitempty" json:"weight,omitempty"`           // weighted_hunt: 1-100; 0 means 1
}

// Destination is a failover destination {dest, value, prefix}. The zero
// value is end_call. For play_greeting, Prefix is the repeat count (0-5).
type Destination struct {
	Dest   string `yaml:"dest,omitempty" json:"dest,omitempty"`
	Value  string `yaml:"value,omitempty" json:"value,omitempty"`
	Prefix string `yaml:"prefix,omitempty" json:"prefix,omitempty"`
}

// Schedule is a named set of time ranges (SPEC §1). Validate checks their
// syntax; Spec hands them to the engine as calendars (see calendars).
type Schedule struct {
	ID       int64    `yaml:"-" json:"id"` // assigned by the store; not part of the file
	Name     string   `yaml:"name" json:"name"`
	Type     string   `yaml:"type" json:"type"`                         // business_hours | holidays
	Timezone string   `yaml:"timezone" json:"timezone"`                 // IANA, e.g. Europe/Paris
	Weekly   []string `yaml:"weekly,omitempty" json:"weekly,omitempty"` // "mon-fri 09:00-17:00"
	Dates    []string `yaml:"dates,omitempty" json:"dates,omitempty"`   // "2026-12-24..2026-12-26" or "2026-12-31"
}

// Sequential ring of an extension (SPEC §5). These live in the store and
// are managed through the admin API; the config file does not carry them.

// SequentialRing is an extension's sequential-ring settings.
type SequentialRing struct {
	ID            int64       `yaml:"-" json:"id"`
	Extension     string      `yaml:"extension" json:"extension"`
	Enabled       bool        `yaml:"enabled" json:"enabled"`
	RingBaseFirst bool        `yaml:"ring_base_first" json:"ring_base_first"`
	BaseRingTime  int         `yaml:"base_ring_time" json:"base_ring_time"` // seconds
	Numbers       []SeqNumber `yaml:"numbers" json:"numbers"`               // at most MaxSeqNumbers
}

// SeqNumber is one number rung in sequence.
type SeqNumber struct {
	Number   string `yaml:"number" json:"number"`       // an extension or an external number (via the trunk)
	RingTime int    `yaml:"ring_time" json:"ring_time"` // seconds
}

// MaxSeqNumbers is how many numbers a sequential ring may list.
const MaxSeqNumbers = 5

// Criterion gates an extension's sequential ring (SPEC §5).
type Criterion struct {
	ID                        int64    `yaml:"-" json:"id"`
	Extension                 string   `yaml:"extension" json:"extension"`
	ScheduleName              string   `yaml:"schedule_name,omitempty" json:"schedule_name,omitempty"`
	ScheduleType              string   `yaml:"schedule_type,omitempty" json:"schedule_type,omitempty"`   // business_hours | holidays
	ScheduleLevel             string   `yaml:"schedule_level,omitempty" json:"schedule_level,omitempty"` // GROUP
	CallsFrom                 string   `yaml:"calls_from" json:"calls_from"`                             // ANY_PHONE_NUMBER | SELECT_PHONE_NUMBERS
	AnonymousCallersEnabled   bool     `yaml:"anonymous_callers_enabled" json:"anonymous_callers_enabled"`
	UnavailableCallersEnabled bool     `yaml:"unavailable_callers_enabled" json:"unavailable_callers_enabled"`
	PhoneNumbers              []string `yaml:"phone_numbers,omitempty" json:"phone_numbers,omitempty"`
	RingEnabled               *bool    `yaml:"ring_enabled" json:"ring_enabled"` // required
}
