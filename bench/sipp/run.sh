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
# Needs: go, sipp (Debian package sip-tester), ss (iproute2).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

CASES=(ring_all prioritized_hunt busy busy_ack failover cancel max_forwards nobody_there)

# Timing knobs, in milliseconds unless named _S (seconds).
ANSWER_MS=300     # ring time of an answering member (uas_answer.xml -d)
TALK_MS=200       # caller talk time before BYE (uac_call.xml -d)
SIPP_TIMEOUT_S=20 # hard limit for every SIPp process (-timeout, -timeout_error)

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

# start_ringd: write $DIR/ringd.yaml (sip header + the YAML on stdin), check it,
# serve it, wait until it listens.
start_ringd() {
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
	if ! "$RINGD" check -config "$DIR/ringd.yaml" >"$DIR/check.out" 2>&1; then
		fail "ringd check rejected the config: $(tr '\n' ' ' <"$DIR/check.out")"
		return 1
	fi
	"$RINGD" serve -config "$DIR/ringd.yaml" 2>"$DIR/ringd.log" &
	RINGD_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		port_busy "$RINGD_PORT" && return 0
		kill -0 "$RINGD_PID" 2>/dev/null || break
		sleep 0.05
	done
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

run_case() {
	CASE=$1
	DIR=$WORK/$CASE
	mkdir -p "$DIR"
	ERRORS=()
	UAS_PORT=()
	UAS_PID=()
	RINGD_PID=""
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
		printf 'PASS %s (%d.%d s)\n' "$CASE" $((ms / 1000)) $((ms % 1000 / 100))
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
