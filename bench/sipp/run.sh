#!/usr/bin/env bash
# SIPp interoperability suite for ringd (SPEC sections 2 and 3).
#
#   bench/sipp/run.sh          every functional case, one line each, then "N passed, N failed"
#   bench/sipp/run.sh load     1,000 calls at 50 calls/s into a 3-member ring_all group
#   bench/sipp/run.sh soak     load + faults, ~13 min: soak_faults soak_changes soak_shutdown soak_kill9 soak_transports
#   bench/sipp/run.sh CASE...  only the named cases (see CASES below)
#
# Each case gets its own ringd (built once from this tree), its own config
# file, its own UDP ports on 127.0.0.1 (15060-15999) and its own directory of
# logs and SIPp traces under one temp dir, printed when something fails.
# The media cases check ringd's RTP with `ringbench rtp-listen` (built once
# too) and write their prompt files with `ringbench tone`.
# Needs: go, sipp (Debian package sip-tester), ss (iproute2), GNU date.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

CASES=(ring_all prioritized_hunt busy busy_ack failover cancel max_forwards nobody_there
	early_media full_join_prompt play_greeting greeting_hangup bad_prompt pickup blf
	sipvicious_blocked sipvicious_unblocked torture)

# Timing knobs, in milliseconds unless named _S (seconds).
ANSWER_MS=300     # ring time of an answering member (uas_answer.xml -d)
TALK_MS=200       # caller talk time before BYE (uac_call.xml -d)
SIPP_TIMEOUT_S=20 # hard limit for every SIPp process (-timeout, -timeout_error)
RTP_IDLE_MS=1000  # rtp-listen stops once no RTP came for this long

# Load knobs (run.sh load).
LOAD_CALLS=${LOAD_CALLS:-1000}
LOAD_RATE=${LOAD_RATE:-50}
LOAD_LIMIT=${LOAD_LIMIT:-200}
LOAD_TALK_MS=${LOAD_TALK_MS:-1000}
# Ring time of each of the 3 members before it answers: the first answers,
# ringd cancels the other two (SPEC: first 2xx wins).
read -ra LOAD_RING_MS <<<"${LOAD_RING_MS:-100 600 1100}"

