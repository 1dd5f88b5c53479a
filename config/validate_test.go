package config

import (
	"time"

	"strings"
	"testing"

	"github.com/ringd/ringd/engine"
)

// A destination that leaves ringd needs its service configured.
func TestDestinationNeedsService(t *testing.T) {
	group := func(dest string) string {
		return minimal + `  - { number: "6001", name: B, strategy: ring_all, members: [{ extension: "1001" }], on_no_answer: ` + dest + ` }
`
	}
	cases := []struct {
		dest, services string
		want           []string
	}{
		{`{ dest: ext_vm, value: "1001" }`, "", []string{`ring_groups[1].on_no_answer.dest: services.ext_vm is not configured`}},
		{`{ dest: external_num, value: "5551234" }`, "", []string{`ring_groups[1].on_no_answer.dest: services.trunk is not configured`}},
		{`{ dest: queue, value: sales }`, `services: { ext_vm: "sip:vm-{value}@127.0.0.1:5090" }`,
			[]string{`ring_groups[1].on_no_answer.dest: services.queue is not configured`}},
		{`{ dest: IVR, value: main }`, `services: { ivr: "sip:ivr-{value}@127.0.0.1:5090" }`, nil},
		{`{ dest: external_num, value: "5551234", prefix: "0" }`, `services: { trunk: "sips:{number}@trunk.example.com" }`, nil},
		{`{ dest: extension, value: "1002" }`, "", nil},
		{`{ value: "1002" }`, "", []string{`ring_groups[1].on_no_answer.dest: required (end_call, extension, ring_group, external_num, ext_vm, group_vm, ivr, call_flow, queue, play_greeting)`}},
		{`{ dest: ring_group, value: "6001" }`, "", []string{`ring_groups[1].on_no_answer.value: a ring group cannot fail over to itself`}},
	}
	for _, tc := range cases {
		t.Run(tc.dest, func(t *testing.T) { sameLines(t, loadProblems(t, group(tc.dest)+tc.services+"\n"), tc.want) })
	}
	c := mustLoad(t, minimal+`services: { call_flow: "sip:cf-{value}@127.0.0.1" }`)
	if got := c.Services.Template(engine.DestCallFlow); got != "sip:cf-{value}@127.0.0.1" {
		t.Errorf("Template(call_flow) = %q", got)
	}
	if got := c.Services.Template(engine.DestExtension); got != "" {
		t.Errorf("Template(extension) = %q", got)
	}
}

