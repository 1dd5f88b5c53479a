#!/usr/bin/env bash
# bench/compare: ringd and Kamailio side by side, same SIPp scenarios, same
# machine, one run; writes bench/RESULTS.md (make compare).
#
#   bench/compare/run.sh            ramps + in-flight test for both proxies
#   SCENARIOS="single" PROXIES=ringd RATES="100 500" bench/compare/run.sh
#
# Addresses (all UDP port 5060, loopback only): caller 127.0.0.1, proxy
# 127.0.0.2, members 127.0.0.3 (m1) and 127.0.0.4 (m2).
#
# Scenarios (number dialled; the same routing in both proxies, see
# kamailio.cfg and ringd_config below):
#   single     7001: one member, answers after RING_MS
#   ring_all_2 7002: two members ring at once; m1 answers after RING_MS, the
#                    proxy cancels m2 (which would ring for 5 s)
#   hunt_busy  7003: prioritized hunt; m1 answers 486 Busy at once, the proxy
#                    moves on to m2, which answers after RING_MS
# Every call: the caller talks TALK_MS after the 200, then hangs up (BYE).
#
# Per scenario and proxy a bounded ramp: each rate of RATES for STEP_S
# seconds on a freshly started proxy, until a step is not clean (a failed or
# unfinished call, a member counting a failed call, or the caller reaching
# less than 95% of the rate) twice in a row (RETRIES=1: one more attempt on
# a fresh proxy; RETRIES=0 stops at the first). Per
# step: calls successful/failed/unfinished (the caller's view; members'
# failed calls too), achieved
# calls/s, proxy CPU microseconds per call (utime+stime of every proxy
# process from /proc/PID/stat), proxy peak memory (sum of Pss of its
# processes: Kamailio's shared memory is counted once; for ringd Pss = RSS),
# UDP receive-buffer errors (/proc/net/snmp, whole machine) and, for ringd,
# the p99 of ringd_route_decision_seconds.
#
# Then CPU per call at CPU_RATE: CPU_REPEAT runs of CPU_STEP_S seconds per
# scenario and proxy (the report takes the median). Then the in-flight test: INFLIGHT_CALLS calls at INFLIGHT_RATE calls/s to
# 7001 that ring for INFLIGHT_HOLD_MS and are then cancelled by the caller;
# memory per call in flight at the peak, and memory 60 s after the load.
#
# RINGD_BIN: run this ringd binary instead of building the tree's.
# RINGD_LOG_LEVEL: ringd's log level (info, the default, logs a line per
# call; Kamailio's config logs none).
#
# Installs sip-tester (SIPp) and kamailio with apt-get when missing.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SIPP_DIR=$ROOT/bench/sipp

RATES=${RATES:-"250 500 750 1000 1500 2000 2500 3000 4000"}
STEP_S=${STEP_S:-6}
CPU_RATE=${CPU_RATE:-500}
CPU_STEP_S=${CPU_STEP_S:-20}
CPU_REPEAT=${CPU_REPEAT:-3}
RING_MS=${RING_MS:-100}
TALK_MS=${TALK_MS:-1000}
SCENARIOS=${SCENARIOS-"single ring_all_2 hunt_busy"}
PROXIES=${PROXIES:-"ringd kamailio"}
INFLIGHT=${INFLIGHT:-1}
RETRIES=${RETRIES:-1} # 1: a step that is not clean is run once more before the ramp stops
INFLIGHT_CALLS=${INFLIGHT_CALLS:-12000}
INFLIGHT_RATE=${INFLIGHT_RATE:-500}
INFLIGHT_HOLD_MS=${INFLIGHT_HOLD_MS:-22000}
SETTLE_S=${SETTLE_S:-60}
KAMAILIO_CHILDREN=${KAMAILIO_CHILDREN:-4}
# ringd's Go scheduler threads (GOMAXPROCS). 1 by default here: the SIPp
# caller and members share the machine's CPUs with the proxy, and a second
# Go thread mostly spins waiting for work they hold (measured on the 2-CPU
# VM, ring_all_2 at 500 calls/s: 1263 vs 1657 us of CPU per call, clean up
# to 1500 vs 1000 calls/s). Empty: Go's default (every CPU).
RINGD_GOMAXPROCS=${RINGD_GOMAXPROCS-1}
RINGD_STORE=${RINGD_STORE:-sqlite} # or memory; see ringd_config
KAMAILIO_SHM_MB=${KAMAILIO_SHM_MB:-1024}
# Kamailio's receive buffers may grow to this (-b), as ringd asks for 8 MB.
KAMAILIO_BUF=${KAMAILIO_BUF:-8388608}
OUT=${OUT:-$ROOT/bench/RESULTS.md}

