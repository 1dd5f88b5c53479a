#!/usr/bin/env bash
# bench/compare/report.sh ROWS INFLIGHT_ROWS [CPU_ROWS]: the markdown of bench/RESULTS.md
# from run.sh's tab-separated results (run.sh calls it; its settings come in
# through the environment).
set -euo pipefail
ROWS=$1
INFLIGHT_ROWS=$2
CPU_ROWS=${3:-/dev/null}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem_gib=$(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
rev=${RINGD_REV:-$(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo unknown)}

cat <<EOF
# ringd and Kamailio under the same load

Written by \`make compare\` (bench/compare/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC').
Both proxies ran on the same machine, one after the other, against the same
SIPp scenarios; every figure below comes from this one run.

- Machine: $(nproc) CPUs ($cpu_model), ${mem_gib} GiB, Linux $(uname -r)
- ringd $rev, $(go version | cut -d' ' -f3), GOMAXPROCS ${RINGD_GOMAXPROCS:-default ($(nproc))} (the load generator shares the CPUs; see RINGD_GOMAXPROCS in run.sh)
- $(kamailio -v 2>/dev/null | head -1 | sed 's/^version: //; s/ *$//'), children=${KAMAILIO_CHILDREN:-4}, shm ${KAMAILIO_SHM_MB:-1024} MB, pkg 16 MB
- $(sipp -v 2>/dev/null | grep -o 'SIPp v[0-9.]*' | head -1) for the caller (127.0.0.1) and the members (127.0.0.3, 127.0.0.4); proxy on 127.0.0.2, UDP
- Ramp steps: ${RATES:-} calls/s, ${STEP_S:-6} s each, on a freshly started proxy; members ring ${RING_MS:-100} ms before answering, callers talk ${TALK_MS:-1000} ms
- ringd logs at info (one line per call) and writes every call's record to its store (${RINGD_STORE:-sqlite}); Kamailio logs errors only and keeps no records

Scenarios: **single** (7001, one member answers), **ring_all_2** (7002, two
members ring, the first answers, the proxy cancels the other), **hunt_busy**
(7003, prioritized hunt: the first member answers 486 Busy, the proxy rings
the second, which answers). A step is *clean* when no call failed, none was
left unfinished, no member counted a failed call and the caller reached 95%
of the rate. A step that is not clean is run once more on a fresh proxy
(RETRIES=${RETRIES:-1}, the same for both proxies; both attempts are listed
under *Every step*): SIPp shares the 2 CPUs and now and then falls behind.

EOF

# value PROXY SCENARIO RATE COLUMN (1-based, as in run.sh's rows)
value() { awk -F'\t' -v p="$1" -v s="$2" -v r="$3" -v c="$4" '$1 == p && $2 == s && $3 == r { print $c; exit }' "$ROWS"; }
# best PROXY SCENARIO: the highest clean rate (rows are in ramp order)
best() {
	awk -F'\t' -v p="$1" -v s="$2" '$1 == p && $2 == s && $6 == 0 && $7 == 0 && $13 == "0" && $8 >= 0.95 * $3 { b = $3 } END { print b + 0 }' "$ROWS"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "-" }'; }
verdict() { # RATIO OP TARGET
	awk -v r="$1" -v op="$2" -v t="$3" 'BEGIN { if (r !~ /^[0-9.]+$/) { print "not measured"; exit }
		ok = (op == ">=" ? r >= t : r <= t); print (ok ? "**met**" : "not met") }'
}
cpu_rate=${CPU_RATE:-500}
# median PROXY SCENARIO COLUMN: the median over the CPU runs (clean ones).
median() {
	awk -F'\t' -v p="$1" -v s="$2" -v c="$3" '$1 == p && $2 == s && $6 == 0 && $7 == 0 && $c ~ /^[0-9.]+$/ { v[++n] = $c }
		END { if (!n) { print "-"; exit } for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			print (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) }' "$CPU_ROWS"
}
runs() { awk -F'\t' -v p="$1" -v s="$2" '$1 == p && $2 == s { printf "%s%s", sep, $9; sep = ", " }' "$CPU_ROWS"; }
scenarios=$(cut -f2 "$ROWS" | awk '!seen[$0]++')

echo "## Summary (ratio = ringd / Kamailio)"
echo
echo "| figure | scenario | ringd | Kamailio | ratio | target | |"
echo "|---|---|---:|---:|---:|---|---|"
for s in $scenarios; do
	r=$(best ringd "$s") k=$(best kamailio "$s") q=$(ratio "$r" "$k")
	echo "| highest clean rate (calls/s) | $s | $r | $k | $q | >= 1.25 | $(verdict "$q" ">=" 1.25) |"
done
for s in $scenarios; do
	if [[ -s $CPU_ROWS ]]; then
		r=$(median ringd "$s" 9) k=$(median kamailio "$s" 9)
		how="median of ${CPU_REPEAT:-3} runs of ${CPU_STEP_S:-20} s: ringd $(runs ringd "$s"); Kamailio $(runs kamailio "$s")"
	else
		r=$(value ringd "$s" "$cpu_rate" 9) k=$(value kamailio "$s" "$cpu_rate" 9) how="the ramp step"
	fi
	q=$(ratio "$r" "$k")
	echo "| CPU per call at $cpu_rate calls/s (us; $how) | $s | ${r:--} | ${k:--} | $q | <= 0.75 | $(verdict "$q" "<=" 0.75) |"
done
for s in $scenarios; do
	r=$(value ringd "$s" "$cpu_rate" 10) k=$(value kamailio "$s" "$cpu_rate" 10) q=$(ratio "$r" "$k")
	echo "| peak memory at $cpu_rate calls/s (kB) | $s | ${r:--} | ${k:--} | $q | | |"
done
for s in $scenarios; do
	if [[ -s $CPU_ROWS ]]; then
		r=$(median ringd "$s" 12) q=$(median ringd "$s" 15) how="median of the CPU runs"
	else
		r=$(value ringd "$s" "$cpu_rate" 12) q=$(value ringd "$s" "$cpu_rate" 15) how="the ramp step"
	fi
	echo "| routing decision p99 at $cpu_rate calls/s (us; $how): whole run / after its first second | $s | ${r:--} / ${q:--} | - | | <= 20 | $(verdict "${q:--}" "<=" 20) (after the first second) |"
done
for s in $scenarios; do
	r=$(value ringd "$s" "$cpu_rate" 14) k=$(value kamailio "$s" "$cpu_rate" 14)
	echo "| datagrams dropped at the proxy's socket at $cpu_rate calls/s | $s | ${r:--} | ${k:--} | | 0 | |"
done
echo

if [[ -s $INFLIGHT_ROWS ]]; then
	echo "## Calls in flight"
	echo
	echo "${INFLIGHT_CALLS:-12000} calls at ${INFLIGHT_RATE:-500} calls/s to the single member, each ringing ${INFLIGHT_HOLD_MS:-22000} ms"
	echo "before the caller cancels it, so that about $((${INFLIGHT_RATE:-500} * ${INFLIGHT_HOLD_MS:-22000} / 1000)) ring at once. Memory is the"
	echo "sum of Pss of the proxy's processes; *back after* is the time from the end of"
	echo "the load until it was within 10% (+2 MB) of the baseline (\"-\": not within ${SETTLE_S:-60} s)."
	echo "The last three columns leave out the pages of the files the proxy maps (Pss_File:"
	echo "its program and libraries, clean pages the kernel may drop whenever it needs the"
	echo "memory); code first run during the load stays resident in the full figure."
	echo
	echo "| proxy | calls | ok | failed | unfinished | baseline kB | kB at most calls in flight | calls in flight then | bytes per call in flight | kB ${SETTLE_S:-60} s after | back after (s) | decision p99 (us) | without file pages: baseline kB | ${SETTLE_S:-60} s after | back after (s) |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 }' "$INFLIGHT_ROWS"
	echo
	echo "Target for ringd: <= 16 KB (16384 B) per call in flight; back to baseline within 60 s; 0 failed."
	echo
fi

# step_table ROWS: the table of run.sh's step rows (ramp steps or CPU runs).
step_table() {
	echo "| proxy | scenario | rate | calls | ok | failed | unfinished | achieved calls/s | CPU us/call | peak kB | rcvbuf errors, machine | of them at the proxy | decision p99 (us) | after the first second | member-side failed |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $14, $12, $15, $13 }' "$1"
}

echo "## Every step"
echo
echo "CPU is utime+stime of every proxy process over the step, divided by the successful calls."
echo "Decision p99 is the upper bound of the ringd_route_decision_seconds bucket holding the 99th percentile:"
echo "of the whole step, and of the decisions after the step's first second (a freshly started ringd faults its memory in then)."
echo
step_table "$ROWS"

if [[ -s $CPU_ROWS ]]; then
	echo
	echo "## CPU runs"
	echo
	echo "${CPU_REPEAT:-3} runs of ${CPU_STEP_S:-20} s at $cpu_rate calls/s per scenario and proxy, the proxies taking turns, each on a freshly started proxy; the summary takes the median of the clean ones."
	echo
	step_table "$CPU_ROWS"
fi