// The server settings: each key alone, valid and not.
func TestServerSettings(t *testing.T) {
	cases := []struct {
		yaml string
		want []string
	}{
		{`sip: { listen: ["udp://[::1]:5061", "udp://pbx.example.com:5060", "TCP://0.0.0.0:5060/", "ws://127.0.0.1:8088/ws", "wss://127.0.0.1:8089"], domain: 192.0.2.1, tls: { cert: CERT, key: KEY } }`, nil},
		{`sip: { listen: ["tls://127.0.0.1:5061"], domain: ringd.local }`, []string{`sip.listen[0]: a tls:// or wss:// listener needs sip.tls.cert and sip.tls.key`}},
		{`sip: { listen: ["tls://127.0.0.1:5061"], domain: ringd.local, tls: { cert: /nonexistent/cert.pem } }`, []string{`sip.tls.key: required (a PEM private key file)`}},
		{`sip: { listen: ["tls://127.0.0.1:5061"], domain: ringd.local, tls: { cert: /nonexistent/c.pem, key: /nonexistent/k.pem } }`, []string{`sip.tls.cert: open /nonexistent/c.pem: no such file or directory`}},
		{`sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local, nat: { keepalive: 30s } }`, nil},
		{`sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local, nat: { keepalive: 20 } }`, nil},
		{`sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local, nat: { keepalive: soon } }`, []string{`sip.nat.keepalive: must be a duration from 0 (off) to 1h, like "30s", got "soon"`}},
		{`services: { trunk: "sip:{number}@127.0.0.1:5080" }
outbound: [{ pattern: "^0[0-9]{6,15}$", strip: 1, dest: trunk }, { pattern: "^9", dest: "sip:{number}@gw.example.com" }]`, nil},
		{`outbound: [{ pattern: "^(0", dest: trunk }, { pattern: "^0", dest: trunk }, { pattern: "^1", dest: "sip:gw", strip: -1 }]`, []string{
			`outbound[0].pattern: must be an RE2 regular expression like "^0[0-9]{6,15}$"`,
			`outbound[1].dest: trunk needs services.trunk`,
			`outbound[2].strip: must be 0-32, got -1`}},
		{`services: { trunk: "sip:{number}@127.0.0.1:5080" }
outbound: [{ pattern: "^0", prefix: "+33*#", dest: trunk }, { pattern: "^9", prefix: "//", dest: trunk }]`, []string{
			`outbound[1].prefix: must be digits or the dial characters + * #, got "//"`}},
		{`sip: { listen: ["udp://:5060"], domain: ringd.local }`, []string{`sip.listen[0]: missing host (0.0.0.0 listens on every interface)`}},
		{`sip: { listen: ["udp://127.0.0.1:0", "127.0.0.1:5060", "udp://bad_host:5060"], domain: "sip:ringd.local" }`, []string{
			`sip.listen[0]: port must be 1-65535, got "0"`,
			`sip.listen[1]: must be a URI like "udp://127.0.0.1:5060", got "127.0.0.1:5060"`,
			`sip.listen[2]: invalid host "bad_host"`,
			`sip.domain: must be a host name like ringd.local or an IP address, got "sip:ringd.local"`}},
		{`sip: { domain: ringd.local }`, []string{`sip.listen: at least one listen URI is required, like "udp://127.0.0.1:5060"`}},
		{`http: { listen: ":8080", tokens: [""], users: [{ username: a, password: b }, { username: a, password: c }, { password: d }] }`, []string{
			`http.tokens[0]: must not be empty`,
			`http.users[1].username: duplicate user "a"`,
			`http.users[2].username: required`}},
		{`store: "memory:"`, nil},
		{`store: "sqlite:/var/lib/ringd/ringd.db"`, nil},
		{`store: "postgres://ringd:pw@db.example.com/ringd?sslmode=disable"`, nil},
		{`store: "sqlite:"`, []string{`store: sqlite: needs a file path, like "sqlite:ringd.db"`}},
		{`store: "postgres:ringd"`, []string{`store: must be a URL like "postgres://user:password@host/db"`}},
		{`store: ringd.db`, []string{`store: unsupported store "ringd.db" (sqlite:PATH, memory: or postgres://...)`}},
		{`services: { trunk: "sip:{value}@h", group_vm: "sip:{value}@h{", queue: "sip:q {value}" }`, []string{
			`services.trunk: must contain {number}, like "sip:{number}@127.0.0.1:5080"`,
			`services.group_vm: unclosed { in "sip:{value}@h{"`,
			`services.queue: must be a bare URI (no spaces, quotes or <>), got "sip:q {value}"`}},
		{`services: { trunk: "sip:{number}@h;user={user}" }`, []string{`services.trunk: unknown placeholder {user} (only {number})`}},
		{`http: { listen: "127.0.0.1:8443", tls: { cert: CERT, key: KEY } }`, nil},
		{`http: { tls: { cert: CERT, key: KEY } }`, []string{`http.tls: needs http.listen (the admin API is off without it)`}},
		{`http: { listen: "127.0.0.1:8443", tls: { cert: CERT } }`, []string{`http.tls.key: required (a PEM private key file)`}},
		{`http: { listen: "127.0.0.1:8443", tls: { cert: /nonexistent/c.pem, key: KEY } }`, []string{`http.tls.cert: open /nonexistent/c.pem: no such file or directory`}},
		{`http: { listen: "127.0.0.1:8443", tls: { cert: CERT, key: KEY, ca: CERT } }`, []string{`http.tls.ca: unknown field (line 8)`}},
		{`sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local, digest_algorithms: [SHA-256, md5] }`, nil},
		{`sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local, digest_algorithms: [SHA-512, MD5, md5] }`, []string{
			`sip.digest_algorithms[0]: must be MD5 or SHA-256, got "SHA-512"`,
			`sip.digest_algorithms[2]: "md5" is listed twice`}},
		{`log: { level: debug, format: text }`, nil},
		{`extensions: [{ number: "1003", contact: "sip:1003@[2001:db8::1]:5070;transport=tcp" }, { number: "1004", contact: "sips:pbx.example.com" },
  { number: "1005", contact: "sip:1005@" }, { number: "1006", contact: "<sip:1006@h>" }, { number: "1007", contact: "sip:1007@h:99999" }]`, []string{
			`extensions[2].contact: has no valid host: "sip:1005@"`,
			`extensions[3].contact: must be a sip: or sips: URI, got "<sip:1006@h>"`,
			`extensions[4].contact: port must be 1-65535, got "99999"`}},
	}
	cert, key := testCert(t)
	for _, tc := range cases {
		t.Run(tc.yaml, func(t *testing.T) {
			tc.yaml = strings.NewReplacer("CERT", cert, "KEY", key).Replace(tc.yaml)
			text := minimal + tc.yaml + "\n"
			switch {
			case strings.HasPrefix(tc.yaml, "sip:"):
				text = strings.Replace(minimal, `sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local }`, tc.yaml, 1)
			case strings.HasPrefix(tc.yaml, "extensions:"):
				text = `sip: { listen: ["udp://127.0.0.1:5060"], domain: ringd.local }` + "\n" + tc.yaml + "\n"
			}
			sameLines(t, loadProblems(t, text), tc.want)
		})
	}
}

