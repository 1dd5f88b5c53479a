#!/usr/bin/env bash
# bench/compare: ringd and Kamailio side by side, same SIPp scenarios, same
# machine, one run; writes bench/RESULTS.md and appends its summary to
# bench/HISTORY.md (make compare; about 80 minutes with the defaults).
#
#   bench/compare/run.sh            ramps, CPU runs and in-flight test
#   SCENARIOS="single" PROXIES="ringd kamailio-2" RATES="100 500" bench/compare/run.sh
#   RATES="250 500" STEP_S=2 CPU_RATES=250 CPU_STEP_S=3 CPU_REPEAT=1 INFLIGHT=0 \
#     OUT=/tmp/r.md HISTORY=/tmp/h.md bench/compare/run.sh   # a quick try
#
# Addresses (all UDP port 5060, loopback only): caller 127.0.0.1, proxy
# 127.0.0.2, members 127.0.0.3 (m1) and 127.0.0.4 (m2).
#
# Proxy variants (PROXIES, "ringd ringd-tuned kamailio-1 kamailio-2
# kamailio-4" by default), each on a freshly started process per step:
#   ringd        as a user runs it: no GOMAXPROCS, no GOGC (both are taken
#                out of the environment; ringd picks its own scheduler
#                threads). RINGD_GOMAXPROCS=N sets GOMAXPROCS for it, for
#                experiments only (the report says so).
#   ringd-tuned  ringd with RINGD_TUNED_ENV ("GOMAXPROCS=1 GOGC=400").
#   kamailio-N   Kamailio with children=N (kamailio.cfg), shm
#                KAMAILIO_SHM_MB, receive buffers KAMAILIO_BUF.
#
# Scenarios (number dialled; the same routing in both proxies, see
# kamailio.cfg and ringd_config below):
#   single     7001: one member, answers after the ring time
#   ring_all_2 7002: two members ring at once; m1 answers after the ring
#                    time, the proxy cancels m2 (which would ring for 5 s)
#   hunt_busy  7003: prioritized hunt; m1 answers 486 Busy at once, the proxy
#                    moves on to m2, which answers after the ring time
# Call shapes (the members' ring time and the caller's talk time):
#   talk       members ring RING_MS (100) before answering, the caller talks
#              TALK_MS (1000) after the 200, then hangs up (BYE)
#   instant    members answer at once (ring_all_2's m1 after SIPp's shortest
#              receive timeout, 1 ms), the caller hangs up at once; SIPp
#              lets messages that arrive out of order pass (members_of)
#
# 1. Ramps, every variant and scenario, shape talk: each rate of RATES for
# STEP_S seconds on a freshly started proxy, until a step is not clean (a
# failed or unfinished call, a member counting a failed call, or the caller
# reaching less than 95% of the rate) twice in a row (RETRIES=1: one more
# attempt on a fresh proxy; RETRIES=0 stops at the first). Per step: calls
# successful/failed/unfinished (the caller's view; members' failed calls
# too), achieved calls/s, proxy CPU microseconds per call (utime+stime of
# every proxy process from /proc/PID/stat), proxy peak memory (sum of Pss of
# its processes: Kamailio's shared memory is counted once; for ringd Pss =
# RSS), UDP receive-buffer errors (/proc/net/snmp, whole machine) and, for
# ringd variants, the p99 of ringd_route_decision_seconds and the Go
# runtime's allocations, bytes allocated and GC cycles per successful call
# (go_memstats_mallocs_total, go_memstats_alloc_bytes_total,
# go_gc_duration_seconds_count from /metrics, before and after the load).
#
# 2. The tuned Kamailio of each scenario: the kamailio-N with the highest
# clean rate; on a tie the one with less CPU per call at that rate, then
# the one with fewer children (report.sh choose).
#
# 3. CPU runs: CPU_REPEAT runs of CPU_STEP_S seconds per scenario, shape
# (CPU_SHAPES) and rate of CPU_RATES, for ringd, ringd-tuned and that
# scenario's tuned Kamailio, the proxies taking turns (the report takes the
# medians).
#
# 4. The in-flight test (INFLIGHT=1), for ringd and the tuned Kamailio of
# single: INFLIGHT_CALLS calls at INFLIGHT_RATE calls/s to 7001 that ring
# for INFLIGHT_HOLD_MS and are then cancelled by the caller; memory per call
# in flight at the peak, and memory SETTLE_S seconds after the load.
#
# OUT: the report (bench/RESULTS.md); HISTORY: where its summary is
# appended (bench/HISTORY.md; created when missing, never overwritten).
# RINGD_BIN: run this ringd binary instead of building the tree's.
# RINGD_LOG_LEVEL: ringd's log level (info, the default, logs a line per
# call; Kamailio's config logs none). RINGD_FLAGS: extra serve flags.
#
# Installs sip-tester (SIPp) and kamailio with apt-get when missing.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SIPP_DIR=$ROOT/bench/sipp