CALLER=127.0.0.1
PROXY=127.0.0.2
M1=127.0.0.3
M2=127.0.0.4
PORT=5060
HTTP_PORT=18080

# --- tools -------------------------------------------------------------------
need_pkg() { # COMMAND PACKAGE
	command -v "$1" >/dev/null && return 0
	local s=""
	[[ $(id -u) == 0 ]] || s="sudo -n"
	$s apt-get update -qq && DEBIAN_FRONTEND=noninteractive $s apt-get install -y -qq "$2" >/dev/null
}
need_pkg sipp sip-tester
need_pkg kamailio kamailio
need_pkg ss iproute2

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ringd-compare.XXXXXX")
echo "compare: logs in $WORK"
RINGD=$WORK/ringd
if [[ -n ${RINGD_BIN:-} ]]; then # a ringd built elsewhere, e.g. to compare two revisions
	cp "$RINGD_BIN" "$RINGD"
	RINGD_REV=${RINGD_REV:-$RINGD_BIN}
else
	(cd "$ROOT" && go build -o "$RINGD" ./cmd/ringd)
	# the tree the binary was built from, for the report
	RINGD_REV=$(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo unknown)
fi
export RINGD_REV

PIDS=() # background processes to kill on exit
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -KILL -- "-$p" "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

udp_busy() { [[ -n "$(ss -Hlnu "src $1:$2")" ]]; }
for a in $CALLER $PROXY $M1 $M2; do
	if udp_busy "$a" "$PORT"; then
		echo "compare: udp $a:$PORT is in use; stop what listens there" >&2
		exit 2
	fi
done

# --- proxies -----------------------------------------------------------------
# ringd_config DIR: ringd's config. Its store is a SQLite file in DIR, as
# in production (SPEC's default): every call writes its record there. With
# RINGD_STORE=memory the store lives in memory and keeps every record for
# good, so memory cannot go back to where it started (3% less CPU per call
# at 500 calls/s: 955 against 982 us for single).
ringd_config() {
	local store="sqlite:$1/ringd.db"
	[[ $RINGD_STORE == memory ]] && store="memory:"
	cat <<-EOF
		sip:
		  listen: ["udp://$PROXY:$PORT"]
		  domain: ringd.local
		  trusted: ["127.0.0.0/8"]
		http: { listen: "$PROXY:$HTTP_PORT", tokens: [bench], pprof: true }
		store: "$store"
		log: { level: ${RINGD_LOG_LEVEL:-info}, format: text }
		extensions:
		  - { number: "1001", name: M1, contact: "sip:1001@$M1:$PORT" }
		  - { number: "1002", name: M2, contact: "sip:1002@$M2:$PORT" }
		ring_groups:
		  - { number: "7001", name: Single, strategy: ring_all, ring_time: 60, skip_busy: false,
		      members: [{ extension: "1001" }] }
		  - { number: "7002", name: RingAll2, strategy: ring_all, ring_time: 60, skip_busy: false,
		      members: [{ extension: "1001" }, { extension: "1002" }] }
		  - { number: "7003", name: HuntBusy, strategy: prioritized_hunt, ring_time: 60, skip_busy: false,
		      members: [{ extension: "1001" }, { extension: "1002" }] }
	EOF
}