command -v sipp >/dev/null || { echo "sipp not found: apt-get install sip-tester" >&2; exit 2; }
command -v ss >/dev/null || { echo "ss not found: apt-get install iproute2" >&2; exit 2; }
command -v openssl >/dev/null || { echo "openssl not found: apt-get install openssl" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ringd-sipp.XXXXXX")
RINGD=$WORK/ringd
(cd "$ROOT" && go build -o "$RINGD" ./cmd/ringd) || { echo "FAIL build: go build ./cmd/ringd failed"; exit 1; }
RINGBENCH=$WORK/ringbench
(cd "$ROOT" && go build -o "$RINGBENCH" ./cmd/ringbench) || { echo "FAIL build: go build ./cmd/ringbench failed"; exit 1; }

# --- ports -----------------------------------------------------------------
# Every process gets ports of its own from 15060-15999 on 127.0.0.1; none is
# reused within a run. A SIPp instance takes 6: SIP (P), control (P+1) and
# media (P+2, P+4).
NEXT_PORT=15060
port_busy() { [[ -n "$(ss -Hlnu "sport = :$1")$(ss -Hlnt "sport = :$1")" ]]; }
alloc_ports() { # N -> PORT (N consecutive free ports)
	local n=$1 p
	while :; do
		((NEXT_PORT + n - 1 <= 15999)) || { echo "out of ports in 15060-15999" >&2; return 1; }
		for ((p = NEXT_PORT; p < NEXT_PORT + n; p++)); do
			if port_busy "$p"; then NEXT_PORT=$((p + 1)); continue 2; fi
		done
		PORT=$NEXT_PORT
		NEXT_PORT=$((NEXT_PORT + n))
		return 0
	done
}

# --- per-case state ----------------------------------------------------------
# shellcheck source=bench/cases.sh
source "$HERE/../cases.sh" # CASE, DIR, ERRORS, NOTE, fail, verdict, PASSED, FAILED
RINGD_PID=""
RINGD_PORT=""
declare -A UAS_PORT=() UAS_PID=()

# member NAME: reserve the ports of a SIPp member before the config is written.
member() {
	alloc_ports 6
	UAS_PORT[$1]=$PORT
}

# member_extensions NAME...: the config's extension lines (YAML, under
# "extensions:") of members NAME (m1 -> extension 1001, M1, password p1001)
# at their static contacts.
member_extensions() {
	local m n
	for m in "$@"; do
		n=${m#m}
		echo "  - { number: \"100$n\", name: M$n, password: p100$n, contact: \"sip:100$n@127.0.0.1:${UAS_PORT[$m]}\" }"
	done
}

# sipp_common NAME: sets COMMON to the port and trace options of SIPp process
# NAME: SIP on 127.0.0.1:P, control port P+1, media P+2; traces in $DIR/NAME.*.
sipp_common() {
	local p=${UAS_PORT[$1]}
	COMMON=(-i 127.0.0.1 -p "$p" -cp $((p + 1)) -mp $((p + 2)) -nostdin
		-trace_msg -message_file "$DIR/$1.msg" -trace_err -error_file "$DIR/$1.err"
		-trace_screen -screen_file "$DIR/$1.screen")
}

# write_config: $DIR/ringd.yaml = the sip section (SIP on a new port,
# RINGD_PORT, plus the listeners CFG_LISTEN ("tls://...", ...); trusted
# CFG_TRUSTED, default 127.0.0.0/8, none when empty;
# CFG_SIP: more keys of the section), the admin API when CFG_API=1 (on a
# new port; API is its base URL, SOAK_TOKEN its token), the store CFG_STORE
# (default memory:), the log (RINGD_LOG_LEVEL, default debug), then the
# YAML on stdin.
write_config() {
	alloc_ports 1
	RINGD_PORT=$PORT
	local trusted=${CFG_TRUSTED-127.0.0.0/8} http=""
	if [[ ${CFG_API:-} == 1 ]]; then
		alloc_ports 1
		API_PORT=$PORT
		API=http://127.0.0.1:$API_PORT
		http="http: { listen: \"127.0.0.1:$API_PORT\", tokens: [$SOAK_TOKEN] }"
	fi
	{
		echo "sip:"
		echo "  listen: [\"udp://127.0.0.1:$RINGD_PORT\"${CFG_LISTEN:+, $CFG_LISTEN}]"
		echo "  domain: ringd.local"
		[[ -n $trusted ]] && echo "  trusted: [\"$trusted\"]"
		[[ -n ${CFG_SIP:-} ]] && echo "  $CFG_SIP"
		[[ -n $http ]] && echo "$http"
		echo "store: \"${CFG_STORE:-memory:}\""
		echo "log: { level: ${RINGD_LOG_LEVEL:-debug}, format: text }"
		cat
	} >"$DIR/ringd.yaml"
}

# check_config: `ringd check` accepts $DIR/ringd.yaml.
check_config() {
	"$RINGD" check -config "$DIR/ringd.yaml" >"$DIR/check.out" 2>&1 && return 0
	fail "ringd check rejected the config: $(tr '\n' ' ' <"$DIR/check.out")"
	return 1
}

# wait_listening PORT PID: up to 5 s for PORT to be bound, while PID lives.
wait_listening() {
	local i
	for ((i = 0; i < 100; i++)); do
		port_busy "$1" && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# start_ringd: write_config (YAML on stdin), check it, serve it, wait until it
# listens.
start_ringd() {
	write_config
	check_config || return 1
	"$RINGD" serve -config "$DIR/ringd.yaml" 2>"$DIR/ringd.log" &
	RINGD_PID=$!
	wait_listening "$RINGD_PORT" "$RINGD_PID" && return 0
	fail "ringd did not start listening on udp 127.0.0.1:$RINGD_PORT"
	return 1
}

# stop_ringd: SIGTERM, expect exit 0 within 10 s.
stop_ringd() {
	[[ -n "$RINGD_PID" ]] || return 0
	local i rc=0
	kill -TERM "$RINGD_PID" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$RINGD_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$RINGD_PID" 2>/dev/null; then
		fail "ringd still running 10 s after SIGTERM"
		kill -KILL "$RINGD_PID" 2>/dev/null || true
	fi
	wait "$RINGD_PID" || rc=$?
	((rc == 0)) || fail "ringd exited $rc after SIGTERM (want 0)"
	RINGD_PID=""
}

# start_uas NAME XML CALLS [sipp options...]: a SIPp member in the background.
start_uas() {
	local name=$1 xml=$2 calls=$3
	shift 3
	local limit=(-timeout "${SIPP_TIMEOUT_S}s")
	[[ -n ${NO_TIMEOUT_ERROR:-} ]] || limit+=(-timeout_error)
	sipp_common "$name"
	# From $DIR: files SIPp writes to its working directory land there.
	(cd "$DIR" && exec sipp -sf "$HERE/$xml" -m "$calls" "${limit[@]}" "${COMMON[@]}" "$@") \
		>"$DIR/$name.out" 2>&1 &
	UAS_PID[$name]=$!
}

# wait_uas NAME [WANT_RC]: the member's exit code must be WANT_RC (default 0:
# every call it expected succeeded).
wait_uas() {
	local name=$1 want=${2:-0} rc=0
	wait "${UAS_PID[$name]}" || rc=$?
	if [[ $want == nonzero ]]; then
		((rc != 0)) || fail "$name: sipp exited 0, expected it to see no call"
	elif ((rc != want)); then
		fail "$name: sipp exited $rc ($(why "$name"))"
	fi
}

# run_uac XML CALLS [sipp options...]: the caller, in the foreground; sets
# UAC_RC and UAC_MS (wall-clock milliseconds).
run_uac() {
	local xml=$1 calls=$2 t0
	shift 2
	alloc_ports 6
	UAS_PORT[uac]=$PORT
	sipp_common uac
	local cmd=(sipp "127.0.0.1:$RINGD_PORT" -sf "$HERE/$xml" -s 6000 -m "$calls"
		-timeout "${SIPP_TIMEOUT_S}s" -timeout_error "${COMMON[@]}" "$@")
	echo "${cmd[*]}" >"$DIR/uac.cmd"
	t0=$(date +%s%N)
	UAC_RC=0
	# From $DIR: files SIPp writes to its working directory (-trace_rtt) land there.
	(cd "$DIR" && exec "${cmd[@]}") >"$DIR/uac.out" 2>&1 || UAC_RC=$?
	UAC_MS=$((($(date +%s%N) - t0) / 1000000))
}

check_uac() { # every call of the caller succeeded
	((UAC_RC == 0)) || fail "uac: sipp exited $UAC_RC ($(why uac))"
}

# why NAME: a short reason from a SIPp process's error log and final screen.
why() {
	local f="$DIR/$1" counts
	counts=$(grep -hE '^  (Successful|Failed) call' "$f.screen" 2>/dev/null | tail -2 |
		awk -F'|' '{gsub(/^ +| +$/, "", $1); gsub(/ /, "", $3); printf "%s%s %s", (NR > 1 ? ", " : ""), tolower($1), $3}')
	{
		grep -hE 'Failed regexp|Regexp matched|Aborting|[Uu]nexpected|timeout' "$f.err" 2>/dev/null |
			sed -E 's/^.*[0-9]{10}\.[0-9]+: //' | head -2
		echo "${counts:-no statistics}"
	} | paste -sd';' | cut -c1-300
}

received_nothing() { # NAME: its message trace shows no received SIP message
	! grep -q 'message received' "$DIR/$1.msg" 2>/dev/null
}

# --- SIPp message traces -------------------------------------------------------
# sipp_msg NAME sent|received REGEX: the first message SIPp process NAME sent or
# received whose first line matches REGEX (ERE): its trace time ("YYYY-MM-DD
# HH:MM:SS.us", local) on one line, then the message, without CRs.
sipp_msg() {
	awk -v want="$2" -v re="$3" '
		function done() { if (ts != "" && dir == want && first ~ re) { print ts; printf "%s", body; found = 1; exit } }
		/^-+ [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / { done(); ts = $2 " " $3; dir = first = body = ""; next }
		{ sub(/\r$/, "") }
		dir == "" { dir = ($0 ~ /received/) ? "received" : "sent"; next }
		first == "" && $0 == "" { next }
		first == "" { first = $0 }
		{ body = body $0 "\n" }
		END { if (!found) done() }' "$DIR/$1.msg" 2>/dev/null
}

# msg_us NAME sent|received REGEX: when, in Unix microseconds (empty: no such message).
msg_us() {
	local ts
	ts=$(sipp_msg "$@" | head -1)
	[[ -n $ts ]] && date -d "$ts" +%s%6N
}

# msg_text NAME sent|received REGEX: the message itself.
msg_text() { sipp_msg "$@" | tail -n +2; }

# tag_of HEADER: the tag parameter of the first HEADER (To, From) of the message on stdin.
tag_of() { grep -m1 -iE "^$1 *:" | sed -nE 's/.*;tag=([^;> ]+).*/\1/p'; }

# --- media ---------------------------------------------------------------------
# rtp_range: RTP_MIN..RTP_MAX, ringd's own RTP ports for the case (media:
# rtp_port_min/max; 8 ports, 4 of them even: ringd uses even ports).
rtp_range() {
	alloc_ports 8
	RTP_MIN=$PORT
	RTP_MAX=$((PORT + 7))
}

# tone FILE MS [HZ]: a prompt file in $DIR (8000 Hz mono 16-bit PCM; MS / 20
# RTP packets).
tone() {
	"$RINGBENCH" tone -o "$DIR/$1" -ms "$2" -hz "${3:-440}" 2>>"$DIR/tone.err" ||
		{ fail "ringbench tone -o $1 failed: $(cat "$DIR/tone.err")"; return 1; }
}

# start_rtp [rtp-listen flags]: `ringbench rtp-listen` in the background on a
# port of its own, RTP_PORT (the caller's SDP points there: -key rtp_port); it
# ends RTP_IDLE_MS after the last packet (or after SIPP_TIMEOUT_S) and checks
# the stream (20 ms G.711 packets, one SSRC, consecutive seq, ts +160, mean
# inter-arrival 20±2 ms, no gap above 60 ms; the flags add the count and the
# payload type). Waits until it listens.
start_rtp() {
	alloc_ports 1
	RTP_PORT=$PORT
	"$RINGBENCH" rtp-listen -addr "127.0.0.1:$RTP_PORT" -for "${SIPP_TIMEOUT_S}s" -idle "${RTP_IDLE_MS}ms" "$@" \
		>"$DIR/rtp.out" 2>&1 &
	UAS_PID[rtp]=$!
	wait_listening "$RTP_PORT" "${UAS_PID[rtp]}" && return 0
	fail "rtp-listen did not start listening on udp 127.0.0.1:$RTP_PORT: $(head -c 300 "$DIR/rtp.out")"
	return 1
}

# wait_rtp: the listener's verdict; RTP is its summary line (rtp_field reads
# it). Status 1 when no packet came: nothing else to check about the stream.
wait_rtp() {
	local rc=0
	wait "${UAS_PID[rtp]}" || rc=$?
	RTP=$(head -1 "$DIR/rtp.out")
	((rc == 0)) || fail "rtp: ${RTP#rtp-listen }"
	[[ -n $(rtp_field last) ]]
}

# rtp_field KEY: a key=value of the listener's summary (packets, from, pt,
# mean, max_gap, duration, first, last...).
rtp_field() { sed -nE "s/.* $1=([^ ]+).*/\1/p" <<<"$RTP"; }

# rtp_us first|last: arrival of the listener's first/last packet, Unix microseconds.
rtp_us() { local v; v=$(rtp_field "$1"); echo "${v/./}"; }

# rtp_note: the stream in a few words, for the PASS line.
rtp_note() {
	echo "$(rtp_field packets) RTP packets PT $(rtp_field pt) over $(rtp_field duration), mean $(rtp_field mean), max gap $(rtp_field max_gap)"
}

# ms_between US1 US2: (US1 - US2) in milliseconds; nothing when either is
# missing (a message or packet that never came).
ms_between() { [[ -n $1 && -n $2 ]] && echo $((($1 - $2) / 1000)); }

# ms_from MS: "N ms after" or "N ms before".
ms_from() { if (($1 < 0)); then echo "$((-$1)) ms before"; else echo "$1 ms after"; fi; }

# check_sdp REGEX PT: ringd's own response to the caller (first line REGEX: its
# 183 or 200) carries ringd's SDP: audio on a port of media.rtp_port_min/max,
# payload type PT alone (the first of PCMU/PCMA the caller offered),
# a=sendonly; the RTP the listener got came from that port. Sets SDP_TAG to
# the response's To tag.
check_sdp() {
	local text m port pts
	text=$(msg_text uac received "$1")
	SDP_TAG=$(tag_of To <<<"$text")
	m=$(grep -m1 '^m=audio ' <<<"$text")
	read -r _ port _ pts <<<"$m"
	[[ -n $SDP_TAG ]] || fail "ringd's ${1#^SIP/2.0 } has no To tag"
	if [[ -z $port ]] || ((port < RTP_MIN || port > RTP_MAX)); then
		fail "ringd's ${1#^SIP/2.0 } SDP '$m': port not in media.rtp_port_min/max $RTP_MIN-$RTP_MAX"
	fi
	[[ $pts == "$2" ]] || fail "ringd's ${1#^SIP/2.0 } SDP '$m': want payload type $2 only (the first of PCMU/PCMA offered)"
	grep -q '^a=sendonly' <<<"$text" || fail "ringd's ${1#^SIP/2.0 } SDP has no a=sendonly"
	[[ $(rtp_field from) == "127.0.0.1:$port" ]] ||
		fail "RTP came from $(rtp_field from), ringd's SDP says 127.0.0.1:${port:-?}"
}

run_case() {
	CASE=$1
	DIR=$WORK/$CASE
	mkdir -p "$DIR"
	ERRORS=()
	UAS_PORT=()
	UAS_PID=()
	RINGD_PID=""
	NOTE=""
	local t0=${EPOCHREALTIME/[.,]/}
	"case_$CASE" || true
	# Whatever happened: no process of this case survives it.
	local n
	for n in "${!UAS_PID[@]}"; do
		if kill -0 "${UAS_PID[$n]}" 2>/dev/null; then
			fail "$n: still running at the end of the case"
			kill -TERM "${UAS_PID[$n]}" 2>/dev/null || true
			wait "${UAS_PID[$n]}" 2>/dev/null || true
		fi
	done
	stop_ringd
	verdict "$t0"
}

# --- the cases ---------------------------------------------------------------
# Every group is number 6000 (uas_answer_diverted.xml checks the Diversion
# header names it); the caller dials 6000.

# ring_all: m1 answers after ANSWER_MS; m2 and m3 ring until ringd CANCELs them
# with Reason: SIP;cause=200;text="Call completed elsewhere".
case_ring_all() {
	member m1; member m2; member m3
	start_ringd <<-EOF || return
		extensions:
		$(member_extensions m1 m2 m3)
		ring_groups:
		  - number: "6000"
		    name: All
		    strategy: ring_all
		    ring_time: 10
		    members: [{ extension: "1001" }, { extension: "1002" }, { extension: "1003" }]
	EOF
	start_uas m1 uas_answer.xml 1 -d "$ANSWER_MS"
	start_uas m2 uas_ring.xml 1 -set want_reason 1
	start_uas m3 uas_ring.xml 1 -set want_reason 1
	run_uac uac_call.xml 1 -d "$TALK_MS"
	check_uac
	wait_uas m1; wait_uas m2; wait_uas m3
}

# hunt_of_two RING_TIME: ringd with group 6000, prioritized_hunt over members
# m1 (1001) then m2 (1002).
hunt_of_two() {
	member m1; member m2
	start_ringd <<-EOF
		extensions:
		$(member_extensions m1 m2)
		ring_groups:
		  - number: "6000"
		    name: Hunt
		    strategy: prioritized_hunt
		    ring_time: $1
		    members: [{ extension: "1001" }, { extension: "1002" }]
	EOF
}

# prioritized_hunt, ring_time 1: m1 rings, is cancelled after 1 s, then m2
# answers. Serial, so the call takes at least ring_time.
case_prioritized_hunt() {
	hunt_of_two 1 || return
	start_uas m1 uas_ring.xml 1
	start_uas m2 uas_answer.xml 1 -d "$ANSWER_MS"
	run_uac uac_call.xml 1 -d "$TALK_MS"
	check_uac
	wait_uas m1; wait_uas m2
	# m2 must not ring before m1's 1 s step is over (ring_all would take ~0.5 s).
	((UAC_MS >= 1000 + ANSWER_MS)) || fail "call took ${UAC_MS} ms: m2 rang before m1's ring_time (1 s) was over"
}

# busy: prioritized_hunt with ring_time 5; m1 answers 486 at once, which must
# move the hunt to m2 at once (not after 5 s) and never reach the caller.
case_busy() {
	hunt_of_two 5 || return
	start_uas m1 uas_busy.xml 1
	start_uas m2 uas_answer.xml 1 -d "$ANSWER_MS"
	run_uac uac_call.xml 1 -d "$TALK_MS"
	check_uac
	wait_uas m1; wait_uas m2
	((UAC_MS < 3000)) || fail "call took ${UAC_MS} ms: the 486 did not move the hunt on at once (ring_time 5 s)"
}

# busy_ack: the ACK ringd sends for a member's 486 is hop-by-hop (RFC 3261
# 17.1.1.3): it must carry a single Via, ringd's, not the caller's as well.
case_busy_ack() {
	hunt_of_two 5 || return
	start_uas m1 uas_busy.xml 1 -set check_ack 1
	start_uas m2 uas_answer.xml 1 -d "$ANSWER_MS"
	run_uac uac_call.xml 1 -d "$TALK_MS"
	check_uac
	wait_uas m1; wait_uas m2
	local vias
	vias=$(awk '/^ACK / {a = 1; n = 0} a && /^(Via|v) *:/ {n++} a && /^\r?$/ {print n; exit}' "$DIR/m1.msg")
	[[ ${vias:-1} == 1 ]] || fail "ringd's ACK for m1's 486 has $vias Via headers, RFC 3261 17.1.1.3 wants 1 (ringd's)"
}

# failover: ring_all, ring_time 1, the only member rings forever; after 1 s it
# is cancelled and on_no_answer rings extension 1009, which must see
# Diversion: <sip:6000@ringd.local>;reason=no-answer, and answers.
case_failover() {
	member m1; member fo
	start_ringd <<-EOF || return
		extensions:
		$(member_extensions m1)
		  - { number: "1009", name: Failover, password: p1009, contact: "sip:1009@127.0.0.1:${UAS_PORT[fo]}" }
		ring_groups:
		  - number: "6000"
		    name: All
		    strategy: ring_all
		    ring_time: 1
		    members: [{ extension: "1001" }]
		    on_no_answer: { dest: extension, value: "1009" }
	EOF
	start_uas m1 uas_ring.xml 1
	start_uas fo uas_answer_diverted.xml 1 -d "$ANSWER_MS"
	run_uac uac_call.xml 1 -d "$TALK_MS"
	check_uac
	wait_uas m1; wait_uas fo
}

# cancel: the caller CANCELs while both members ring: 200 to the CANCEL, 487 to
# the INVITE, and a CANCEL to every ringing member.
case_cancel() {
	member m1; member m2
	start_ringd <<-EOF || return
		extensions:
		$(member_extensions m1 m2)
		ring_groups:
		  - number: "6000"
		    name: All
		    strategy: ring_all
		    ring_time: 10
		    members: [{ extension: "1001" }, { extension: "1002" }]
	EOF
	start_uas m1 uas_ring.xml 1
	start_uas m2 uas_ring.xml 1
	run_uac uac_cancel.xml 1
	check_uac
	wait_uas m1; wait_uas m2
}

# max_forwards: Max-Forwards: 0 -> 483 from ringd, nothing forwarded: the
# member (which would answer) must receive no message at all.
case_max_forwards() {
	member m1
	start_ringd <<-EOF || return
		extensions:
		$(member_extensions m1)
		ring_groups:
		  - number: "6000"
		    name: All
		    strategy: ring_all
		    ring_time: 10
		    members: [{ extension: "1001" }]
	EOF
	# This member is expected to see no call: it just times out after 3 s.
	NO_TIMEOUT_ERROR=1 SIPP_TIMEOUT_S=3 start_uas m1 uas_answer.xml 1 -d "$ANSWER_MS"
	run_uac uac_maxfwd0.xml 1
	check_uac
	wait_uas m1 nonzero
	received_nothing m1 || fail "m1 received a message: ringd forwarded a Max-Forwards: 0 request (see $DIR/m1.msg)"
}

# nobody_there: the group's only member has no contact (no static contact, not
# registered): no agent available -> on_no_agent (default end_call) -> 480.
case_nobody_there() {
	start_ringd <<-EOF || return
		extensions:
		  - { number: "1001", name: Offline, password: p1001 }
		ring_groups:
		  - number: "6000"
		    name: Empty
		    strategy: ring_all
		    ring_time: 10
		    members: [{ extension: "1001" }]
	EOF
	run_uac uac_480.xml 1
	check_uac
}

# --- media cases -------------------------------------------------------------
# The caller's SDP points at `ringbench rtp-listen` (start_rtp, -key rtp_port);
# ringd's RTP ports are a range of the case's own (rtp_range); prompt files
# are written to $DIR (prompts_dir) by `ringbench tone`.

# media_group NAME YAML...: ringd for group 6000 (ring_all, member m1 = 1001 at
# its SIPp port), the group's extra YAML lines (prompts) as arguments.
media_group() {
	local name=$1 line extra=""
	shift
	for line in "$@"; do extra+=$'\n'"    $line"; done
	rtp_range
	start_ringd <<-EOF
		prompts_dir: "$DIR"
		media: { rtp_port_min: $RTP_MIN, rtp_port_max: $RTP_MAX }
		extensions:
		$(member_extensions m1)
		ring_groups:
		  - number: "6000"
		    name: $name
		    strategy: ring_all
		    ring_time: 10
		    members: [{ extension: "1001" }]$extra
	EOF
}

# early_media: join_prompt (400 ms) then moh (200 ms, looped) as early media
# while m1 rings for EARLY_ANSWER_MS. The caller offers PCMA first: ringd's
# 183 (its own To tag, a=sendonly, PT 8 alone) and RTP PT 8 from the port of
# that SDP, about EARLY_ANSWER_MS of 20 ms packets (60-85), one SSRC,
# consecutive seq; m1's 180 is not forwarded; the member's 200 (another To
# tag) reaches the caller and the RTP stops with it: the caller talks 1 s
# more, so RTP going on would overshoot -max 85 and arrive after the 200.
EARLY_ANSWER_MS=1500
case_early_media() {
	member m1
	tone join.wav 400 440 && tone moh.wav 200 660 || return
	media_group Prompts "join_prompt: join.wav" "moh: moh.wav" || return
	start_rtp -min 60 -max 85 -pt 8 || return
	start_uas m1 uas_answer.xml 1 -d "$EARLY_ANSWER_MS"
	run_uac uac_early_media.xml 1 -key rtp_port "$RTP_PORT" -key codecs "8 0" -d 1000
	check_uac
	wait_uas m1
	wait_rtp || return
	check_sdp '^SIP/2.0 183' 8
	local t183=$SDP_TAG t200 late
	t200=$(msg_text uac received '^SIP/2.0 200' | tag_of To)
	[[ -n $t200 && $t200 != "$t183" ]] || fail "the member's 200 has To tag '$t200', ringd's 183 '$t183': want two different dialogs"
	grep -q '^SIP/2.0 180' "$DIR/m1.msg" || fail "m1 sent no 180 (uas_answer.xml rings first)"
	[[ -z $(msg_text uac received '^SIP/2.0 180') ]] ||
		fail "the caller got m1's 180: members' ringing must not be forwarded while ringd plays"
	late=$(ms_between "$(rtp_us last)" "$(msg_us uac received '^SIP/2.0 200')")
	[[ -n $late ]] || { fail "the caller got no 200"; return; }
	((late <= 50)) || fail "RTP went on until $late ms after the caller got the 200"
	NOTE="$(rtp_note); last packet $(ms_from "$late") the 200"
}

# full_join_prompt: play_full_join_prompt with welcome (300 ms) + join (500
# ms), no moh; m1 answers at once. The members ring only once both prompts
# have been played: the call takes >= 800 ms, exactly 40 packets (15 + 25, PT
# 0: the caller offers PCMU first) reach the listener, and m1's INVITE comes
# after the last of them (within 20 ms of measurement slack).
case_full_join_prompt() {
	member m1
	tone welcome.wav 300 440 && tone join.wav 500 660 || return
	media_group Full "welcome_prompt: welcome.wav" "join_prompt: join.wav" "play_full_join_prompt: true" || return
	start_rtp -min 40 -max 40 -pt 0 || return
	start_uas m1 uas_answer.xml 1 -d 0
	run_uac uac_early_media.xml 1 -key rtp_port "$RTP_PORT" -key codecs "0 8" -d "$TALK_MS"
	check_uac
	wait_uas m1
	wait_rtp || return
	check_sdp '^SIP/2.0 183' 0
	((UAC_MS >= 800)) || fail "call took ${UAC_MS} ms: m1 answered before the 800 ms of welcome + join prompt were played"
	local rang
	rang=$(ms_between "$(msg_us m1 received '^INVITE ')" "$(rtp_us last)")
	[[ -n $rang ]] || { fail "m1 got no INVITE"; return; }
	((rang >= -20)) || fail "m1's INVITE came $((-rang)) ms before the last prompt packet"
	NOTE="$(rtp_note); m1's INVITE $(ms_from "$rang") the last packet, call ${UAC_MS} ms"
}

# greeting_group N: ringd for group 6000 whose only member has no contact,
# on_no_agent play_greeting closed.wav (500 ms) N times.
greeting_group() {
	tone closed.wav 500 || return
	rtp_range
	start_ringd <<-EOF
		prompts_dir: "$DIR"
		media: { rtp_port_min: $RTP_MIN, rtp_port_max: $RTP_MAX }
		extensions:
		  - { number: "1001", name: Offline, password: p1001 }
		ring_groups:
		  - number: "6000"
		    name: Closed
		    strategy: ring_all
		    ring_time: 10
		    members: [{ extension: "1001" }]
		    on_no_agent: { dest: play_greeting, value: closed.wav, prefix: "$1" }
	EOF
}

# play_greeting: nobody to ring -> on_no_agent play_greeting closed.wav (500
# ms) twice: ringd answers 200 with its SDP (a=sendonly, PT 0, its own To
# tag), exactly 50 packets (2 x 25) come from that port, then ringd's BYE
# reaches the caller (uac_greeting.xml answers it): after the last packet,
# within 1 s, From = ringd's To tag, To = the caller's From tag, sent to the
# caller's Contact.
case_play_greeting() {
	greeting_group 2 || return
	start_rtp -min 50 -max 50 -pt 0 || return
	run_uac uac_greeting.xml 1 -key rtp_port "$RTP_PORT" -key codecs 0
	check_uac
	wait_rtp || return
	check_sdp '^SIP/2.0 200' 0
	local bye after caller
	bye=$(msg_text uac received '^BYE ')
	[[ -n $bye ]] || { fail "the caller got no BYE from ringd"; return; }
	[[ $(tag_of From <<<"$bye") == "$SDP_TAG" ]] || fail "ringd's BYE has From tag '$(tag_of From <<<"$bye")', its 200 had To tag '$SDP_TAG'"
	caller=$(msg_text uac sent '^INVITE ' | tag_of From)
	[[ $(tag_of To <<<"$bye") == "$caller" ]] || fail "ringd's BYE has To tag '$(tag_of To <<<"$bye")', the caller's is '$caller'"
	[[ $(head -1 <<<"$bye") =~ ^BYE\ sip:5550100@127\.0\.0\.1:${UAS_PORT[uac]}[\;\ ] ]] ||
		fail "ringd's BYE '$(head -1 <<<"$bye")' is not sent to the caller's Contact"
	after=$(ms_between "$(msg_us uac received '^BYE ')" "$(rtp_us last)")
	((after >= -20 && after <= 1000)) || fail "ringd's BYE came $after ms after the last packet (want 0-1000)"
	NOTE="$(rtp_note); BYE $(ms_from "$after") the last packet"
}

# greeting_hangup: as play_greeting with closed.wav 5 times (2.5 s), but the
# caller hangs up HANGUP_MS after its ACK: ringd answers the BYE 200, its RTP
# stops (about HANGUP_MS of packets; none more than 50 ms after the BYE was
# sent) and it sends no BYE of its own (uac_greeting.xml's timewait).
HANGUP_MS=300
case_greeting_hangup() {
	greeting_group 5 || return
	start_rtp -min 8 -max 30 -pt 0 || return
	run_uac uac_greeting.xml 1 -key rtp_port "$RTP_PORT" -key codecs 0 -set hangup 1 -d "$HANGUP_MS"
	check_uac
	wait_rtp || return
	check_sdp '^SIP/2.0 200' 0
	local late
	late=$(ms_between "$(rtp_us last)" "$(msg_us uac sent '^BYE ')")
	[[ -n $late ]] || { fail "the caller sent no BYE"; return; }
	((late <= 50)) || fail "RTP went on until $late ms after the caller's BYE"
	[[ -z $(msg_text uac received '^BYE ') ]] || fail "ringd sent a BYE after the caller's"
	NOTE="$(rtp_note); last packet $(ms_from "$late") the caller's BYE"
}

# bad_prompt: prompt files that are missing or not playable: `ringd check`
# exits 1 naming each key and file: a missing join_prompt and play_greeting
# file, a welcome_prompt at 16000 Hz, a moh that is not a WAV file; `ringd
# serve` refuses the config too.
case_bad_prompt() {
	"$RINGBENCH" tone -o "$DIR/hifi.wav" -ms 300 -rate 16000 || { fail "ringbench tone -rate 16000 failed"; return; }
	echo "not audio" >"$DIR/notes.wav"
	write_config <<-EOF
		prompts_dir: "$DIR"
		extensions:
		  - { number: "1001", name: Offline, password: p1001 }
		ring_groups:
		  - number: "6000"
		    name: Bad
		    strategy: ring_all
		    ring_time: 10
		    welcome_prompt: hifi.wav
		    join_prompt: missing.wav
		    moh: notes.wav
		    members: [{ extension: "1001" }]
		    on_no_agent: { dest: play_greeting, value: gone.wav, prefix: "1" }
	EOF
	local rc=0 want
	"$RINGD" check -config "$DIR/ringd.yaml" >"$DIR/check.out" 2>&1 || rc=$?
	((rc == 1)) || fail "ringd check exited $rc, want 1"
	for want in "ring_groups[0].join_prompt: $DIR/missing.wav: no such file or directory" \
		"ring_groups[0].on_no_agent.value: $DIR/gone.wav: no such file or directory" \
		"ring_groups[0].welcome_prompt: $DIR/hifi.wav: " \
		"ring_groups[0].moh: $DIR/notes.wav: "; do
		grep -qF "$want" "$DIR/check.out" || fail "ringd check does not say '$want' (said: $(tr '\n' ' ' <"$DIR/check.out" | cut -c1-300))"
	done
	rc=0
	timeout 10 "$RINGD" serve -config "$DIR/ringd.yaml" 2>"$DIR/ringd.log" || rc=$?
	((rc == 1)) || fail "ringd serve exited $rc with the bad prompts, want 1 (at once)"
	grep -qF "ring_groups[0].join_prompt: $DIR/missing.wav" "$DIR/ringd.log" || fail "ringd serve does not name the missing join_prompt"
}

# --- pickup and BLF ---------------------------------------------------------------
# sip/README.md "Pickup and feature codes" and "BLF: SUBSCRIBE and NOTIFY".
# Extension 1002 has a password and no contact: it never rings, but it is
# an extension, so it may dial feature codes (from a trusted source, by
# its From user) and subscribe (digest as 1002).

# start_uac NAME XML CALLS [sipp options...]: a SIPp caller to ringd in the
# background, on ports of its own (start_uas with ringd as remote host).
start_uac() {
	member "$1"
	start_uas "$1" "$2" "$3" "127.0.0.1:$RINGD_PORT" "${@:4}"
}

# wait_msg NAME sent|received REGEX: up to 5 s until SIPp process NAME's
# message trace shows such a message (first line matching REGEX).
wait_msg() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -n $(sipp_msg "$@") ]] && return 0
		kill -0 "${UAS_PID[$1]}" 2>/dev/null || break
		sleep 0.05
	done
	[[ -n $(sipp_msg "$@") ]] && return 0
	fail "$1 $2 no '$3' (see $DIR/$1.msg)"
	return 1
}

# pickup: group 6000 (ring_all, 1001 and 1002) rings m1 (1001), which never
# answers; once the caller heard m1's 180, 1002 dials *8
# (uac_pickup.xml): ringd answers the caller and the picker itself (200
# with its own SDP, a=sendrecv; the caller's 200 has ringd's To tag, not
# m1's) and CANCELs m1 with Reason "Call completed elsewhere". The picker
# sends PICK_PACKETS packets of PCMU (SIPp rtp_stream of $DIR/talk.ulaw)
# that ringd must relay to the caller's SDP (rtp-listen: every packet, PT
# 0), and hangs up PICK_TALK_MS after its ACK: ringd answers 200 and sends
# the caller its BYE (From = the 200's To tag), after the picker's.
# The record (GET /api/v1/cdr) is answered by 1002, and
# ringd_pickups_total{kind="group"} is 1.
PICK_TALK_MS=1000
PICK_PACKETS=40 # 800 ms of the picker's RTP, sent while it talks
case_pickup() {
	member m1
	rtp_range
	CFG_API=1 start_ringd <<-EOF || return
		media: { rtp_port_min: $RTP_MIN, rtp_port_max: $RTP_MAX }
		extensions:
		$(member_extensions m1)
		  - { number: "1002", name: Picker, password: p1002 }
		ring_groups:
		  - number: "6000"
		    name: All
		    strategy: ring_all
		    ring_time: 10
		    members: [{ extension: "1001" }, { extension: "1002" }]
	EOF
	# The picker's voice: PICK_PACKETS packets of PCMU (0xFF: silence).
	head -c $((PICK_PACKETS * 160)) /dev/zero | tr '\0' '\377' >"$DIR/talk.ulaw"
	# The pacing is SIPp's (its rtp_stream thread, late by 100 ms at times
	# on a busy machine, then catching up), which ringd's relay passes on:
	# gaps up to 300 ms are let through, the rest is checked as usual.
	start_rtp -min "$PICK_PACKETS" -max "$PICK_PACKETS" -pt 0 -max-gap 300ms || return
	start_uas m1 uas_ring.xml 1 -set want_reason 1
	start_uac caller uac_picked_up.xml 1 -s 6000 -key rtp_port "$RTP_PORT" -key codecs 0
	wait_msg caller received '^SIP/2.0 180' || return
	start_uac picker uac_pickup.xml 1 -s '*8' -key ext 1002 -d "$PICK_TALK_MS"
	wait_uas picker; wait_uas caller; wait_uas m1
	wait_rtp || true # a failure is in ERRORS already
	local t200 tm1 bye after answered picked
	t200=$(msg_text caller received '^SIP/2.0 200' | tag_of To)
	tm1=$(msg_text m1 sent '^SIP/2.0 180' | tag_of To)
	[[ -n $t200 && $t200 != "$tm1" ]] || fail "the caller's 200 has To tag '$t200', m1's 180 '$tm1': want ringd's own answer"
	bye=$(msg_text caller received '^BYE ')
	[[ -n $bye ]] || { fail "the caller got no BYE from ringd"; return; }
	[[ $(tag_of From <<<"$bye") == "$t200" ]] || fail "ringd's BYE to the caller has From tag '$(tag_of From <<<"$bye")', its 200 had To tag '$t200'"
	after=$(ms_between "$(msg_us caller received '^BYE ')" "$(msg_us picker sent '^BYE ')")
	((${after:--1} >= 0)) || fail "ringd's BYE to the caller came ${after:-?} ms after the picker's BYE (want >= 0)"
	wait_cdr 1 || fail "$CDR answered records of group 6000 (GET /api/v1/cdr), want 1"
	API_OUT=$DIR/cdr_all.out api GET "/api/v1/cdr?group=6000" >/dev/null
	answered=$(grep -oE '"answered_by": *"[^"]*"' "$DIR/cdr_all.out" | cut -d'"' -f4 | paste -sd,)
	[[ $answered == 1002 ]] || fail "the record's answered_by is '$answered', want 1002 (the picker): $(head -c 300 "$DIR/cdr_all.out")"
	picked=$(metric 'ringd_pickups_total{kind="group"}')
	[[ $picked == 1 ]] || fail "ringd_pickups_total{kind=\"group\"} is ${picked:-absent}, want 1"
	NOTE="picker's 200 $(ms_between "$(msg_us picker received '^SIP/2.0 200')" "$(msg_us picker sent '^INVITE ')") ms after its INVITE"
	NOTE+="; caller's BYE $after ms after the picker's; relayed to the caller: $(rtp_note)"
}

# blf: 1002 subscribes to 1001's dialogs (uac_subscribe.xml: 401, digest,
# 200, a NOTIFY without dialogs); then a caller dials group 6000 whose only
# member, m1 (1001), rings until the caller CANCELs (uac_cancel.xml). The
# subscriber must get a NOTIFY with the early dialog - the call-id,
# local-tag and remote-tag of m1's leg (its INVITE's Call-ID, its 180's To
# tag, the INVITE's From tag), direction recipient (checked here) - then
# one without dialogs again; it unsubscribes (Expires: 0 in the dialog)
# and gets 200 and a last NOTIFY, Subscription-State: terminated. Each
# NOTIFY must come once (SIPp answers it 200 at once) and the documents'
# versions count 0, 1, 2... in arrival order.
case_blf() {
	member m1
	start_ringd <<-EOF || return
		extensions:
		$(member_extensions m1)
		  - { number: "1002", name: Watcher, password: p1002 }
		ring_groups:
		  - number: "6000"
		    name: All
		    strategy: ring_all
		    ring_time: 10
		    members: [{ extension: "1001" }]
	EOF
	start_uas m1 uas_ring.xml 1
	start_uac sub uac_subscribe.xml 1 -s 1001 -key ext 1002 -au 1002 -ap p1002
	wait_msg sub received '^NOTIFY ' || return
	run_uac uac_cancel.xml 1
	check_uac
	wait_uas sub; wait_uas m1
	local inv early want
	inv=$(msg_text m1 received '^INVITE ')
	early=$(grep -B1 '<state>early</state>' "$DIR/sub.msg" | grep -m1 '^<dialog ')
	[[ -n $early ]] || { fail "the subscriber got no NOTIFY with an early dialog"; return; }
	want="call-id=\"$(grep -m1 -iE '^(Call-ID|i) *:' <<<"$inv" | sed -E 's/^[^:]*: *//')\""
	want+=" local-tag=\"$(msg_text m1 sent '^SIP/2.0 180' | tag_of To)\""
	want+=" remote-tag=\"$(tag_of From <<<"$inv")\" direction=\"recipient\""
	[[ $early == *"$want"* ]] || fail "the early dialog is '$early', want $want (m1's leg)"
	# SIPp answers each NOTIFY at once: a NOTIFY received again means
	# ringd's NOTIFY transaction ignored the 200 (RFC 3261 17.1.2.2).
	local again
	again=$(awk '{sub(/\r$/, "")} /^-----/ {r = 0} /^[A-Z]+ message received/ {r = 1}
		r && /^CSeq: *[0-9]+ NOTIFY/ {n[$2]++} END {for (c in n) if (n[c] > 1) printf "%s%s x%d", (k++ ? ", " : ""), c, n[c]}' "$DIR/sub.msg")
	[[ -z $again ]] || fail "ringd sent NOTIFYs again although each was answered 200 at once (CSeq $again): its NOTIFY transactions do not take the 200"
	# Each new NOTIFY's document version: 0, 1, 2... in arrival order (RFC
	# 4235 4.1: so no document the subscriber acted on was a stale one).
	local versions want_v="" i
	versions=$(awk '{sub(/\r$/, "")} /^-----/ {r = 0} /^[A-Z]+ message received/ {r = 1; c = ""}
		r && /^CSeq: *[0-9]+ NOTIFY/ {c = $2} r && c != "" && !(c in seen) && /<dialog-info / {
			seen[c] = 1; v = $0; sub(/.* version="/, "", v); sub(/".*/, "", v); printf "%s%s", (k++ ? " " : ""), v }' "$DIR/sub.msg")
	for ((i = 0; i < $(wc -w <<<"$versions"); i++)); do want_v+="${want_v:+ }$i"; done
	[[ $versions == "$want_v" ]] || fail "the NOTIFYs' document versions are '$versions', want '$want_v'"
	NOTE="$(grep -c '^NOTIFY ' "$DIR/sub.msg") NOTIFYs (versions $versions)"
}

# load: LOAD_CALLS calls at LOAD_RATE calls/s (at most LOAD_LIMIT at once) into
# a 3-member ring_all group; each member answers after its ring time unless
# ringd cancelled it first. 0 failed calls expected, on every SIPp.
case_load() {
	member m1; member m2; member m3
	RINGD_LOG_LEVEL=info start_ringd <<-EOF || return
		extensions:
		$(member_extensions m1 m2 m3)
		ring_groups:
		  - number: "6000"
		    name: Load
		    strategy: ring_all
		    ring_time: 20
		    skip_busy: false
		    members: [{ extension: "1001" }, { extension: "1002" }, { extension: "1003" }]
	EOF
	local i
	SIPP_TIMEOUT_S=$((LOAD_CALLS / LOAD_RATE + 60))
	for i in 1 2 3; do
		start_uas "m$i" uas_load_member.xml "$LOAD_CALLS" -recv_timeout "${LOAD_RING_MS[$((i - 1))]}"
	done
	# -trace_rtt: every call's response time, in $DIR/uac_call_PID_rtt.csv.
	run_uac uac_call.xml "$LOAD_CALLS" -r "$LOAD_RATE" -l "$LOAD_LIMIT" -d "$LOAD_TALK_MS" \
		-trace_stat -stf "$DIR/uac.csv" -fd 1 -trace_rtt -rtt_freq 100
	check_uac
	wait_uas m1; wait_uas m2; wait_uas m3
	echo "load: caller: $(cat "$DIR/uac.cmd")"
	for i in 1 2 3; do
		sipp_common "m$i"
		echo "load: member m$i: sipp -sf $HERE/uas_load_member.xml -m $LOAD_CALLS -timeout ${SIPP_TIMEOUT_S}s -timeout_error ${COMMON[*]} -recv_timeout ${LOAD_RING_MS[$((i - 1))]}"
	done
	summary
}

# make_cert CN: a self-signed certificate for CN, $DIR/cert.pem and
# $DIR/key.pem, made by openssl for the case.
make_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=$1" \
		-keyout "$DIR/key.pem" -out "$DIR/cert.pem" >"$DIR/openssl.log" 2>&1 && return 0
	fail "openssl could not make the TLS certificate: $(tail -2 "$DIR/openssl.log" | tr '\n' ' ')"
	return 1
}

# torture: `ringbench torture` (bench/torture) sends every RFC 4475 message
# (TORTURE_DIR, read where it is) to ringd over UDP from TORTURE_SOURCE and over
# TCP, TLS (a self-signed certificate openssl makes for the run) and
# WebSocket, and each request to sip:user@ once more to 6000, whose only member is
# the runner's agent (486 to INVITEs): ringd stays up and answers OPTIONS after
# each message, nothing invalid gets 2xx or reaches the member unless RFC 4475
# allows it, and every answer is the one in bench/torture/table.go (-md: the
# differences from the RFC, in $DIR/torture.md). About 100 s: a copy waits
# until ringd's UDP transaction of the same Via branch has ended (5 s; the
# runner ACKs failed INVITEs). ringd serves the messages' other domains as
# local (sip.aliases), as the table assumes.
TORTURE_DIR=${TORTURE_DIR:-$ROOT/../shared/testdata/rfc4475}
TORTURE_SOURCE=${TORTURE_SOURCE:-127.4.75.1}
case_torture() {
	local member_port aliases rc=0 tls_port ws_port
	alloc_ports 1
	member_port=$PORT
	alloc_ports 1
	RINGD_PORT=$PORT
	alloc_ports 1
	tls_port=$PORT
	alloc_ports 1
	ws_port=$PORT
	make_cert example.com || return
	aliases="  aliases: [example.org, example.net, company.com, chair-dnrc.example.com, registrar.example.com]"
	cat >"$DIR/ringd.yaml" <<-EOF
		sip:
		  listen: ["udp://127.0.0.1:$RINGD_PORT", "tcp://127.0.0.1:$RINGD_PORT", "tls://127.0.0.1:$tls_port", "ws://127.0.0.1:$ws_port"]
		  tls: { cert: "$DIR/cert.pem", key: "$DIR/key.pem" }
		  domain: example.com
		$aliases
		  trusted: ["127.0.0.0/8"]
		store: "memory:"
		log: { level: ${RINGD_LOG_LEVEL:-debug}, format: text }
		extensions:
		  - { number: "1001", name: M, password: p1001, contact: "sip:1001@127.0.0.1:$member_port" }
		ring_groups:
		  - { number: "6000", name: Torture, strategy: ring_all, ring_time: 5, members: [{ extension: "1001" }] }
	EOF
	"$RINGD" check -config "$DIR/ringd.yaml" >"$DIR/check.out" 2>&1 ||
		{ fail "ringd check rejected the config: $(tr '\n' ' ' <"$DIR/check.out")"; return; }
	"$RINGD" serve -config "$DIR/ringd.yaml" 2>"$DIR/ringd.log" &
	RINGD_PID=$!
	wait_listening "$RINGD_PORT" "$RINGD_PID" || { fail "ringd did not start listening on 127.0.0.1:$RINGD_PORT"; return; }
	"$RINGBENCH" torture -dir "$TORTURE_DIR" -target "127.0.0.1:$RINGD_PORT" -member "127.0.0.1:$member_port" \
		-tls-target "127.0.0.1:$tls_port" -ws-target "127.0.0.1:$ws_port" -transports udp,tcp,tls,ws \
		-source "$TORTURE_SOURCE" -pid "$RINGD_PID" -md "$DIR/torture.md" >"$DIR/torture.out" 2>&1 || rc=$?
	((rc == 0)) || fail "ringbench torture exited $rc: $({ grep -E '^FAIL|^ringbench' "$DIR/torture.out" || true; } | head -3 | cut -c1-400 | paste -sd';')"
	NOTE=$(grep -m1 '^torture: ' "$DIR/torture.out" || true)
}

# --- scanners (bench/sipp/scanners.sh) -------------------------------------------
# shellcheck source=bench/sipp/scanners.sh
source "$HERE/scanners.sh"

# --- soak (run.sh soak) ----------------------------------------------------------
# Long runs with faults, only when named (`run.sh soak`, `make soak`, ~13 min).
# Each case has its own ringd with a SQLite store in the case dir
# ($DIR/ringd.db) and the admin API on a port of its own (token soak-token);
# the SIP cases ring group 6000 (ring_all, ring_time 20, skip_busy false)
# of m1 (uas_load_member.xml: 180, answers after its ring time), m2 (a
# black hole: `ringbench udp-sink` reads and never answers, so ringd's
# INVITE transactions to it run to Timer B) and m3 (uas_unavailable.xml:
# 503 at once).
#   soak_faults    SOAK_RATE calls/s for SOAK_SECONDS, the caller talks
#                  SOAK_TALK_MS: 0 failed calls; answered records ==
#                  ringd_calls_total{answered} == successful calls;
#                  go_goroutines back within baseline + 5 once m2's INVITE
#                  transactions have timed out (polled up to 60 s).
#   soak_changes   the same with a PUT of the group every second (ring_time
#                  20/25, pai on/off) and a SIGHUP every 10 s: every PUT 2xx,
#                  every SIGHUP reloaded, and the checks of soak_faults.
#   soak_shutdown  m1 rings SOAK_SHUT_RING_MS; SIGTERM SOAK_SHUT_AFTER_S into
#                  the load (which goes on 1 s more): exit 0 within the 30 s
#                  grace, every INVITE sent between SIGTERM and the exit gets
#                  503 with Retry-After, every call ringing at SIGTERM is
#                  answered; restarted on the same store, the answered
#                  records are exactly the calls the caller completed.
#   soak_kill9     no SIP: POST /api/v1/extensions every 20 ms for
#                  SOAK_KILL9_MS, kill -9 halfway; restarted, every
#                  extension whose POST got 201 is there.
#   soak_transports  callers and members on UDP, TLS and WebSocket at once
#                  (below): 0 failed calls, every answered call recorded.
SOAK_CASES=(soak_faults soak_changes soak_shutdown soak_kill9 soak_transports)
SOAK_RATE=${SOAK_RATE:-100}
SOAK_SECONDS=${SOAK_SECONDS:-180}
SOAK_LIMIT=${SOAK_LIMIT:-2000}       # at most this many calls at once (sipp -l)
SOAK_TALK_MS=${SOAK_TALK_MS:-1000}
SOAK_RING_MS=${SOAK_RING_MS:-200}    # m1's ring time before it answers
SOAK_SHUT_RING_MS=${SOAK_SHUT_RING_MS:-2000}
SOAK_SHUT_AFTER_S=${SOAK_SHUT_AFTER_S:-20}
SOAK_KILL9_MS=${SOAK_KILL9_MS:-5000}
SOAK_GOROUTINE_SLACK=5
SOAK_TOKEN=soak-token

# now_us: the wall clock, Unix microseconds.
now_us() { echo "${EPOCHREALTIME/[.,]/}"; }

# sleep_until US: sleep until the wall clock reaches US (Unix microseconds).
sleep_until() {
	local d=$(($1 - $(now_us)))
	((d > 0)) && sleep "$((d / 1000000)).$(printf '%06d' $((d % 1000000)))"
	return 0
}

# soak_config: $DIR/ringd.yaml for a soak case: SIP on RINGD_PORT, the admin
# API on API_PORT (API is its base URL), store $DIR/ringd.db, group 6000 of
# m1-m3 at their static contacts (ports reserved with `member`; unused in
# soak_kill9). `ringd check` must accept it.
soak_config() {
	local i
	for i in 1 2 3; do [[ -n ${UAS_PORT[m$i]:-} ]] || UAS_PORT[m$i]=9; done
	CFG_API=1 CFG_STORE="sqlite:$DIR/ringd.db" RINGD_LOG_LEVEL=info write_config <<-EOF
		extensions:
		$(member_extensions m1 m2 m3)
		ring_groups:
		  - number: "6000"
		    name: Soak
		    strategy: ring_all
		    ring_time: 20
		    skip_busy: false
		    members: [{ extension: "1001" }, { extension: "1002" }, { extension: "1003" }]
	EOF
	check_config
}

# serve_api: serve $DIR/ringd.yaml (log appended to $DIR/ringd.log, so a
# restart keeps the first run's lines); waits up to 10 s until SIP is bound
# and GET /healthz answers 200.
serve_api() {
	echo "--- run.sh: ringd serve at $(date +%T.%3N)" >>"$DIR/ringd.log"
	"$RINGD" serve -config "$DIR/ringd.yaml" >>"$DIR/ringd.log" 2>&1 &
	RINGD_PID=$!
	local i
	for ((i = 0; i < 200; i++)); do
		port_busy "$RINGD_PORT" && curl -sf -o /dev/null --max-time 1 "$API/healthz" && return 0
		kill -0 "$RINGD_PID" 2>/dev/null || break
		sleep 0.05
	done
	fail "ringd did not come up (SIP udp 127.0.0.1:$RINGD_PORT, API $API/healthz)"
	return 1
}

# api METHOD PATH [BODY]: an admin API request with the soak token; prints
# the HTTP status (000: no answer), the body goes to API_OUT ($DIR/api.out).
api() {
	local body=()
	[[ -n ${3:-} ]] && body=(--data-binary "$3")
	curl -s -o "${API_OUT:-$DIR/api.out}" -w '%{http_code}' --max-time 10 -X "$1" \
		-H "Authorization: Bearer $SOAK_TOKEN" -H 'Content-Type: application/json' "${body[@]}" "$API$2" || true
}

# metric SERIES: the value of one series of ringd's /metrics, as exposed
# (labels in name order), as a whole number; empty when absent.
metric() {
	curl -s --max-time 10 "$API/metrics" | awk -v s="$1" '$1 == s {printf "%.0f\n", $2; exit}'
}

# cdr_count [GROUP]: the count of GET /api/v1/cdr?group=GROUP&outcome=answered
# (GROUP 6000 by default).
cdr_count() {
	API_OUT=$DIR/cdr.out api GET "/api/v1/cdr?group=${1:-6000}&outcome=answered&top=1" >/dev/null
	sed -nE 's/.*"count": *([0-9]+).*/\1/p' "$DIR/cdr.out"
}

# wait_cdr WANT [GROUP]: polls cdr_count for up to 10 s until it is WANT
# (records are written in batches); CDR is the last count read.
wait_cdr() {
	local i
	for ((i = 0; i < 50; i++)); do
		CDR=$(cdr_count "${2:-6000}")
		[[ $CDR == "$1" ]] && return 0
		sleep 0.2
	done
	return 1
}

# proc_usage PID: "CPU_SECONDS MAX_RSS_MB" of a live process (utime + stime
# of /proc/PID/stat, VmHWM of /proc/PID/status).
proc_usage() {
	local tck
	tck=$(getconf CLK_TCK)
	{
		awk -v t="$tck" '{sub(/^.*\) /, ""); printf "%.2f ", ($12 + $13) / t}' "/proc/$1/stat"
		awk '/^VmHWM:/ {printf "%.1f\n", $2 / 1024}' "/proc/$1/status"
	} 2>/dev/null
}

# start_sink NAME: `ringbench udp-sink` on the port `member NAME` reserved: a
# black-holed phone. stop_sink NAME stops it; SINK is its summary line.
start_sink() {
	"$RINGBENCH" udp-sink -addr "127.0.0.1:${UAS_PORT[$1]}" -for "$((SIPP_TIMEOUT_S + 300))s" >"$DIR/$1.out" 2>&1 &
	UAS_PID[$1]=$!
	wait_listening "${UAS_PORT[$1]}" "${UAS_PID[$1]}" && return 0
	fail "$1: udp-sink did not start listening: $(head -c 300 "$DIR/$1.out")"
	return 1
}
stop_sink() {
	local rc=0
	kill -TERM "${UAS_PID[$1]}" 2>/dev/null || true
	wait "${UAS_PID[$1]}" || rc=$?
	unset "UAS_PID[$1]"
	SINK=$(head -1 "$DIR/$1.out")
	((rc == 0)) || fail "$1: udp-sink exited $rc: $(head -c 300 "$DIR/$1.out")"
}
sink_field() { sed -nE "s/.* $1=([^ ]+).*/\1/p" <<<"$SINK"; }

# stop_proc NAME: end a background process of the case that may still run
# (a SIPp member whose calls ringd's exit left hanging).
stop_proc() {
	kill -TERM "${UAS_PID[$1]}" 2>/dev/null || true
	wait "${UAS_PID[$1]}" 2>/dev/null || true
	unset "UAS_PID[$1]"
}

# soak_changer ID: one PUT of ring group ID a second (ring_time 20/25, pai
# on/off, all 3 members kept) and a SIGHUP to ringd every 10th second,
# until $DIR/changes.stop exists. One line per change on stdout.
soak_changer() {
	local id=$1 i=0 t0 rt pai code body
	t0=$(now_us)
	while [[ ! -e $DIR/changes.stop ]]; do
		i=$((i + 1))
		rt=$((i % 2 ? 25 : 20))
		pai=false
		((i / 2 % 2)) && pai=true
		body='{"number":"6000","name":"Soak","strategy":"ring_all","ring_time":'$rt',"skip_busy":false,"pai":'$pai
		body+=',"members":[{"extension":"1001"},{"extension":"1002"},{"extension":"1003"}]}'
		code=$(API_OUT=$DIR/changer.out api PUT "/api/v1/ring_groups/$id" "$body")
		echo "$(date +%T.%3N) PUT ring_time=$rt pai=$pai -> $code"
		[[ $code == 2?? ]] || echo "  answer: $(head -c 300 "$DIR/changer.out")"
		if ((i % 10 == 0)); then
			kill -HUP "$RINGD_PID" && echo "$(date +%T.%3N) SIGHUP"
		fi
		sleep_until $((t0 + i * 1000000))
	done
}

start_changer() {
	local id
	API_OUT=$DIR/groups.out api GET "/api/v1/ring_groups?filter=number+eq+6000" >/dev/null
	id=$(sed -nE 's/^\{"count":1,"items":\[\{[^{}]*"id":([0-9]+),.*/\1/p' "$DIR/groups.out")
	[[ -n $id ]] || { fail "ring group 6000 not found through the API: $(head -c 300 "$DIR/groups.out")"; return 1; }
	rm -f "$DIR/changes.stop"
	soak_changer "$id" >"$DIR/changes.log" 2>&1 &
	UAS_PID[changer]=$!
}

# stop_changer: ends soak_changer; CHANGES is the figures of its run. Every
# PUT must have got 2xx, every SIGHUP a "config reloaded" from ringd.
stop_changer() {
	touch "$DIR/changes.stop"
	wait "${UAS_PID[changer]}" || true
	unset "UAS_PID[changer]"
	local puts bad hups reloads refused
	puts=$(grep -c ' PUT ' "$DIR/changes.log" || true)
	bad=$(grep ' PUT ' "$DIR/changes.log" | grep -vc ' -> 2[0-9][0-9]$' || true)
	hups=$(grep -c ' SIGHUP$' "$DIR/changes.log" || true)
	reloads=$(grep -c 'config reloaded' "$DIR/ringd.log" || true)
	refused=$(grep -c 'reload refused' "$DIR/ringd.log" || true)
	((puts > 0)) || fail "no ring group PUT was made"
	((bad == 0)) || fail "$bad of $puts ring group PUTs did not get 2xx: $(grep -m1 -A1 ' PUT .* -> [^2]' "$DIR/changes.log" | paste -sd' ')"
	((reloads == hups && refused == 0)) || fail "$hups SIGHUPs sent, ringd logged $reloads 'config reloaded' and $refused 'reload refused'"
	CHANGES="$puts PUTs all 2xx, $hups SIGHUPs all reloaded"
}

# soak_load faults|changes: the soak_faults / soak_changes run.
soak_load() {
	local mode=$1 calls=$((SOAK_RATE * SOAK_SECONDS)) g0 g_end g1 g_s t_end
	local total ok failed retrans unexp answered usage
	member m1; member m2; member m3
	soak_config && serve_api || return
	sleep 1 # idle
	g0=$(metric go_goroutines)
	local SIPP_TIMEOUT_S=$((SOAK_SECONDS + 90))
	start_uas m1 uas_load_member.xml "$calls" -recv_timeout "$SOAK_RING_MS"
	start_uas m3 uas_unavailable.xml "$calls"
	start_sink m2 || return
	CHANGES=""
	if [[ $mode == changes ]]; then start_changer || return; fi
	run_uac uac_call.xml "$calls" -r "$SOAK_RATE" -l "$SOAK_LIMIT" -d "$SOAK_TALK_MS" \
		-trace_stat -stf "$DIR/uac.csv" -fd 5
	t_end=$(now_us)
	[[ $mode == changes ]] && stop_changer
	check_uac
	wait_uas m1; wait_uas m3
	read -r total ok failed retrans unexp < <(csv "$DIR/uac.csv" TotalCallCreated "SuccessfulCall(C)" \
		"FailedCall(C)" "Retransmissions(C)" "FailedUnexpectedMessage(C)")
	((${failed:-1} == 0 && ${ok:-0} == calls)) ||
		fail "caller: ${ok:-?} of $calls calls successful, ${failed:-?} failed (${unexp:-?} on an unexpected message)"
	wait_cdr "$ok" || fail "$CDR answered call records (GET /api/v1/cdr), the caller completed $ok calls"
	answered=$(metric 'ringd_calls_total{group="6000",outcome="answered"}')
	[[ $answered == "$ok" ]] || fail "ringd_calls_total{group=\"6000\",outcome=\"answered\"} is ${answered:-absent}, the caller completed $ok calls"
	# go_goroutines once m2's INVITE transactions have timed out: Timer B
	# (32 s) after the last of them started, before t_end. Polled until back
	# near the baseline, 60 s after the load at most.
	g_end=$(metric go_goroutines)
	while :; do
		g_s=$((($(now_us) - t_end) / 1000000))
		if ((g_s >= 33)); then
			g1=$(metric go_goroutines)
			((${g1:-999999} <= g0 + SOAK_GOROUTINE_SLACK || g_s >= 60)) && break
		fi
		sleep 1
	done
	((${g1:-999999} <= g0 + SOAK_GOROUTINE_SLACK)) ||
		fail "go_goroutines ${g1:-?} ${g_s} s after the load, baseline $g0 (+$SOAK_GOROUTINE_SLACK allowed)"
	usage=$(proc_usage "$RINGD_PID")
	stop_sink m2
	local quiet
	quiet=$(sink_field last)
	quiet=$(((${quiet/./} - t_end) / 1000))
	NOTE="calls $total attempted, $ok successful, $failed failed; answered records $CDR, ringd_calls_total{answered} $answered"
	NOTE+="; go_goroutines $g0 before, $g_end at the end of the load, $g1 ${g_s} s after it"
	NOTE+="; ringd CPU ${usage% *} s, max RSS ${usage#* } MB; SIPp retransmissions $retrans"
	NOTE+="; m2 (black hole) got $(sink_field invites) INVITEs for $(sink_field invite_calls) legs, $(sink_field cancels) CANCELs"
	NOTE+=", the last $(ms_from "$quiet") the end of the load${CHANGES:+; $CHANGES}"
}

case_soak_faults() { soak_load faults; }
case_soak_changes() { soak_load changes; }

# shutdown_calls: one line per call of the caller's message trace ($DIR/uac.msg):
# CALL-ID INVITE_US FINAL_CODE FINAL_US RETRY_AFTER(0/1) BYE_SENT(0/1) BYE_OK(0/1)
# (Unix microseconds; FINAL_CODE 0: no final response).
shutdown_calls() {
	awk '
		function us(d, t,   p, mid) {
			if (!(d in midnight)) { split(d, p, "-"); midnight[d] = mktime(p[1] " " p[2] " " p[3] " 00 00 00") }
			split(t, p, ":")
			return sprintf("%.0f", (midnight[d] + p[1] * 3600 + p[2] * 60 + p[3]) * 1000000)
		}
		function done() {
			if (first == "") return
			if (!(cid in inv)) { order[++n] = cid; inv[cid] = 0; code[cid] = 0; when[cid] = 0; ra[cid] = 0; bye[cid] = 0; byeok[cid] = 0 }
			if (dir == "sent" && first ~ /^INVITE / && inv[cid] == 0) inv[cid] = ts
			if (dir == "sent" && first ~ /^BYE /) bye[cid] = 1
			if (dir == "received" && first ~ /^SIP\/2.0 [2-6][0-9][0-9] / && cseq ~ /INVITE/ && code[cid] == 0) {
				split(first, w, " "); code[cid] = w[2]; when[cid] = ts; ra[cid] = retry
			}
			if (dir == "received" && first ~ /^SIP\/2.0 200 / && cseq ~ /BYE/) byeok[cid] = 1
		}
		/^-+ [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / { done(); ts = us($2, $3); dir = first = cid = cseq = ""; retry = 0; next }
		{ sub(/\r$/, "") }
		dir == "" { dir = ($0 ~ /received/) ? "received" : "sent"; next }
		first == "" && $0 == "" { next }
		first == "" { first = $0; next }
		/^(Call-ID|i) *:/ { sub(/^[^:]*: */, ""); cid = $0 }
		/^CSeq *:/ { cseq = $0 }
		/^Retry-After *: *[0-9]/ { retry = 1 }
		END {
			done()
			for (i = 1; i <= n; i++) { c = order[i]; print c, inv[c], code[c], when[c], ra[c], bye[c], byeok[c] }
		}' "$DIR/uac.msg"
}

# soak_shutdown: see the top of this section.
case_soak_shutdown() {
	local calls=$((SOAK_RATE * (SOAK_SHUT_AFTER_S + 1))) t0 t_term t_exit rc=0 i live usage
	member m1; member m2; member m3
	soak_config && serve_api || return
	local SIPP_TIMEOUT_S=$((SOAK_SHUT_AFTER_S + 60))
	# Members see fewer calls than -m (503s, ringd's exit): stopped at the end.
	NO_TIMEOUT_ERROR=1 start_uas m1 uas_load_member.xml "$calls" -recv_timeout "$SOAK_SHUT_RING_MS"
	NO_TIMEOUT_ERROR=1 start_uas m3 uas_unavailable.xml "$calls"
	start_sink m2 || return
	# The caller, in the background: -trace_msg tells each call's fate; few
	# retransmissions, so calls that ringd's exit leaves hanging end soon.
	alloc_ports 6
	UAS_PORT[uac]=$PORT
	sipp_common uac
	local cmd=(sipp "127.0.0.1:$RINGD_PORT" -sf "$HERE/uac_soak_call.xml" -s 6000 -m "$calls" -r "$SOAK_RATE"
		-l "$SOAK_LIMIT" -d "$SOAK_TALK_MS" -timeout "${SIPP_TIMEOUT_S}s" -max_invite_retrans 3
		-max_non_invite_retrans 3 "${COMMON[@]}" -trace_stat -stf "$DIR/uac.csv" -fd 5)
	echo "${cmd[*]}" >"$DIR/uac.cmd"
	t0=$(now_us)
	(cd "$DIR" && exec "${cmd[@]}") >"$DIR/uac.out" 2>&1 &
	UAS_PID[uac]=$!
	sleep_until $((t0 + SOAK_SHUT_AFTER_S * 1000000))
	API_OUT=$DIR/calls.out api GET /api/v1/calls >/dev/null
	live=$(sed -nE 's/^\{"count":([0-9]+).*/\1/p' "$DIR/calls.out")
	usage=$(proc_usage "$RINGD_PID")
	kill -TERM "$RINGD_PID"
	t_term=$(now_us)
	echo "--- run.sh: SIGTERM at $(date +%T.%6N)" >>"$DIR/ringd.log"
	for ((i = 0; i < 700; i++)); do # 35 s: the 30 s grace and some
		kill -0 "$RINGD_PID" 2>/dev/null || break
		sleep 0.05
	done
	t_exit=$(now_us)
	if kill -0 "$RINGD_PID" 2>/dev/null; then
		fail "ringd still running 35 s after SIGTERM (grace 30 s)"
		kill -KILL "$RINGD_PID" 2>/dev/null || true
	fi
	wait "$RINGD_PID" || rc=$?
	RINGD_PID=""
	((rc == 0)) || fail "ringd exited $rc after SIGTERM (want 0)"
	local exit_ms=$(((t_exit - t_term) / 1000))
	((exit_ms <= 31000)) || fail "ringd exited ${exit_ms} ms after SIGTERM, beyond its 30 s grace"
	# The caller ends by itself (hanging calls time out); then the members.
	wait "${UAS_PID[uac]}" || true
	unset "UAS_PID[uac]"
	stop_proc m1
	stop_proc m3
	stop_sink m2
	# Each call's fate. Within 50 ms of SIGTERM an INVITE may have been read
	# before or after ringd began draining: either answer is right.
	shutdown_calls >"$DIR/calls.txt"
	local before ringing answered rejected rej_ok window after_exit completed talking bad
	read -r before ringing answered rejected rej_ok window after_exit completed talking < <(awk -v term="$t_term" -v ex="$t_exit" '
		$2 == 0 { next }
		$2 < term - 50000 { b++; if ($3 == 200) a++; if ($4 > term || $3 == 0) r++ }
		$2 >= term - 50000 && $2 <= term + 50000 { w++ }
		$2 > term + 50000 && $2 < ex - 50000 { j++; if ($3 == 503 && $5 == 1) ok503++ }
		$2 >= ex - 50000 { x++ }
		$7 == 1 { c++ }
		$3 == 200 && $7 != 1 { t++ }
		END { printf "%d %d %d %d %d %d %d %d %d\n", b, r, a, j, ok503, w, x, c, t }' "$DIR/calls.txt")
	bad=$(awk -v term="$t_term" '$2 != 0 && $2 < term - 50000 && $3 != 200' "$DIR/calls.txt")
	[[ -z $bad ]] || fail "$(wc -l <<<"$bad") calls sent before SIGTERM were not answered 200 (call-id invite_us final final_us ...: $(head -3 <<<"$bad" | paste -sd';'))"
	((rej_ok == rejected)) || fail "$((rejected - rej_ok)) of $rejected INVITEs between SIGTERM and ringd's exit got no 503 with Retry-After: $(awk -v term="$t_term" -v ex="$t_exit" '$2 > term + 50000 && $2 < ex - 50000 && !($3 == 503 && $5 == 1)' "$DIR/calls.txt" | head -3 | paste -sd';')"
	((rejected > 0)) || fail "no INVITE was sent between SIGTERM and ringd's exit (${exit_ms} ms): nothing shows the 503"
	NOTE="$before calls before SIGTERM (t=${SOAK_SHUT_AFTER_S} s, $live live), $answered answered 200, $ringing of them still ringing at SIGTERM"
	NOTE+="; exit $rc ${exit_ms} ms after SIGTERM; $rej_ok of $rejected INVITEs in between got 503 + Retry-After ($window within 50 ms of SIGTERM, $after_exit after the exit)"
	NOTE+="; $talking answered calls still connected at the exit (ringd ends them as it stops, with their records; their later BYE goes unanswered)"
	NOTE+="; ringd CPU ${usage% *} s, max RSS ${usage#* } MB at SIGTERM; m2 got $(sink_field invites) INVITEs"
	# Restarted on the same store: every call answered 200 has one answered
	# record, Call-ID by Call-ID: those the caller completed (BYE answered
	# 200) and those ringd ended as it stopped.
	serve_api || return
	CDR=$(cdr_count)
	local skip missing extra
	: >"$DIR/cdr_ids.txt"
	for ((skip = 0; skip < ${CDR:-0}; skip += 100)); do
		API_OUT=$DIR/cdr_page.out api GET "/api/v1/cdr?group=6000&outcome=answered&top=100&skip=$skip" >/dev/null
		grep -oE '"call_id":"[^"]*"' "$DIR/cdr_page.out" | cut -d'"' -f4 >>"$DIR/cdr_ids.txt"
	done
	awk '$3 == 200 {print $1}' "$DIR/calls.txt" | sort >"$DIR/answered_ids.txt"
	sort -o "$DIR/cdr_ids.txt" "$DIR/cdr_ids.txt"
	missing=$(comm -23 "$DIR/answered_ids.txt" "$DIR/cdr_ids.txt" | wc -l)
	extra=$(comm -13 "$DIR/answered_ids.txt" "$DIR/cdr_ids.txt" | wc -l)
	[[ $CDR == "$((completed + talking))" ]] || fail "after the restart $CDR answered records, want $((completed + talking)): $completed calls completed, $talking connected at the exit"
	((missing == 0)) || fail "$missing answered calls have no record: $(comm -23 "$DIR/answered_ids.txt" "$DIR/cdr_ids.txt" | head -3 | paste -sd' ')"
	((extra == 0)) || fail "$extra records of calls that were not answered: $(comm -13 "$DIR/answered_ids.txt" "$DIR/cdr_ids.txt" | head -3 | paste -sd' ')"
	NOTE+="; $completed calls completed + $talking connected at the exit = $CDR answered records after the restart ($missing missing, $extra extra)"
}

# soak_kill9: see the top of this section. One curl process makes the POSTs
# (`--rate 50/s`, one keep-alive connection: a new process per POST costs
# more than 20 ms here) and writes "NUMBER CODE SECONDS" per POST; the
# kill -9 comes from the side, so a POST may well be in flight.
case_soak_kill9() {
	local n=$((SOAK_KILL9_MS / 20)) i num t0 t1 t_kill acked unanswered others present=0 missing=() rc=0 code
	soak_config && serve_api || return
	for ((i = 0; i < n; i++)); do
		num=$((30000 + i))
		((i == 0)) || echo next
		cat <<-EOF
			url = "$API/api/v1/extensions"
			request = "POST"
			header = "Authorization: Bearer $SOAK_TOKEN"
			header = "Content-Type: application/json"
			data-binary = "{\"number\":\"$num\",\"name\":\"Soak $num\",\"password\":\"p$num\"}"
			output = "/dev/null"
			max-time = 5
			write-out = "$num %{http_code} %{time_total}\\n"
		EOF
	done >"$DIR/writes.curl"
	t0=$(now_us)
	(sleep_until $((t0 + SOAK_KILL9_MS * 500)) && kill -KILL "$RINGD_PID" && now_us >"$DIR/kill.us") &
	UAS_PID[killer]=$!
	# (bash reports the killed ringd on the stderr of what runs then: not here)
	{ curl -s --rate 50/s -K "$DIR/writes.curl" >"$DIR/writes.log" 2>"$DIR/writes.err" || true; } 2>/dev/null
	t1=$(now_us)
	wait "${UAS_PID[killer]}" || fail "the kill -9 of ringd failed"
	unset "UAS_PID[killer]"
	wait "$RINGD_PID" 2>/dev/null || rc=$?
	RINGD_PID=""
	((rc == 137)) || fail "ringd exited $rc, want 137 (kill -9)"
	t_kill=$(cat "$DIR/kill.us" 2>/dev/null || echo "$t0")
	acked=$(awk '$2 == 201' "$DIR/writes.log" | wc -l)
	unanswered=$(awk '$2 == "000"' "$DIR/writes.log" | wc -l)
	others=$(awk '$2 != 201 && $2 != "000"' "$DIR/writes.log" | wc -l)
	serve_api || return
	for num in $(awk '$2 == 201 {print $1}' "$DIR/writes.log"); do
		code=$(API_OUT=$DIR/get.out api GET "/api/v1/extensions/$num")
		if [[ $code == 200 ]]; then present=$((present + 1)); else missing+=("$num:$code"); fi
	done
	(($(wc -l <"$DIR/writes.log") == n)) || fail "curl reported $(wc -l <"$DIR/writes.log") of $n POSTs: $(head -c 300 "$DIR/writes.err")"
	((acked > 0)) || fail "no POST got 201"
	((${#missing[@]} == 0)) || fail "${#missing[@]} of $acked acknowledged extensions missing after the restart: ${missing[*]:0:5}"
	((others == 0)) || fail "$others POSTs got an answer other than 201 or none: $(awk '$2 != 201 && $2 != "000"' "$DIR/writes.log" | head -3 | paste -sd';')"
	NOTE="$n POSTs in $(((t1 - t0) / 1000)) ms, kill -9 at $(((t_kill - t0) / 1000)) ms; $acked acknowledged (201), $unanswered unanswered (ringd down)"
	NOTE+="; after the restart $present of $acked present"
}

# --- soak_transports ---------------------------------------------------------------
# Callers and members on UDP, TLS and WebSocket in one ringd at once, for
# SOAK_SECONDS (SIP on UDP plus tls:// and ws:// with a self-signed
# certificate openssl makes; a SQLite store; the admin API):
#   group 6000 (ring_all): m1 (SIPp on UDP, rings SOAK_RING_MS), m2 (UDP
#     black hole), m3 (503 at once), 2001 (TLS) and 3001 (WebSocket): SIPp
#     calls it over UDP at SOAK_TR_RATE, 2001 and 3001 answer after 50 ms
#     (one wins, ringd cancels or hangs up the others);
#   group 6002 (ring_all of 2001-2004, ringbench members registered over
#     TLS): called by a ringbench caller on WebSocket at SOAK_TR_BENCH_RATE;
#   group 6001 (ring_all of 3001-3004, ringbench members registered over
#     WebSocket): called by a ringbench caller on TLS at SOAK_TR_BENCH_RATE.
# Every caller talks SOAK_TALK_MS. Checks: 0 failed calls for each caller,
# 0 failed REGISTER refreshes (-expires 60 s: refreshed every 30 s), and
# for each group the answered records (GET /api/v1/cdr) and
# ringd_calls_total{outcome="answered"} equal the calls its caller
# completed.
SOAK_TR_RATE=${SOAK_TR_RATE:-50}
SOAK_TR_BENCH_RATE=${SOAK_TR_BENCH_RATE:-20}
case_soak_transports() {
	local calls=$((SOAK_TR_RATE * SOAK_SECONDS)) tls_port ws_port usage total ok failed g n rc
	member m1; member m2; member m3
	alloc_ports 1
	tls_port=$PORT
	alloc_ports 1
	ws_port=$PORT
	make_cert ringd.local || return
	CFG_LISTEN="\"tls://127.0.0.1:$tls_port\", \"ws://127.0.0.1:$ws_port\"" \
		CFG_SIP="tls: { cert: \"$DIR/cert.pem\", key: \"$DIR/key.pem\" }" \
		CFG_API=1 CFG_STORE="sqlite:$DIR/ringd.db" RINGD_LOG_LEVEL=info write_config <<-EOF
		extensions:
		$(member_extensions m1 m2 m3)
		$(for n in 2001 2002 2003 2004 3001 3002 3003 3004; do echo "  - { number: \"$n\", name: R$n, password: secret$n }"; done)
		ring_groups:
		  - { number: "6000", name: Mixed, strategy: ring_all, ring_time: 20, skip_busy: false,
		      members: [{ extension: "1001" }, { extension: "1002" }, { extension: "1003" }, { extension: "2001" }, { extension: "3001" }] }
		  - { number: "6001", name: OnWS, strategy: ring_all, ring_time: 20, skip_busy: false,
		      members: [{ extension: "3001" }, { extension: "3002" }, { extension: "3003" }, { extension: "3004" }] }
		  - { number: "6002", name: OnTLS, strategy: ring_all, ring_time: 20, skip_busy: false,
		      members: [{ extension: "2001" }, { extension: "2002" }, { extension: "2003" }, { extension: "2004" }] }
	EOF
	check_config && serve_api || return
	local SIPP_TIMEOUT_S=$((SOAK_SECONDS + 90))
	# ringbench runs 10 s longer than SIPp's calls: its members must outlive
	# the calls of 6000 they answer.
	local bench=(-profile answer:50ms -rate "$SOAK_TR_BENCH_RATE" -duration "$((SOAK_SECONDS + 10))s" -hold "${SOAK_TALK_MS}ms"
		-register -expires 60s -timeout 30s -interval 10s)
	"$RINGBENCH" -proxy "127.0.0.1:$tls_port" -transport tls -members 2001-2004 \
		-caller-proxy "127.0.0.1:$ws_port" -caller-transport ws -group 6002 "${bench[@]}" >"$DIR/bench_tls.out" 2>&1 &
	UAS_PID[bench_tls]=$!
	"$RINGBENCH" -proxy "127.0.0.1:$ws_port" -transport ws -members 3001-3004 \
		-caller-proxy "127.0.0.1:$tls_port" -caller-transport tls -group 6001 "${bench[@]}" >"$DIR/bench_ws.out" 2>&1 &
	UAS_PID[bench_ws]=$!
	# Until both have registered their members (2001 and 3001 ring for 6000 too).
	for ((n = 0; n < 100; n++)); do
		(($(cat "$DIR/bench_tls.out" "$DIR/bench_ws.out" | grep -c 'members registered') == 2)) && break
		sleep 0.1
	done
	((n < 100)) || { fail "ringbench did not register its members within 10 s: $(tail -2 "$DIR/bench_tls.out" "$DIR/bench_ws.out" | paste -sd';')"; return; }
	start_uas m1 uas_load_member.xml "$calls" -recv_timeout "$SOAK_RING_MS"
	start_uas m3 uas_unavailable.xml "$calls"
	start_sink m2 || return
	run_uac uac_call.xml "$calls" -r "$SOAK_TR_RATE" -l "$SOAK_LIMIT" -d "$SOAK_TALK_MS" -trace_stat -stf "$DIR/uac.csv" -fd 5
	check_uac
	wait_uas m1; wait_uas m3
	for g in tls ws; do
		rc=0
		wait "${UAS_PID[bench_$g]}" || rc=$?
		unset "UAS_PID[bench_$g]"
		((rc == 0)) || fail "ringbench with $g members exited $rc: $(tail -3 "$DIR/bench_$g.out" | paste -sd';')"
	done
	read -r total ok failed < <(csv "$DIR/uac.csv" TotalCallCreated "SuccessfulCall(C)" "FailedCall(C)")
	((${failed:-1} == 0 && ${ok:-0} == calls)) || fail "SIPp caller (UDP): ${ok:-?} of $calls calls successful, ${failed:-?} failed"
	NOTE="6000 (UDP caller): $ok of $calls answered"
	local -A want=([6000]=$ok)
	local line att ans fl group caller
	for g in tls ws; do
		group=6002 caller=WebSocket
		[[ $g == ws ]] && group=6001 caller=TLS
		line=$(grep -m1 '^calls ' "$DIR/bench_$g.out" || true)
		read -r att ans fl < <(sed -nE 's/^calls +([0-9]+) attempted, ([0-9]+) answered, ([0-9]+) failed.*/\1 \2 \3/p' <<<"$line")
		((${att:-0} > 0 && ${fl:-1} == 0 && ans == att)) ||
			fail "$group ($caller caller, $g members): ${line:-no summary}: $(grep -m1 'failures:' "$DIR/bench_$g.out" || true)"
		grep -q 'REGISTER refreshes failed' "$DIR/bench_$g.out" &&
			fail "$g members: $(grep -o '[0-9]* REGISTER refreshes failed' "$DIR/bench_$g.out")"
		want[$group]=${ans:-0}
		NOTE+="; $group ($caller caller, $g members): ${ans:-?} of ${att:-?} answered"
	done
	local answered
	for group in 6000 6001 6002; do
		wait_cdr "${want[$group]}" "$group" ||
			fail "group $group: $CDR answered call records (GET /api/v1/cdr), its caller completed ${want[$group]} calls"
		answered=$(metric "ringd_calls_total{group=\"$group\",outcome=\"answered\"}")
		[[ $answered == "${want[$group]}" ]] ||
			fail "ringd_calls_total{group=\"$group\",outcome=\"answered\"} is ${answered:-absent}, its caller completed ${want[$group]} calls"
	done
	usage=$(proc_usage "$RINGD_PID")
	stop_sink m2
	NOTE+="; records and ringd_calls_total{answered} match for all three groups; ringd CPU ${usage% *} s, max RSS ${usage#* } MB"
}

# csv NAME COLUMN...: the last row's values of these columns of a SIPp -trace_stat file.
csv() {
	local f=$1
	shift
	awk -F';' -v want="$*" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ last = $0 } END { n = split(last, v, ";"); k = split(want, w, " ")
			for (j = 1; j <= k; j++) printf "%s%s", v[col[w[j]]], (j < k ? " " : "\n") }' "$f"
}

# summary: the load run's figures (caller's -trace_stat, members' final screens).
summary() {
	local f=$DIR/uac.csv total ok failed rate target elapsed rt len retrans unexp
	read -r total ok failed rate target elapsed retrans unexp < <(csv "$f" TotalCallCreated \
		"SuccessfulCall(C)" "FailedCall(C)" "CallRate(C)" TargetRate "ElapsedTime(C)" \
		"Retransmissions(C)" "FailedUnexpectedMessage(C)")
	read -r rt len < <(csv "$f" "ResponseTime1(C)" "CallLength(C)")
	echo "load: SIPp caller statistics (cumulative)"
	echo "  calls created        $total"
	echo "  successful calls     $ok"
	echo "  failed calls         $failed (unexpected messages: $unexp)"
	echo "  retransmissions      $retrans"
	echo "  call rate            $rate cps over $elapsed (target $target cps)"
	echo "  response time        mean $rt (INVITE -> 200, includes m1's ${LOAD_RING_MS[0]} ms ring)"
	# Percentiles from every call's response time (-trace_rtt: date;ms;rtd).
	cat "$DIR"/uac_call_*_rtt.csv 2>/dev/null | awk -F';' '$2 ~ /^[0-9.]+$/ {print $2}' | sort -n |
		awk '{v[NR] = $1} END { if (NR) printf "  response time (ms)   min %s, p50 %s, p95 %s, p99 %s, max %s (%d calls)\n",
			v[1], v[int(NR * .5) + 1], v[int(NR * .95) + 1], v[int(NR * .99) + 1], v[NR], NR }'
	echo "  call length          mean $len"
	echo "  response time repartition (INVITE -> 200):"
	awk '/Average Response Time Repartition/ {on = 1; next} /Average Call Length/ {on = 0} on && / : / {print "   " $0}' "$DIR/uac.screen"
	sed -nE 's/.*Peak was ([0-9]+) calls.*/  peak concurrent calls: \1/p' "$DIR/uac.screen" | head -1
	local i m
	for i in 1 2 3; do
		m=$DIR/m$i
		printf '  member m%d (rings %4s ms): %s successful, %s failed; answered %s, cancelled %s\n' \
			"$i" "${LOAD_RING_MS[$((i - 1))]}" \
			"$(awk -F'|' '/^  Successful call/ {gsub(/ /, "", $3); v = $3} END {print v}' "$m.screen")" \
			"$(awk -F'|' '/^  Failed call/ {gsub(/ /, "", $3); v = $3} END {print v}' "$m.screen")" \
			"$(grep -c '^BYE ' "$m.msg" || true)" "$(grep -c '^CANCEL ' "$m.msg" || true)"
	done
}

# --- main --------------------------------------------------------------------
if [[ ${1:-} == load ]]; then
	selected=(load)
elif [[ ${1:-} == soak ]]; then
	selected=("${SOAK_CASES[@]}")
elif (($# > 0)); then
	selected=("$@")
else
	selected=("${CASES[@]}")
fi
for c in "${selected[@]}"; do
	declare -F "case_$c" >/dev/null || { echo "unknown case $c (cases: ${CASES[*]} load soak ${SOAK_CASES[*]})" >&2; exit 2; }
done

for c in "${selected[@]}"; do
	run_case "$c"
done
echo "$PASSED passed, $FAILED failed"
if ((FAILED > 0)); then
	echo "logs and SIPp traces: $WORK"
	exit 1
fi
if [[ ${KEEP_LOGS:-} == 1 || ${selected[*]} == load ]]; then
	echo "logs and SIPp traces: $WORK"
else
	rm -rf "$WORK"
fi