RATES=${RATES-"250 500 750 1000 1500 2000 2500 3000 4000"} # empty: no ramps
STEP_S=${STEP_S:-6}
CPU_RATES=${CPU_RATES:-"500 1500"}
CPU_SHAPES=${CPU_SHAPES:-"talk instant"}
CPU_STEP_S=${CPU_STEP_S:-15}
CPU_REPEAT=${CPU_REPEAT:-2}
RING_MS=${RING_MS:-100} # shape talk
TALK_MS=${TALK_MS:-1000}
SCENARIOS=${SCENARIOS-"single ring_all_2 hunt_busy"}
PROXIES=${PROXIES:-"ringd ringd-tuned kamailio-1 kamailio-2 kamailio-4"}
INFLIGHT=${INFLIGHT:-1}
PROFILE=${PROFILE:-1} # 1: profiled runs of ringd (3b below)
RETRIES=${RETRIES:-1} # 1: a step that is not clean is run once more before the ramp stops
INFLIGHT_CALLS=${INFLIGHT_CALLS:-12000}
INFLIGHT_RATE=${INFLIGHT_RATE:-500}
INFLIGHT_HOLD_MS=${INFLIGHT_HOLD_MS:-22000}
SETTLE_S=${SETTLE_S:-60}
# GOMAXPROCS for the ringd variant: empty (ringd's own choice) unless set
# for an experiment.
RINGD_GOMAXPROCS=${RINGD_GOMAXPROCS:-}
RINGD_TUNED_ENV=${RINGD_TUNED_ENV:-"GOMAXPROCS=1 GOGC=400"}
RINGD_STORE=${RINGD_STORE:-sqlite} # or memory; see ringd_config
KAMAILIO_SHM_MB=${KAMAILIO_SHM_MB:-1024}
# Kamailio's receive buffers may grow to this (-b), as ringd asks for 8 MB.
KAMAILIO_BUF=${KAMAILIO_BUF:-8388608}
OUT=${OUT:-$ROOT/bench/RESULTS.md}
HISTORY=${HISTORY:-$ROOT/bench/HISTORY.md}

CALLER=127.0.0.1
PROXY=127.0.0.2
M1=127.0.0.3
M2=127.0.0.4
PORT=5060
HTTP_PORT=18080

for p in $PROXIES; do
	case $p in
	ringd | ringd-tuned | kamailio-[1-9] | kamailio-[1-9][0-9]) ;;
	*)
		echo "compare: unknown proxy variant $p (ringd, ringd-tuned, kamailio-N)" >&2
		exit 2
		;;
	esac
done
for s in $CPU_SHAPES; do
	[[ $s == talk || $s == instant ]] || { echo "compare: unknown shape $s (talk, instant)" >&2 && exit 2; }
done

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
need_pkg curl curl

# No core files: Kamailio's main process now and then crashes on its way
# out after SIGTERM, and its core (its 1 GB of shared memory) lands in /.
ulimit -c 0

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

# ringd_env VARIANT: the environment settings a ringd variant runs with
# (on top of an environment without any Go runtime setting).
ringd_env() {
	case $1 in
	ringd) [[ -z $RINGD_GOMAXPROCS ]] || echo "GOMAXPROCS=$RINGD_GOMAXPROCS" ;;
	ringd-tuned) echo "$RINGD_TUNED_ENV" ;;
	esac
}