func TestSchedules(t *testing.T) {
	got := loadProblems(t, minimal+`schedules:
  - { name: office, type: business_hours, timezone: Europe/Paris, weekly: ["mon-fri 09:00-12:00,13:00-17:00", "SAT 10:00-24:00", "fri-mon 00:00-01:00"] }
  - { name: xmas, type: holidays, timezone: America/New_York, dates: ["2026-12-24..2026-12-26", "2026-12-31"] }
  - { name: office, type: holidays, timezone: Local, weekly: ["mon-fry 09:00-17:00", "mon 09:00-09:00", "mon 9:00-17:00", "mon-fri"],
      dates: ["2026-12-26..2026-12-24", "2026-02-30", "tomorrow", "02-30"] }
  - { type: business_hours }
`)
	sameLines(t, got, []string{
		`schedules[2].name: duplicate schedule "office"`,
		`schedules[2].timezone: unknown time zone "Local"`,
		`schedules[2].weekly[0]: unknown day "fry" (mon, tue, wed, thu, fri, sat, sun)`,
		`schedules[2].weekly[1]: time range "09:00-09:00" is empty`,
		`schedules[2].weekly[2]: times must look like 09:00-17:00, got "9:00-17:00"`,
		`schedules[2].weekly[3]: must look like "mon-fri 09:00-17:00", got "mon-fri"`,
		`schedules[2].dates[0]: date range "2026-12-26..2026-12-24" ends before it starts`,
		`schedules[2].dates[1]: must be a date or a date range like "2026-12-24..2026-12-26" (or "12-24..12-26" every year), got "2026-02-30"`,
		`schedules[2].dates[2]: must be a date or a date range like "2026-12-24..2026-12-26" (or "12-24..12-26" every year), got "tomorrow"`,
		`schedules[2].dates[3]: must be a date or a date range like "2026-12-24..2026-12-26" (or "12-24..12-26" every year), got "02-30"`,
		`schedules[3]: needs weekly or dates ranges`,
		`schedules[3].name: required`,
		`schedules[3].timezone: required (an IANA time zone like Europe/Paris)`,
	})

	w, msg := parseWeekly("fri-mon 08:30-24:00")
	wantDays := [7]bool{true, true, false, false, false, true, true}
	if msg != "" || w.days != wantDays || len(w.spans) != 1 || w.spans[0] != (span{510, 1440}) {
		t.Errorf("parseWeekly: %+v %q", w, msg)
	}

	// A ring group may name only a schedule that exists.
	ok := minimal + `  - { number: "6001", name: B, strategy: ring_all, members: [{ extension: "1001" }], schedule: office, out_of_schedule: { dest: extension, value: "1002" } }
schedules: [{ name: office, type: business_hours, timezone: UTC, weekly: ["mon-fri 09:00-17:00"] }]
`
	mustLoad(t, ok)
	sameLines(t, loadProblems(t, strings.Replace(ok, "schedule: office", "schedule: shop", 1)), []string{
		`ring_groups[1].schedule: unknown schedule "shop"`})
}

// services.ring_time: how long failover legs and calls through a service
// ring (the engine's ServiceRingTime); unset is the engine's 60 s.
func TestServiceRingTime(t *testing.T) {
	if spec := mustLoad(t, minimal+`services: { ring_time: 25, trunk: "sip:{number}@127.0.0.1:5080" }`).Spec(); spec.ServiceRingTime != 25*time.Second ||
		spec.Services[engine.DestExternalNum] != "sip:{number}@127.0.0.1:5080" {
		t.Errorf("spec ring time %v, services %v", spec.ServiceRingTime, spec.Services)
	}
	if spec := mustLoad(t, minimal).Spec(); spec.ServiceRingTime != 0 || len(spec.Services) != 0 {
		t.Errorf("unset: spec ring time %v, services %v", spec.ServiceRingTime, spec.Services)
	}
	for _, bad := range []string{"601", "-1"} {
		sameLines(t, loadProblems(t, minimal+`services: { ring_time: `+bad+` }`+"\n"),
			[]string{"services.ring_time: must be 1-600 s (0 or unset: 60), got " + bad + "s"})
	}
}