PROXY_PID=""
# start_proxy NAME DIR: in its own process group (setsid), so that every
# process of it can be found with pgrep -g.
start_proxy() {
	local name=$1 dir=$2 i
	case $name in
	ringd)
		ringd_config "$dir" >"$dir/ringd.yaml"
		"$RINGD" check -config "$dir/ringd.yaml" >/dev/null
		# RINGD_FLAGS: extra serve flags, e.g. "-cpuprofile FILE".
		if [[ -n $RINGD_GOMAXPROCS ]]; then
			GOMAXPROCS=$RINGD_GOMAXPROCS setsid "$RINGD" serve -config "$dir/ringd.yaml" ${RINGD_FLAGS:-} 2>"$dir/proxy.log" &
		else
			setsid "$RINGD" serve -config "$dir/ringd.yaml" ${RINGD_FLAGS:-} 2>"$dir/proxy.log" &
		fi
		;;
	kamailio)
		setsid kamailio -f "$HERE/kamailio.cfg" -DD -E -m "$KAMAILIO_SHM_MB" -M 16 \
			-A "LISTEN=udp:$PROXY:$PORT" -A "M1=\"sip:1001@$M1:$PORT\"" -A "M2=\"sip:1002@$M2:$PORT\"" \
			-A "CHILDREN=$KAMAILIO_CHILDREN" -b "$KAMAILIO_BUF" -Y "$dir" -P "$dir/kamailio.pid" >"$dir/proxy.log" 2>&1 &
		;;
	esac
	PROXY_PID=$!
	PIDS+=("$PROXY_PID")
	for ((i = 0; i < 100; i++)); do
		if udp_busy "$PROXY" "$PORT"; then
			sleep 0.3 # Kamailio binds before its children are forked
			return 0
		fi
		kill -0 "$PROXY_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "compare: $name did not start (see $dir/proxy.log)" >&2
	tail -5 "$dir/proxy.log" >&2
	exit 1
}

stop_proxy() {
	kill -TERM -- "-$PROXY_PID" 2>/dev/null || true
	local i
	for ((i = 0; i < 100; i++)); do
		pgrep -g "$PROXY_PID" >/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$PROXY_PID" 2>/dev/null || true
	wait "$PROXY_PID" 2>/dev/null || true
	PROXY_PID=""
}