PROXY_PID=""
# start_proxy VARIANT DIR: in its own process group (setsid), so that every
# process of it can be found with pgrep -g.
start_proxy() {
	local name=$1 dir=$2 i
	local -a flags goenv
	case $name in
	ringd*)
		ringd_config "$dir" >"$dir/ringd.yaml"
		"$RINGD" check -config "$dir/ringd.yaml" >/dev/null
		read -ra flags <<<"${RINGD_FLAGS:-}" # e.g. "-cpuprofile FILE"
		read -ra goenv <<<"$(ringd_env "$name")"
		# No Go runtime setting of the caller's environment reaches ringd:
		# only the variant's own.
		env -u GOMAXPROCS -u GOGC -u GOMEMLIMIT -u GODEBUG "${goenv[@]}" \
			setsid "$RINGD" serve -config "$dir/ringd.yaml" "${flags[@]}" 2>"$dir/proxy.log" &
		;;
	kamailio-*)
		setsid kamailio -f "$HERE/kamailio.cfg" -DD -E -m "$KAMAILIO_SHM_MB" -M 16 \
			-A "LISTEN=udp:$PROXY:$PORT" -A "M1=\"sip:1001@$M1:$PORT\"" -A "M2=\"sip:1002@$M2:$PORT\"" \
			-A "CHILDREN=${name#kamailio-}" -b "$KAMAILIO_BUF" -Y "$dir" -P "$dir/kamailio.pid" >"$dir/proxy.log" 2>&1 &
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

# cpu_ticks: utime+stime of every process of the proxy, and of it the
# system time (stime), in clock ticks: "TOTAL SYSTEM".
cpu_ticks() {
	local p sum=0 sys=0 f
	for p in $(pgrep -g "$PROXY_PID"); do
		f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		f=${f##*) } # fields from 3 (state) on; comm may hold spaces
		read -ra v <<<"$f"
		sum=$((sum + v[11] + v[12])) sys=$((sys + v[12])) # fields 14 and 15
	done
	echo "$sum $sys"
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
	hex=$(echo "$PROXY $PORT" | awk '{ split($1, a, "."); printf "%02X%02X%02X%02X:%04X", a[4], a[3], a[2], a[1], $2 }')
	awk -v a="$hex" '$2 == a { d += $NF } END { print d + 0 }' /proc/net/udp
}

rcvbuf_errors() { awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["RcvbufErrors"] }' /proc/net/snmp; }

# decision_buckets: ringd's ringd_route_decision_seconds buckets and count
# (name, value), from /metrics.
decision_buckets() {
	curl -fsS "http://$PROXY:$HTTP_PORT/metrics" 2>/dev/null |
		awk '/^ringd_route_decision_seconds_(bucket|count)/ { print $1, $NF }'
}

# go_counters: the Go runtime's allocations (objects), bytes allocated and
# GC cycles so far, from ringd's /metrics (public), "MALLOCS BYTES GCS"; "-"
# for each when the scrape failed.
go_counters() {
	curl -fsS --max-time 5 "http://$PROXY:$HTTP_PORT/metrics" 2>/dev/null |
		awk '$1 == "go_memstats_mallocs_total" { m = $2 } $1 == "go_memstats_alloc_bytes_total" { b = $2 }
			$1 == "go_gc_duration_seconds_count" { g = $2 }
			END { if (m == "" || b == "" || g == "") print "- - -"; else print m, b, g }' || echo "- - -"
}

# per_call BEFORE AFTER CALLS FORMAT: (AFTER - BEFORE) / CALLS; "-" when
# either is missing or there were no calls.
per_call() {
	awk -v a="$1" -v b="$2" -v n="$3" -v f="$4" 'BEGIN { if (a == "-" || b == "-" || !(n > 0)) print "-"; else printf f "\n", (b - a) / n }'
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
		if kill -TERM "$p" 2>/dev/null; then
			sleep 1
			kill -KILL "$p" 2>/dev/null || true
		fi
		wait "$p" 2>/dev/null || true
	done
	MEMBER_PIDS=()
}

# member_failed: calls the members counted as failed (their final screens,
# else the last screen of their output; "?" when a member left none).
member_failed() {
	local f n sum=0
	for f in "$DIR"/m*.screen; do
		n=$(grep -aE '^  Failed call' "$f" "${f%.screen}.out" 2>/dev/null | tail -1 | awk -F'|' '{ gsub(/ /, "", $3); print $3 }')
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

# shape_ms SHAPE: "RING_MS TALK_MS" of a call shape.
shape_ms() {
	case $1 in
	talk) echo "$RING_MS $TALK_MS" ;;
	instant) echo "0 0" ;;
	esac
}