// The group options of SPEC §11 in the file: cid_name_prefix,
// answered_elsewhere, repeats, weight, wrap_up, reject_cooldown - defaults
// and limits.
func TestCIDNamePrefixAndAnsweredElsewhere(t *testing.T) {
	text := strings.Replace(minimal, `{ number: "6000", name: Sales, strategy: ring_all, members: [{ extension: "1001" }] }`,
		`{ number: "6000", name: Sales, strategy: ring_all, members: [{ extension: "1001" }], cid_name_prefix: "Sales: " }
  - { number: "6001", name: Quiet, strategy: ring_all, members: [{ extension: "1001" }], answered_elsewhere: false }
  - { number: "6002", name: Long, strategy: ring_all, members: [{ extension: "1001" }], cid_name_prefix: "A very long prefix!" }
  - { number: "6003", name: Quote, strategy: ring_all, members: [{ extension: "1001" }], cid_name_prefix: "say \"hi\"" }
  - { number: "6004", name: Again, strategy: weighted_hunt, members: [{ extension: "1001", weight: 101 }], repeats: 11 }
  - { number: "6005", name: Rest, strategy: ring_all, members: [{ extension: "1001" }], wrap_up: 3601, reject_cooldown: -1 }
  - { number: "6006", name: Memory, strategy: memory_hunt, members: [{ extension: "1001", delay: 5 }] }`, 1)
	sameLines(t, loadProblems(t, text), []string{
		`ring_groups[2].cid_name_prefix: must be at most 16 characters, without quotes, backslashes or control characters`,
		`ring_groups[3].cid_name_prefix: must be at most 16 characters, without quotes, backslashes or control characters`,
		`ring_groups[4].repeats: must be 0-10, got 11`,
		`ring_groups[4].members[0].weight: must be 1-100, got 101`,
		`ring_groups[5].wrap_up: must be 0-3600 s, got 3601s`,
		`ring_groups[5].reject_cooldown: must be 0-3600 s, got -1s`,
		`ring_groups[6].members: memory_hunt takes no delay or timeout (its members ring one ring_time after another and keep ringing)`,
	})
	cfg, err := Parse([]byte(strings.Split(text, "  - { number: \"6002\"")[0]))
	if err != nil {
		t.Fatal(err)
	}
	if g := cfg.RingGroups[0]; !g.AnsweredElsewhere || g.CIDNamePrefix != "Sales: " {
		t.Errorf("6000: %+v; want answered_elsewhere true by default", g)
	}
	if cfg.RingGroups[1].AnsweredElsewhere {
		t.Error("6001: answered_elsewhere: false not kept")
	}
}

// paging_headers: an RE2 User-Agent pattern and "Name: value" headers that
// ringd does not write itself.
func TestPagingHeadersChecks(t *testing.T) {
	text := minimal + `paging_headers:
  - { user_agent: "(?i)polycom", headers: ["Alert-Info: Auto Answer"] }
  - { user_agent: "(?i)snom(", headers: ["Call-Info: <sip:x>;answer-after=0"] }
  - { user_agent: "cisco", headers: ["Call-Info answer-after=0"] }
  - { user_agent: "fanvil", headers: ["Call-Info: <sip:x>;answer-after=0", "Contact: <sip:evil@example.com>"] }
`
	sameLines(t, loadProblems(t, text), []string{
		`paging_headers[1].user_agent: must be an RE2 regular expression like "(?i)polycom"`,
		`paging_headers[2].headers[0]: must be "Name: value", like "Alert-Info: <http://www.notused>;info=alert-autoanswer"`,
		`paging_headers[3].headers[1]: Contact is ringd's own on a page's legs`,
	})
	cfg, err := Parse([]byte(minimal + "paging_headers: [{ user_agent: \"(?i)polycom\", headers: [\"Alert-Info: Auto Answer\"] }]\n"))
	if err != nil {
		t.Fatal(err)
	}
	rules := cfg.PagingRules()
	if len(rules) != 1 || !rules[0].UserAgent.MatchString("PolycomVVX-VVX_450") || rules[0].Headers[0] != [2]string{"Alert-Info", "Auto Answer"} {
		t.Errorf("rules %+v", rules)
	}
}