# cpu_ticks: utime+stime of every process of the proxy, in clock ticks.
cpu_ticks() {
	local p sum=0 f
	for p in $(pgrep -g "$PROXY_PID"); do
		f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		f=${f##*) } # fields from 3 (state) on; comm may hold spaces
		read -ra v <<<"$f"
		sum=$((sum + v[11] + v[12])) # fields 14 and 15
	done
	echo "$sum"
}

# pss_kb: the proxy's memory, the sum of Pss of its processes, and the same
# without the pages of files it maps (its program and libraries: clean pages
# the kernel can drop at any time), "PSS ANON_SHMEM".
pss_kb() {
	local p sum=0 anon=0 kb
	for p in $(pgrep -g "$PROXY_PID"); do
		kb=$(awk '/^Pss:/ { t = $2 } /^Pss_File:/ { f = $2 } END { print t + 0, t - f }' "/proc/$p/smaps_rollup" 2>/dev/null) || continue
		sum=$((sum + ${kb% *})) anon=$((anon + ${kb#* }))
	done
	echo "$sum $anon"
}

# sampler FILE: every 0.2 s, the proxy's memory, one line "epoch-ms kB
# kB-without-file-pages".
SAMPLER=""
start_sampler() {
	(while :; do
		echo "$(date +%s%3N) $(pss_kb)"
		sleep 0.2
	done) >"$1" &
	SAMPLER=$!
	PIDS+=("$SAMPLER")
}
stop_sampler() { kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true; }

# proxy_drops: datagrams the kernel dropped on the proxy's own sockets
# (127.0.0.2:5060) because their receive buffers were full: the last
# column of /proc/net/udp, summed over the sockets bound there.
proxy_drops() {
	local hex
	hex=$(printf '%02X%02X%02X%02X:%04X' $(echo "$PROXY" | awk -F. '{print $4, $3, $2, $1}') "$PORT")
	awk -v a="$hex" '$2 == a { d += $NF } END { print d + 0 }' /proc/net/udp
}

rcvbuf_errors() { awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["RcvbufErrors"] }' /proc/net/snmp; }

# decision_buckets: ringd's ringd_route_decision_seconds buckets and count
# (name, value), from /metrics.
decision_buckets() {
	curl -fsS "http://$PROXY:$HTTP_PORT/metrics" 2>/dev/null |
		awk '/^ringd_route_decision_seconds_(bucket|count)/ { print $1, $NF }'
}

# decision_p99 [SINCE]: upper bound (us) of the bucket of
# ringd_route_decision_seconds holding the 99th percentile; with SINCE (a
# file of decision_buckets) of the decisions made since it was taken.
decision_p99() {
	decision_buckets | awk -v since="${1:-/dev/null}" '
		BEGIN { while ((getline l < since) > 0) { split(l, f, " "); base[f[1]] = f[2] } }
		/_bucket/ { match($1, /le="[^"]+"/); n++; les[n] = substr($1, RSTART + 4, RLENGTH - 5); cnt[n] = $2 - base[$1] }
		/_count/ { total = $2 - base[$1] }
		END { if (!total) { print "-"; exit }
			for (i = 1; i <= n; i++) if (cnt[i] >= 0.99 * total) {
				if (les[i] == "+Inf") print "inf"; else printf "%.1f\n", les[i] * 1e6; exit } }'
}

# --- SIPp ----------------------------------------------------------------------
MEMBER_PIDS=()
# member NAME ADDR XML CALLS [options]: a SIPp member in the background.
member() {
	local name=$1 addr=$2 xml=$3 calls=$4
	shift 4
	(cd "$DIR" && exec sipp -sf "$xml" -i "$addr" -p "$PORT" -mp 16000 -m "$calls" -nostdin \
		-trace_err -error_file "$DIR/$name.err" -trace_screen -screen_file "$DIR/$name.screen" "$@") \
		>"$DIR/$name.out" 2>&1 &
	MEMBER_PIDS+=($!)
	PIDS+=($!)
}

# wait_members SECONDS: give the members that long to finish, then stop them.
wait_members() {
	local deadline=$(($(date +%s) + $1)) p
	for p in "${MEMBER_PIDS[@]}"; do
		while kill -0 "$p" 2>/dev/null && (($(date +%s) < deadline)); do sleep 0.1; done
		# SIGTERM: SIPp still writes its final screen (with its counts).
		kill -TERM "$p" 2>/dev/null && sleep 1 && kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	MEMBER_PIDS=()
}

# member_failed: calls the members counted as failed (their final screens;
# "?" when a member left none).
member_failed() {
	local f n sum=0
	for f in "$DIR"/m*.screen; do
		n=$(grep -E '^  Failed call' "$f" 2>/dev/null | tail -1 | awk -F'|' '{ gsub(/ /, "", $3); print $3 }')
		[[ -n $n ]] || { echo "?"; return; }
		sum=$((sum + n))
	done
	echo "$sum"
}

# caller_stat COLUMN...: the last row of the caller's -trace_stat file.
caller_stat() {
	awk -F';' -v want="$*" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ last = $0 } END { n = split(last, v, ";"); k = split(want, w, " ")
			for (j = 1; j <= k; j++) printf "%s%s", v[col[w[j]]], (j < k ? " " : "\n") }' "$DIR/caller.csv"
}

# members_of SCENARIO CALLS: start the scenario's members.
members_of() {
	local calls=$2
	case $1 in
	single)
		member m1 "$M1" "$SIPP_DIR/uas_answer.xml" "$calls" -d "$RING_MS"
		;;
	ring_all_2)
		member m1 "$M1" "$SIPP_DIR/uas_load_member.xml" "$calls" -recv_timeout "$RING_MS"
		member m2 "$M2" "$SIPP_DIR/uas_load_member.xml" "$calls" -recv_timeout 5000
		;;
	hunt_busy)
		member m1 "$M1" "$SIPP_DIR/uas_busy.xml" "$calls"
		member m2 "$M2" "$SIPP_DIR/uas_answer.xml" "$calls" -d "$RING_MS"
		;;
	esac
}

number_of() { case $1 in single) echo 7001 ;; ring_all_2) echo 7002 ;; hunt_busy) echo 7003 ;; esac; }