# members_of SCENARIO CALLS SHAPE: start the scenario's members, ringing
# the shape's ring time before they answer (uas_answer.xml: its pause, -d;
# 0 answers at once). uas_load_member.xml rings for its receive timeout,
# and SIPp reads a receive timeout of 0 as none: there 1 ms is the shortest
# ring.
#
# In the instant shape messages a proxy forwards microseconds apart may
# arrive in another order (UDP keeps none, and neither must a proxy, least
# of all one of several processes): a caller's BYE before its ACK at the
# member, a member's 180 after its 200 at the caller. A phone takes either
# in its stride; SIPp fails the call. So in that shape the caller and the
# members let an unexpected message pass (-default_behaviors without
# abortunexp: the message is dropped, the call goes on; a dropped BYE is
# retransmitted by the caller 500 ms later), and let_pass counts them.
instant_opts() { [[ $1 != instant ]] || echo "-default_behaviors all,-abortunexp"; }
members_of() {
	local calls=$2 ring talk
	local -a opt
	read -r ring talk < <(shape_ms "$3")
	read -ra opt <<<"$(instant_opts "$3")"
	case $1 in
	single)
		member m1 "$M1" "$SIPP_DIR/uas_answer.xml" "$calls" -d "$ring" "${opt[@]}"
		;;
	ring_all_2)
		member m1 "$M1" "$SIPP_DIR/uas_load_member.xml" "$calls" -recv_timeout $((ring > 0 ? ring : 1)) "${opt[@]}"
		member m2 "$M2" "$SIPP_DIR/uas_load_member.xml" "$calls" -recv_timeout 5000 "${opt[@]}"
		;;
	hunt_busy)
		member m1 "$M1" "$SIPP_DIR/uas_busy.xml" "$calls" "${opt[@]}"
		member m2 "$M2" "$SIPP_DIR/uas_answer.xml" "$calls" -d "$ring" "${opt[@]}"
		;;
	esac
}

# let_pass FILE...: unexpected messages SIPp let pass (instant shape) in
# these error files.
let_pass() {
	local f n=0 c
	for f in "$@"; do
		[[ -f $f ]] || continue
		c=$(grep -aEo 'Continuing call on (an )?unexpected' "$f" | wc -l || true)
		n=$((n + c))
	done
	echo "$n"
}

number_of() { case $1 in single) echo 7001 ;; ring_all_2) echo 7002 ;; hunt_busy) echo 7003 ;; esac; }

# Row columns (tab-separated; report.sh reads them by position, new ones go
# at the end): 1 proxy variant, 2 scenario, 3 rate, 4 calls, 5 ok, 6 failed,
# 7 unfinished, 8 achieved calls/s, 9 CPU us/call, 10 peak kB, 11 rcvbuf
# errors, 12 decision p99, 13 member-side failed, 14 drops at the proxy, 15
# decision p99 after the first second, 16 allocations/call, 17 bytes
# allocated/call, 18 GC cycles/call, 19 shape, 20 unexpected messages the
# members let pass, 21 the same at the caller (see members_of), 22 system
# CPU us/call (stime, the kernel's work for the proxy: its system calls).
ROWS=$WORK/rows.tsv # the ramps
: >"$ROWS"
CPU_ROWS=$WORK/cpu.tsv # the CPU runs
: >"$CPU_ROWS"
PROFILE_ROWS=$WORK/profile.tsv # the profiled runs (not in the medians)
: >"$PROFILE_ROWS"
SHARES=$WORK/shares.tsv # scenario rate kind seconds percent, of the profiled runs
: >"$SHARES"

