package config

import "testing"

const manyMistakes = `sip:
  listen: ["udp://127.0.0.1:5060", "sctp://127.0.0.1:5060", "tcp://127.0.0.1", "udp://127.0.0.1:5060"]
  trusted: ["10.0.0.0/8", "10.0.0.300/8"]
http:
  listen: "localhost:http"
  users: [{ username: admin }]
store: "mysql://root@db/ringd"
services:
  trunk: "sip:127.0.0.1:5080"
  ext_vm: "http://vm/{value}"
log: { level: verbose, format: xml }
extensions:
  - { number: "1001", name: Alice }
  - { number: "12", password: x }
  - { number: "1003", contact: "tel:+331234" }
  - { number: "1001", password: y }
extension_groups:
  - { name: support, extensions: ["1001", "1009"] }
ring_groups:
  - number: "6000"
    name: Sales
    strategy: ring_all
    ringtime: 20
    members: [{ extension: "1001" }, { extension: "1009" }]
    on_no_answer: { dest: ext_vm, value: "6000" }
  - number: "6001"
    name: Hunt
    strategy: prioritized_hunt
    ring_time: 700
    members: [{ ext_group: nobody, skill_level: 0 }, { extension: "1001", delay: soon }]
    on_no_agent: { dest: voicemail }
    schedule: office
  - number: "6002"
    name: Typo
    strategy: ringall
    members: [{ extension: "1001" }]
    on_no_answer: { dest: play_greeting, value: closed.wav, prefix: twice }
schedules:
  - { name: weekend, type: weekly, timezone: Mars/Olympus, weekly: ["sat-sun 25:00-26:00"] }
`

// Every problem of a badly broken file comes out at once, with its path, in
// file order: decoding, the config layer's checks and the engine's.
func TestManyMistakesAllReported(t *testing.T) {
	sameLines(t, loadProblems(t, manyMistakes), []string{
		`sip.listen[1]: unsupported scheme "sctp" (udp, tcp, tls, ws or wss)`,
		`sip.listen[2]: missing port in "127.0.0.1"`,
		`sip.listen[3]: same address as sip.listen[0]`,
		`sip.domain: required`,
		`sip.trusted[1]: must be a CIDR like 10.0.0.0/8 or an IP address, got "10.0.0.300/8"`,
		`http.listen: port must be 1-65535, got "http"`,
		`http.users[0].password: required`,
		`store: unsupported store type "mysql" (sqlite:PATH, memory: or postgres://...)`,
		`services.trunk: must contain {number}, like "sip:{number}@127.0.0.1:5080"`,
		`services.ext_vm: must be a sip: URI template like "sip:{value}@127.0.0.1:5080", got "http://vm/{value}"`,
		`log.level: must be debug, info, warn or error, got "verbose"`,
		`log.format: must be json or text, got "xml"`,
		`extensions[0].password: required (an extension without a static contact must register)`,
		`extensions[1].number: must be 3-64 digits, got "12"`,
		`extensions[2].contact: must be a sip: or sips: URI, got "tel:+331234"`,
		`extensions[3].number: duplicate extension "1001"`,
		`extension_groups[0].extensions[1]: unknown extension "1009"`,
		`ring_groups[0].members[1].extension: unknown extension "1009"`,
		`ring_groups[0].ringtime: unknown field (line 23)`,
		`ring_groups[1].ring_time: must be 1-600 s, got 700s`,
		`ring_groups[1].members[0].ext_group: unknown extension group "nobody"`,
		`ring_groups[1].members[1].delay: must be a whole number, got "soon" (line 30)`,
		`ring_groups[1].on_no_agent.dest: unknown destination type "voicemail" (end_call, extension, ring_group, external_num, ext_vm, group_vm, ivr, call_flow, queue, play_greeting)`,
		`ring_groups[1].schedule: unknown schedule "office"`,
		`ring_groups[2].strategy: unknown strategy "ringall"`,
		`ring_groups[2].on_no_answer.prefix: repeat count must be a whole number 0-5, got "twice"`,
		`schedules[0].type: must be business_hours or holidays, got "weekly"`,
		`schedules[0].timezone: unknown time zone "Mars/Olympus"`,
		`schedules[0].weekly[0]: times must look like 09:00-17:00, got "25:00-26:00"`,
	})
}