ROWS=$WORK/rows.tsv # proxy scenario rate calls ok failed unfinished cps cpu_us peak_kb rcvbuf p99 member_failed proxy_drops p99_after_1s
: >"$ROWS"
CPU_ROWS=$WORK/cpu.tsv # the same columns, for the CPU runs at CPU_RATE
: >"$CPU_ROWS"

# step PROXY SCENARIO RATE: one step of a ramp; appends a row, returns 0 when clean.
step() {
	local proxy=$1 scen=$2 rate=$3 calls=$(($3 * STEP_S))
	DIR=$WORK/$proxy-$scen-$rate${STEP_TAG:+-$STEP_TAG}
	mkdir -p "$DIR"
	start_proxy "$proxy" "$DIR"
	members_of "$scen" "$calls"
	sleep 0.3
	local c0 e0 t0 t1 c1 e1 rc=0
	c0=$(cpu_ticks)
	e0=$(rcvbuf_errors)
	start_sampler "$DIR/pss.txt"
	# The decisions of the first second - a freshly started process faulting
	# its memory in - are left out of the steady-state p99.
	[[ $proxy == ringd ]] && { sleep 1 && decision_buckets >"$DIR/decisions-1s.txt"; } &
	t0=$(date +%s%N)
	# SIPp's own -timeout does not always stop it when calls hang: timeout(1) does.
	(cd "$DIR" && exec timeout -k 5 $((STEP_S + 40)) sipp "$PROXY:$PORT" -sf "$SIPP_DIR/uac_call.xml" -s "$(number_of "$scen")" \
		-i "$CALLER" -p "$PORT" -mp 16000 -r "$rate" -m "$calls" -l $((rate * 10 + 100)) -d "$TALK_MS" \
		-nostdin -timeout $((STEP_S + 30))s -trace_stat -stf "$DIR/caller.csv" -fd 1 \
		-trace_err -error_file "$DIR/caller.err" -trace_screen -screen_file "$DIR/caller.screen") \
		>"$DIR/caller.out" 2>&1 || rc=$?
	t1=$(date +%s%N)
	wait_members 5
	c1=$(cpu_ticks)
	# HEAP_PROFILE=1: ringd's heap profile at the end of the load (go tool pprof).
	if [[ $proxy == ringd && ${HEAP_PROFILE:-} == 1 ]]; then
		curl -fsS -H 'Authorization: Bearer bench' -o "$DIR/heap.pprof" "http://$PROXY:$HTTP_PORT/debug/pprof/heap?gc=1" || true
	fi
	e1=$(rcvbuf_errors)
	stop_sampler
	local p99="-" p99s="-" drops
	[[ $proxy == ringd ]] && p99=$(decision_p99) && p99s=$(decision_p99 "$DIR/decisions-1s.txt")
	drops=$(proxy_drops)
	stop_proxy

	local created ok failed unfinished cps cpu peak hz mfailed
	read -r created ok failed < <(caller_stat TotalCallCreated "SuccessfulCall(C)" "FailedCall(C)")
	created=${created:-0} ok=${ok:-0} failed=${failed:-0}
	unfinished=$((calls - ok - failed))
	# Achieved rate: calls created over the time the caller spent creating
	# them (its run minus the last call's ring and talk time).
	cps=$(awk -v c="$created" -v ns=$((t1 - t0)) -v tail_ms=$((TALK_MS + RING_MS)) \
		'BEGIN { s = ns / 1e9 - tail_ms / 1000; if (s < 0.1) s = 0.1; printf "%.0f", c / s }')
	hz=$(getconf CLK_TCK)
	cpu=$(awk -v t=$((c1 - c0)) -v hz="$hz" -v n="$ok" 'BEGIN { if (n) printf "%.0f", t * 1e6 / hz / n; else print "-" }')
	peak=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$DIR/pss.txt")
	mfailed=$(member_failed)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$proxy" "$scen" "$rate" "$calls" "$ok" "$failed" \
		"$unfinished" "$cps" "$cpu" "$peak" $((e1 - e0)) "$p99" "$mfailed" "$drops" "$p99s" >>"$ROWS"
	printf 'compare: %-8s %-10s %5s/s: %6s ok %4s failed %4s unfinished (members: %s failed), %5s calls/s, %5s us CPU/call, peak %6s kB, %s rcvbuf errors (%s at the proxy), decision p99 %s us (%s after the first second) (sipp rc %s)\n' \
		"$proxy" "$scen" "$rate" "$ok" "$failed" "$unfinished" "$mfailed" "$cps" "$cpu" "$peak" $((e1 - e0)) "$drops" "$p99" "$p99s" "$rc"
	[[ $failed == 0 && $unfinished == 0 && $mfailed == 0 ]] && awk -v a="$cps" -v r="$rate" 'BEGIN { exit !(a >= 0.95 * r) }'
}