# step PROXY SCENARIO RATE [SHAPE]: one step of a ramp (or one CPU run);
# appends a row, returns 0 when clean.
step() {
	local proxy=$1 scen=$2 rate=$3 shape=${4:-talk} calls=$(($3 * STEP_S)) ring talk
	read -r ring talk < <(shape_ms "$shape")
	DIR=$WORK/$proxy-$scen-$shape-$rate${STEP_TAG:+-$STEP_TAG}
	mkdir -p "$DIR"
	start_proxy "$proxy" "$DIR"
	members_of "$scen" "$calls" "$shape"
	sleep 0.3
	local c0 e0 t0 t1 c1 e1 g0="- - -" g1="- - -" rc=0
	[[ $proxy == ringd* ]] && g0=$(go_counters)
	c0=$(cpu_ticks)
	e0=$(rcvbuf_errors)
	start_sampler "$DIR/pss.txt"
	# The decisions of the first second - a freshly started process faulting
	# its memory in - are left out of the steady-state p99.
	[[ $proxy == ringd* ]] && { sleep 1 && decision_buckets >"$DIR/decisions-1s.txt"; } &
	t0=$(date +%s%N)
	# SIPp's own -timeout does not always stop it when calls hang: timeout(1) does.
	local -a copt
	read -ra copt <<<"$(instant_opts "$shape")"
	(cd "$DIR" && exec timeout -k 5 $((STEP_S + 40)) sipp "$PROXY:$PORT" -sf "$SIPP_DIR/uac_call.xml" -s "$(number_of "$scen")" \
		-i "$CALLER" -p "$PORT" -mp 16000 -r "$rate" -m "$calls" -l $((rate * 10 + 100)) -d "$talk" "${copt[@]}" \
		-nostdin -timeout $((STEP_S + 30))s -trace_stat -stf "$DIR/caller.csv" -fd 1 \
		-trace_err -error_file "$DIR/caller.err" -trace_screen -screen_file "$DIR/caller.screen") \
		>"$DIR/caller.out" 2>&1 || rc=$?
	t1=$(date +%s%N)
	wait_members 5
	c1=$(cpu_ticks)
	[[ $proxy == ringd* ]] && g1=$(go_counters)
	# HEAP_PROFILE=1: ringd's heap profile at the end of the load (go tool pprof).
	if [[ $proxy == ringd* && ${HEAP_PROFILE:-} == 1 ]]; then
		curl -fsS -H 'Authorization: Bearer bench' -o "$DIR/heap.pprof" "http://$PROXY:$HTTP_PORT/debug/pprof/heap?gc=1" || true
	fi
	e1=$(rcvbuf_errors)
	stop_sampler
	local p99="-" p99s="-" drops
	[[ $proxy == ringd* ]] && p99=$(decision_p99) && p99s=$(decision_p99 "$DIR/decisions-1s.txt")
	drops=$(proxy_drops)
	stop_proxy
	# The scheduler threads ringd chose (its start line), for the report.
	if [[ $proxy == ringd* && ! -s $WORK/threads-$proxy ]]; then
		grep -o '"threads": *[0-9]*' "$DIR/proxy.log" | head -1 | grep -o '[0-9]*$' >"$WORK/threads-$proxy" || true
	fi

	local created ok failed unfinished cps cpu syscpu peak hz mfailed allocs bytes gcs mpass cpass
	read -r created ok failed < <(caller_stat TotalCallCreated "SuccessfulCall(C)" "FailedCall(C)")
	created=${created:-0} ok=${ok:-0} failed=${failed:-0}
	unfinished=$((calls - ok - failed))
	# Achieved rate: calls created over the time the caller spent creating
	# them (its run minus the last call's ring and talk time).
	cps=$(awk -v c="$created" -v ns=$((t1 - t0)) -v tail_ms=$((talk + ring)) \
		'BEGIN { s = ns / 1e9 - tail_ms / 1000; if (s < 0.1) s = 0.1; printf "%.0f", c / s }')
	hz=$(getconf CLK_TCK)
	cpu=$(awk -v t=$((${c1% *} - ${c0% *})) -v hz="$hz" -v n="$ok" 'BEGIN { if (n) printf "%.0f", t * 1e6 / hz / n; else print "-" }')
	syscpu=$(awk -v t=$((${c1#* } - ${c0#* })) -v hz="$hz" -v n="$ok" 'BEGIN { if (n) printf "%.0f", t * 1e6 / hz / n; else print "-" }')
	peak=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$DIR/pss.txt")
	mfailed=$(member_failed)
	mpass=$(let_pass "$DIR"/m*.err)
	cpass=$(let_pass "$DIR/caller.err")
	local -a a0 a1
	read -ra a0 <<<"$g0"
	read -ra a1 <<<"$g1"
	allocs=$(per_call "${a0[0]}" "${a1[0]}" "$ok" "%.0f")
	bytes=$(per_call "${a0[1]}" "${a1[1]}" "$ok" "%.0f")
	gcs=$(per_call "${a0[2]}" "${a1[2]}" "$ok" "%.6f")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$proxy" "$scen" "$rate" "$calls" "$ok" "$failed" \
		"$unfinished" "$cps" "$cpu" "$peak" $((e1 - e0)) "$p99" "$mfailed" "$drops" "$p99s" "$allocs" "$bytes" "$gcs" "$shape" "$mpass" "$cpass" "$syscpu" >>"$ROWS"
	printf 'compare: %-11s %-10s %-7s %5s/s: %6s ok %4s failed %4s unfinished (members: %s failed; out of order, let pass: %s at members, %s at the caller), %5s calls/s, %5s us CPU/call, peak %6s kB, %s rcvbuf errors (%s at the proxy), decision p99 %s us (%s after the first second), %s allocs %s B %s GCs per call (sipp rc %s)\n' \
		"$proxy" "$scen" "$shape" "$rate" "$ok" "$failed" "$unfinished" "$mfailed" "$mpass" "$cpass" "$cps" "$cpu" "$peak" $((e1 - e0)) "$drops" "$p99" "$p99s" "$allocs" "$bytes" "$gcs" "$rc"
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
	local base base_anon rc=0
	read -r base base_anon < <(pss_kb)
	start_sampler "$DIR/pss.txt"
	if [[ $proxy == ringd* && ${HEAP_PROFILE:-} == 1 ]]; then # profiles when the most calls ring
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
	if [[ $proxy == ringd* && ${HEAP_PROFILE:-} == 1 ]]; then # and what is left after the load
		cat "/proc/$PROXY_PID/smaps" >"$DIR/smaps-after.txt" 2>/dev/null || true
		curl -fsS -H 'Authorization: Bearer bench' -o "$DIR/heap-after.pprof" "http://$PROXY:$HTTP_PORT/debug/pprof/heap?gc=1" || true
		curl -fsS -o "$DIR/metrics-after.txt" "http://$PROXY:$HTTP_PORT/metrics" || true
	fi
	local p99="-"
	[[ $proxy == ringd* ]] && p99=$(decision_p99)
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
	printf 'compare: %-11s in flight: %s calls, %s ok %s failed; memory %s kB -> %s kB with %s in flight (%s B/call), %s kB %ss after; back to baseline after %s s; without file pages %s kB -> %s kB, back after %s s; decision p99 %s us (sipp rc %s)\n' \
		"$proxy" "$calls" "$ok" "$failed" "$base" "$peak" "$inflight" "$per" "$after" "$SETTLE_S" "$back" "$base_anon" "$after_anon" "$back_anon" "$p99" "$rc"
}

# --- run -------------------------------------------------------------------------
has_proxy() { [[ " $PROXIES " == *" $1 "* ]]; }
T_START=$(date +%s)

# 1. Ramps: every variant, shape talk.
for scen in $SCENARIOS; do
	for proxy in $PROXIES; do
		for rate in $RATES; do
			step "$proxy" "$scen" "$rate" talk && continue
			# On a 2-CPU machine SIPp itself falls behind now and then: a step
			# that is not clean runs once more, for every variant alike.
			if ((RETRIES > 0)); then
				echo "compare: $proxy $scen $rate/s was not clean: once more"
				STEP_TAG=retry step "$proxy" "$scen" "$rate" talk && continue
			fi
			break
		done
	done
done
T_RAMPS=$(date +%s)

# 2. The tuned Kamailio of each scenario (report.sh choose has the rule).
CHOSEN=$WORK/chosen.tsv # scenario variant
: >"$CHOSEN"
declare -A TUNED_KAMAILIO=()
for scen in $SCENARIOS; do
	k=$(KAMAILIO_VARIANTS="$PROXIES" "$HERE/report.sh" choose "$ROWS" "$scen")
	[[ -n $k ]] || continue
	TUNED_KAMAILIO[$scen]=$k
	printf '%s\t%s\n' "$scen" "$k" >>"$CHOSEN"
	echo "compare: $scen: the tuned Kamailio is $k"
done

# 3. CPU runs: CPU_REPEAT runs of CPU_STEP_S seconds per scenario, shape and
# rate, the variants taking turns; the report takes the medians. A 6-second
# ramp step alone moves by 15% from run to run on this machine.
RINGD_VARIANTS=""
for p in ringd ringd-tuned; do has_proxy "$p" && RINGD_VARIANTS+=" $p"; done
for ((rep = 1; rep <= CPU_REPEAT; rep++)); do
	for scen in $SCENARIOS; do
		for shape in $CPU_SHAPES; do
			for rate in $CPU_RATES; do
				for proxy in $RINGD_VARIANTS ${TUNED_KAMAILIO[$scen]:-}; do
					ROWS=$CPU_ROWS STEP_S=$CPU_STEP_S STEP_TAG=cpu$rep step "$proxy" "$scen" "$rate" "$shape" || true
				done
			done
		done
	done
done

# 3b. Profiled runs (PROFILE=1): ringd as users run it once more per
# scenario and CPU rate, shape talk, with a CPU profile; where its time
# went (cpushare.sh) goes to the report. Their rows are listed apart and
# are not in the medians: the profiler's own cost would bias them.
if [[ $PROFILE == 1 ]] && has_proxy ringd; then
	for scen in $SCENARIOS; do
		for rate in $CPU_RATES; do
			pdir=$WORK/profile-$scen-$rate
			mkdir -p "$pdir"
			ROWS=$PROFILE_ROWS STEP_S=$CPU_STEP_S STEP_TAG=profile RINGD_FLAGS="${RINGD_FLAGS:-} -cpuprofile $pdir/cpu.pprof" \
				step ringd "$scen" "$rate" talk || true
			"$HERE/cpushare.sh" "$RINGD" "$pdir/cpu.pprof" | awk -v s="$scen" -v r="$rate" '{ print s "\t" r "\t" $0 }' >>"$SHARES" || true
			go tool pprof -top -nodecount=25 "$RINGD" "$pdir/cpu.pprof" >"$pdir/top.txt" 2>/dev/null || true
		done
	done
	# the top functions of one profile, for the report
	first=${SCENARIOS%% *}
	cp "$WORK/profile-${first:-single}-${CPU_RATES%% *}/top.txt" "$WORK/profile-top.txt" 2>/dev/null || true
fi
T_CPU=$(date +%s)

# 4. The in-flight test: ringd as users run it, and the tuned Kamailio of
# single (or of the first scenario when single was not run).
if [[ $INFLIGHT == 1 ]]; then
	first=${SCENARIOS%% *}
	first=${first:-single}
	k=${TUNED_KAMAILIO[single]:-${TUNED_KAMAILIO[$first]:-}}
	for proxy in $(has_proxy ringd && echo ringd) $k; do inflight "$proxy"; done
fi
T_END=$(date +%s)
echo "compare: ramps $((T_RAMPS - T_START)) s, CPU runs $((T_CPU - T_RAMPS)) s, in-flight test $((T_END - T_CPU)) s"

RINGD_THREADS=$(cat "$WORK/threads-ringd" 2>/dev/null || true)
RINGD_TUNED_THREADS=$(cat "$WORK/threads-ringd-tuned" 2>/dev/null || true)
DURATION=$(awk -v a="$T_START" -v b="$T_RAMPS" -v c="$T_CPU" -v d="$T_END" \
	'BEGIN { printf "it took %.1f min: ramps %.1f, CPU runs %.1f, in-flight test %.1f", (d - a) / 60, (b - a) / 60, (c - b) / 60, (d - c) / 60 }')
export RATES STEP_S CPU_RATES CPU_SHAPES CPU_STEP_S CPU_REPEAT RING_MS TALK_MS RETRIES INFLIGHT_CALLS INFLIGHT_RATE INFLIGHT_HOLD_MS SETTLE_S \
	KAMAILIO_SHM_MB RINGD_GOMAXPROCS RINGD_TUNED_ENV RINGD_STORE PROXIES RINGD_THREADS RINGD_TUNED_THREADS DURATION
ENTRY=$WORK/history-entry.md
PROFILE_ROWS=$PROFILE_ROWS SHARES=$SHARES PROFILE_TOP=$WORK/profile-top.txt \
	HISTORY_ENTRY=$ENTRY "$HERE/report.sh" "$ROWS" "$INFLIGHT_ROWS" "$CPU_ROWS" "$CHOSEN" >"$OUT"
echo "compare: wrote $OUT"

# The summary goes on the end of HISTORY, which is only ever appended to.
if [[ ! -e $HISTORY ]]; then
	cat >"$HISTORY" <<-'EOF'
		# make compare: the history

		Every `make compare` run (bench/compare/run.sh) appends its summary here:
		a heading with the date (UTC), ringd's commit, the machine and the Go and
		Kamailio versions, then the run's summary tables as in RESULTS.md, which
		holds the latest run in full (each earlier report is in the git history of
		RESULTS.md). Entries are never rewritten; compare ratios, not absolutes,
		as the machine's speed drifts between runs. The method is in README.md
		(make compare: the method).
	EOF
fi
{
	echo
	cat "$ENTRY"
} >>"$HISTORY"
echo "compare: appended the summary to $HISTORY"
