#!/usr/bin/env bash
# SIPp interoperability suite for ringd (SPEC sections 2 and 3).
#
#   bench/sipp/run.sh          every functional case, one line each, then "N passed, N failed"
#   bench/sipp/run.sh load     1,000 calls at 50 calls/s into a 3-member ring_all group
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
	early_media full_join_prompt play_greeting greeting_hangup bad_prompt)

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
CASE=""         # current case name
DIR=""          # its log directory
ERRORS=()       # reasons it failed
RINGD_PID=""
RINGD_PORT=""
declare -A UAS_PORT=() UAS_PID=()
NOTE=""         # figures for its PASS line
PASSED=0
FAILED=0

fail() { ERRORS+=("$*"); }

# member NAME: reserve the ports of a SIPp member before the config is written.
member() {
	alloc_ports 6
	UAS_PORT[$1]=$PORT
}

# sipp_common NAME: sets COMMON to the port and trace options of SIPp process
# NAME: SIP on 127.0.0.1:P, control port P+1, media P+2; traces in $DIR/NAME.*.
sipp_common() {
	local p=${UAS_PORT[$1]}
	COMMON=(-i 127.0.0.1 -p "$p" -cp $((p + 1)) -mp $((p + 2)) -nostdin
		-trace_msg -message_file "$DIR/$1.msg" -trace_err -error_file "$DIR/$1.err"
		-trace_screen -screen_file "$DIR/$1.screen")
}

# write_config: $DIR/ringd.yaml = the sip header (a new port) + the YAML on stdin.
write_config() {
	alloc_ports 1
	RINGD_PORT=$PORT
	{
		cat <<-EOF
			sip:
			  listen: ["udp://127.0.0.1:$RINGD_PORT"]
			  domain: ringd.local
			  trusted: ["127.0.0.0/8"]
			store: "memory:"
			log: { level: ${RINGD_LOG_LEVEL:-debug}, format: text }
		EOF
		cat
	} >"$DIR/ringd.yaml"
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
	if ! "$RINGD" check -config "$DIR/ringd.yaml" >"$DIR/check.out" 2>&1; then
		fail "ringd check rejected the config: $(tr '\n' ' ' <"$DIR/check.out")"
		return 1
	fi
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
	local ms=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
	if ((${#ERRORS[@]} == 0)); then
		printf 'PASS %s (%d.%d s)%s\n' "$CASE" $((ms / 1000)) $((ms % 1000 / 100)) "${NOTE:+: $NOTE}"
		PASSED=$((PASSED + 1))
	else
		local why
		why=$(printf '%s; ' "${ERRORS[@]}")
		echo "FAIL $CASE: ${why%; } (logs: $DIR)"
		FAILED=$((FAILED + 1))
	fi
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
		  - { number: "1001", name: M1, password: p1001, contact: "sip:1001@127.0.0.1:${UAS_PORT[m1]}" }
		  - { number: "1002", name: M2, password: p1002, contact: "sip:1002@127.0.0.1:${UAS_PORT[m2]}" }
		  - { number: "1003", name: M3, password: p1003, contact: "sip:1003@127.0.0.1:${UAS_PORT[m3]}" }
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
		  - { number: "1001", name: M1, password: p1001, contact: "sip:1001@127.0.0.1:${UAS_PORT[m1]}" }
		  - { number: "1002", name: M2, password: p1002, contact: "sip:1002@127.0.0.1:${UAS_PORT[m2]}" }
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
		  - { number: "1001", name: M1, password: p1001, contact: "sip:1001@127.0.0.1:${UAS_PORT[m1]}" }
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
		  - { number: "1001", name: M1, password: p1001, contact: "sip:1001@127.0.0.1:${UAS_PORT[m1]}" }
		  - { number: "1002", name: M2, password: p1002, contact: "sip:1002@127.0.0.1:${UAS_PORT[m2]}" }
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
		  - { number: "1001", name: M1, password: p1001, contact: "sip:1001@127.0.0.1:${UAS_PORT[m1]}" }
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
		  - { number: "1001", name: M1, password: p1001, contact: "sip:1001@127.0.0.1:${UAS_PORT[m1]}" }
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

# load: LOAD_CALLS calls at LOAD_RATE calls/s (at most LOAD_LIMIT at once) into
# a 3-member ring_all group; each member answers after its ring time unless
# ringd cancelled it first. 0 failed calls expected, on every SIPp.
case_load() {
	member m1; member m2; member m3
	RINGD_LOG_LEVEL=info start_ringd <<-EOF || return
		extensions:
		  - { number: "1001", name: M1, password: p1001, contact: "sip:1001@127.0.0.1:${UAS_PORT[m1]}" }
		  - { number: "1002", name: M2, password: p1002, contact: "sip:1002@127.0.0.1:${UAS_PORT[m2]}" }
		  - { number: "1003", name: M3, password: p1003, contact: "sip:1003@127.0.0.1:${UAS_PORT[m3]}" }
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
elif (($# > 0)); then
	selected=("$@")
else
	selected=("${CASES[@]}")
fi
for c in "${selected[@]}"; do
	declare -F "case_$c" >/dev/null || { echo "unknown case $c (cases: ${CASES[*]} load)" >&2; exit 2; }
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