# --- in-flight test ------------------------------------------------------------
INFLIGHT_ROWS=$WORK/inflight.tsv # proxy calls ok failed unfinished base_kb peak_kb inflight per_call_b after_kb back_s p99 base_anon_kb after_anon_kb back_anon_s

# back_after STOPPED_MS BASELINE_KB COLUMN FILE: seconds from the end of the
# load until the sampled memory (COLUMN of the sampler's FILE) was within 10%
# (and 2 MB) of the baseline; "-" when it never was.
back_after() {
	awk -v s="$1" -v b="$2" -v c="$3" '$1 >= s && $c <= b * 1.1 + 2048 { printf "%.0f", ($1 - s) / 1000; f = 1; exit }
		END { if (!f) print "-" }' "$4"
}
: >"$INFLIGHT_ROWS"

inflight() {
	local proxy=$1 calls=$INFLIGHT_CALLS rate=$INFLIGHT_RATE hold=$INFLIGHT_HOLD_MS
	DIR=$WORK/$proxy-inflight
	mkdir -p "$DIR"
	start_proxy "$proxy" "$DIR"
	member m1 "$M1" "$SIPP_DIR/uas_ring.xml" "$calls"
	sleep 1
	local base rc=0
	read -r base base_anon < <(pss_kb)
	start_sampler "$DIR/pss.txt"
	if [[ $proxy == ringd && ${HEAP_PROFILE:-} == 1 ]]; then # profiles when the most calls ring
		(sleep $((hold / 1000)) && for p in heap goroutine; do
			curl -fsS -H 'Authorization: Bearer bench' -o "$DIR/$p.pprof" "http://$PROXY:$HTTP_PORT/debug/pprof/$p"
		done) &
	fi
	(cd "$DIR" && exec timeout -k 5 $((calls / rate + hold / 1000 + 70)) sipp "$PROXY:$PORT" -sf "$HERE/uac_hold_cancel.xml" -s 7001 \
		-i "$CALLER" -p "$PORT" -mp 16000 -r "$rate" -m "$calls" -l $((calls + 100)) -d "$hold" \
		-nostdin -timeout $((calls / rate + hold / 1000 + 60))s -trace_stat -stf "$DIR/caller.csv" -fd 1 \
		-trace_err -error_file "$DIR/caller.err" -trace_screen -screen_file "$DIR/caller.screen") \
		>"$DIR/caller.out" 2>&1 || rc=$?
	local stopped_ms
	stopped_ms=$(date +%s%3N)
	wait_members 5
	sleep "$SETTLE_S"
	stop_sampler
	if [[ $proxy == ringd && ${HEAP_PROFILE:-} == 1 ]]; then # and what is left after the load
		cat "/proc/$PROXY_PID/smaps" >"$DIR/smaps-after.txt" 2>/dev/null || true
		curl -fsS -H 'Authorization: Bearer bench' -o "$DIR/heap-after.pprof" "http://$PROXY:$HTTP_PORT/debug/pprof/heap?gc=1" || true
		curl -fsS -o "$DIR/metrics-after.txt" "http://$PROXY:$HTTP_PORT/metrics" || true
	fi
	local p99="-"
	[[ $proxy == ringd ]] && p99=$(decision_p99)
	stop_proxy
	local ok failed peak_ms inflight peak per after after_anon back back_anon
	read -r ok failed < <(caller_stat "SuccessfulCall(C)" "FailedCall(C)")
	ok=${ok:-0} failed=${failed:-0}
	# The caller's per-second statistics: when were most calls in flight
	# (CurrentCall), and how many.
	read -r peak_ms inflight < <(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ n = split($c["CurrentTime"], t, /[ \t]+/); if ($c["CurrentCall"] + 0 > m) { m = $c["CurrentCall"]; at = t[n] * 1000 } }
		END { printf "%.0f %d\n", at, m }' "$DIR/caller.csv")
	# The proxy's memory then (the highest sample up to that second).
	peak=$(awk -v t="$peak_ms" '$1 <= t && $2 > m { m = $2 } END { print m + 0 }' "$DIR/pss.txt")
	per=$(awk -v p="$peak" -v b="$base" -v n="$inflight" 'BEGIN { if (n > 0) printf "%.0f", (p - b) * 1024 / n; else print "-" }')
	read -r after after_anon < <(tail -1 "$DIR/pss.txt" | cut -d' ' -f2,3)
	# Seconds after the load stopped until memory was back within 10% (and
	# 2 MB) of the baseline; "-" when it never was within SETTLE_S.
	back=$(back_after "$stopped_ms" "$base" 2 "$DIR/pss.txt")
	back_anon=$(back_after "$stopped_ms" "$base_anon" 3 "$DIR/pss.txt")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$proxy" "$calls" "$ok" "$failed" $((calls - ok - failed)) \
		"$base" "$peak" "$inflight" "$per" "$after" "$back" "$p99" "$base_anon" "$after_anon" "$back_anon" >>"$INFLIGHT_ROWS"
	printf 'compare: %-8s in flight: %s calls, %s ok %s failed; memory %s kB -> %s kB with %s in flight (%s B/call), %s kB %ss after; back to baseline after %s s; without file pages %s kB -> %s kB, back after %s s; decision p99 %s us (sipp rc %s)\n' \
		"$proxy" "$calls" "$ok" "$failed" "$base" "$peak" "$inflight" "$per" "$after" "$SETTLE_S" "$back" "$base_anon" "$after_anon" "$back_anon" "$p99" "$rc"
}

# --- run -------------------------------------------------------------------------
for scen in $SCENARIOS; do
	for proxy in $PROXIES; do
		for rate in $RATES; do
			step "$proxy" "$scen" "$rate" && continue
			# On a 2-CPU machine SIPp itself falls behind now and then: a step
			# that is not clean runs once more, for both proxies alike.
			if ((RETRIES > 0)); then
				echo "compare: $proxy $scen $rate/s was not clean: once more"
				step "$proxy" "$scen" "$rate" && continue
			fi
			break
		done
	done
done
# CPU per call at CPU_RATE: CPU_REPEAT runs of CPU_STEP_S seconds per
# scenario and proxy, the proxies taking turns; the report takes the median.
# A 6-second ramp step alone moves by 15% from run to run on this machine.
for ((rep = 1; rep <= CPU_REPEAT; rep++)); do
	for scen in $SCENARIOS; do
		for proxy in $PROXIES; do
			ROWS=$CPU_ROWS STEP_S=$CPU_STEP_S STEP_TAG=cpu$rep step "$proxy" "$scen" "$CPU_RATE" || true
		done
	done
done
if [[ $INFLIGHT == 1 ]]; then
	for proxy in $PROXIES; do inflight "$proxy"; done
fi

export RATES STEP_S CPU_RATE CPU_STEP_S CPU_REPEAT RING_MS TALK_MS RETRIES INFLIGHT_CALLS INFLIGHT_RATE INFLIGHT_HOLD_MS SETTLE_S KAMAILIO_CHILDREN KAMAILIO_SHM_MB RINGD_GOMAXPROCS
"$HERE/report.sh" "$ROWS" "$INFLIGHT_ROWS" "$CPU_ROWS" >"$OUT"
echo "compare: wrote $OUT"
