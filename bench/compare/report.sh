#!/usr/bin/env bash
# bench/compare/report.sh ROWS INFLIGHT_ROWS [CPU_ROWS [CHOSEN]]: the
# markdown of bench/RESULTS.md from run.sh's tab-separated results (run.sh
# calls it; its settings come in through the environment). With
# HISTORY_ENTRY=FILE it also writes the entry run.sh appends to
# bench/HISTORY.md: a heading line and the summary tables.
#
# bench/compare/report.sh choose ROWS SCENARIO: the tuned Kamailio of
# SCENARIO, from the ramps in ROWS: of the kamailio-N variants
# (KAMAILIO_VARIANTS, else those in ROWS) the one with the highest clean
# rate; on a tie the one with less CPU per call at that rate (the highest
# clean step they share), then the one with fewer children.
#
# Row columns: see run.sh (1 variant, 2 scenario, 3 rate, ... 19 shape).
set -euo pipefail

# clean: the awk condition of a clean step.
# shellcheck disable=SC2016 # awk fields, not shell expansions
clean='$6 == 0 && $7 == 0 && $13 == "0" && $8 >= 0.95 * $3'
# best VARIANT SCENARIO: the highest clean rate of the ramp (0: none).
best() { awk -F'\t' -v p="$1" -v s="$2" '$1 == p && $2 == s && '"$clean"' && $3 > b { b = $3 } END { print b + 0 }' "$ROWS"; }
# cpu_at VARIANT SCENARIO RATE: CPU per call of the (last) clean ramp step at RATE.
cpu_at() { awk -F'\t' -v p="$1" -v s="$2" -v r="$3" '$1 == p && $2 == s && $3 == r && '"$clean"' { c = $9 } END { print (c == "" ? "-" : c) }' "$ROWS"; }
kamailio_variants() { # SCENARIO
	if [[ -n ${KAMAILIO_VARIANTS:-} ]]; then
		local v
		for v in $KAMAILIO_VARIANTS; do [[ $v == kamailio-* ]] && echo "$v"; done
		return 0
	fi
	awk -F'\t' -v s="$1" '$2 == s && $1 ~ /^kamailio-/ && !seen[$1]++ { print $1 }' "$ROWS"
}
choose() { # SCENARIO
	local v b c n win="" wb=-1 wc="-" wn=0 better
	for v in $(kamailio_variants "$1"); do
		b=$(best "$v" "$1") c="-" n=${v#kamailio-}
		((b > 0)) && c=$(cpu_at "$v" "$1" "$b")
		better=0
		if ((b > wb)); then
			better=1
		elif ((b == wb)); then
			if [[ $c != - && $wc != - ]] && ((c != wc)); then
				((c < wc)) && better=1
			elif [[ $c != - && $wc == - ]]; then
				better=1
			elif [[ ($c == - && $wc == -) || $c == "$wc" ]] && ((n < wn)); then
				better=1
			fi
		fi
		((better)) && win=$v wb=$b wc=$c wn=$n
	done
	echo "$win"
}

if [[ ${1:-} == choose ]]; then
	ROWS=$2
	choose "$3"
	exit 0
fi

ROWS=$1
INFLIGHT_ROWS=$2
CPU_ROWS=${3:-/dev/null}
CHOSEN=${4:-}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

when=$(date -u '+%Y-%m-%d %H:%M UTC')
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem_gib=$(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
machine="$(nproc) CPUs ($cpu_model), ${mem_gib} GiB, Linux $(uname -r)"
rev=${RINGD_REV:-$(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo unknown)}
gover=$(go version 2>/dev/null | cut -d' ' -f3)
kamver=$(kamailio -v 2>/dev/null | head -1 | sed 's/^version: //; s/ *$//')
tuned_env=${RINGD_TUNED_ENV:-GOMAXPROCS=1 GOGC=400}
cpu_rates=${CPU_RATES:-500 1500}
shapes=${CPU_SHAPES:-talk instant}
repeat=${CPU_REPEAT:-2}
runs="$repeat run$( ((repeat == 1)) || echo s)"
cpu_step_s=${CPU_STEP_S:-15}
variants=${PROXIES:-$(cut -f1 "$ROWS" "$CPU_ROWS" | awk '!seen[$0]++' | tr '\n' ' ')}
read -ra vs <<<"$variants"
variants="${vs[*]}"
variants_csv=${variants// /, }
scenarios=$( (cut -f2 "$ROWS" "$CPU_ROWS") | awk 'NF && !seen[$0]++')

threads() { if [[ -n $1 ]]; then echo "; it ran $1 Go scheduler thread$([[ $1 == 1 ]] || echo s)"; fi; }
if [[ -n ${RINGD_GOMAXPROCS:-} ]]; then
	ringd_how="**GOMAXPROCS=$RINGD_GOMAXPROCS set by RINGD_GOMAXPROCS** (an experiment: not ringd as users run it)$(threads "${RINGD_THREADS:-}")"
else
	ringd_how="as users run it: no GOMAXPROCS, GOGC or other Go runtime setting in its environment, ringd picks its own scheduler threads$(threads "${RINGD_THREADS:-}")"
fi
kvars=$(for v in $variants; do if [[ $v == kamailio-* ]]; then printf '%s ' "$v"; fi; done)
kvars_csv=${kvars% }
kvars_csv=${kvars_csv// /, }
# bullet VARIANT TEXT: a sub-item of the variants, when VARIANT (kamailio:
# any kamailio-N) ran.
bullet() {
	if [[ " $variants " == *" $1 "* || ($1 == kamailio && -n $kvars) ]]; then echo "  - $2"; fi
}
ramps="none (RATES empty)"
[[ -z ${RATES:-} ]] || ramps="$RATES calls/s, ${STEP_S:-6} s each, shape talk, every variant, on a freshly started proxy"
variant_items=$(
	bullet ringd "**ringd**: $ringd_how"
	bullet ringd-tuned "**ringd-tuned**: ringd with \`$tuned_env\` in its environment (RINGD_TUNED_ENV)$(threads "${RINGD_TUNED_THREADS:-}")"
	bullet kamailio "**kamailio-N** (${kvars_csv}): Kamailio with children=N, shm ${KAMAILIO_SHM_MB:-1024} MB, pkg 16 MB, 8 MB receive buffers (as ringd asks)"
)

cat <<EOF
# ringd and Kamailio under the same load

Written by \`make compare\` (bench/compare/run.sh) on $when.
Every variant ran on the same machine, one after the other, against the same
SIPp scenarios; every figure below comes from this one run${DURATION:+ ($DURATION)}.

- Machine: $machine
- ringd $rev, $gover; $kamver; $(sipp -v 2>/dev/null | grep -o 'SIPp v[0-9.]*' | head -1) for the caller (127.0.0.1) and the members (127.0.0.3, 127.0.0.4); proxy on 127.0.0.2, UDP
- Variants: $variants_csv
$variant_items
- Call shapes: **talk** (members ring ${RING_MS:-100} ms before answering, the caller talks ${TALK_MS:-1000} ms, then hangs up) and **instant** (members answer at once - ring_all_2's first member after SIPp's shortest receive timeout, 1 ms - and the caller hangs up at once). In the instant shape messages sent microseconds apart may arrive in another order - a BYE before its ACK at a member, a 180 after its 200 at the caller - which SIPp would count as a failed call where a phone takes it in its stride: there the caller and the members let an unexpected message pass (SIPp without abortunexp; a BYE so dropped is retransmitted 500 ms later), counted under *let pass*
- Ramps: $ramps
- CPU runs: $runs of $cpu_step_s s per scenario, shape ($shapes) and rate ($cpu_rates calls/s) for ringd, ringd-tuned and the scenario's tuned Kamailio, taking turns, each on a freshly started proxy
- ringd logs at info (one line per call) and writes every call's record to its store (${RINGD_STORE:-sqlite}); Kamailio logs errors only and keeps no records

Scenarios: **single** (7001, one member answers), **ring_all_2** (7002, two
members ring, the first answers, the proxy cancels the other), **hunt_busy**
(7003, prioritized hunt: the first member answers 486 Busy, the proxy rings
the second, which answers). A step is *clean* when no call failed, none was
left unfinished, no member counted a failed call and the caller reached 95%
of the rate. A step that is not clean is run once more on a fresh proxy
(RETRIES=${RETRIES:-1}, the same for every variant; both attempts are listed
under *Every step*): SIPp shares the 2 CPUs and now and then falls behind.
The **tuned Kamailio** of a scenario is the kamailio-N with the highest clean
rate in the ramps; on a tie the one with less CPU per call at that rate, then
the one with fewer children (see *Kamailio's children*).

EOF

minus() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/) printf "%.0f", a - b; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "-" }'; }
verdict() { # RATIO OP TARGET
	awk -v r="$1" -v op="$2" -v t="$3" 'BEGIN { if (r !~ /^[0-9.]+$/) { print "not measured"; exit }
		ok = (op == ">=" ? r >= t : r <= t); print (ok ? "**met**" : "not met") }'
}
# median VARIANT SCENARIO RATE SHAPE COLUMN: the median over the clean CPU runs.
median() {
	awk -F'\t' -v p="$1" -v s="$2" -v r="$3" -v sh="$4" -v c="$5" \
		'$1 == p && $2 == s && $3 == r && $19 == sh && $6 == 0 && $7 == 0 && $c ~ /^[0-9.]+$/ { v[++n] = $c }
		END { if (!n) { print "-"; exit } for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
			m = (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2)
			if (m == int(m) && m !~ /\./) printf "%d\n", m; else if (m >= 100) printf "%.0f\n", m; else printf "%.1f\n", m }' "$CPU_ROWS"
}
# cell VARIANT SCENARIO RATE SHAPE COLUMN: the median, or "no clean run"
# when there were runs but none was clean (beyond what the proxy handles
# here), or "-" when there were none.
cell() {
	local m
	m=$(median "$@")
	if [[ $m == - ]] && awk -F'\t' -v p="$1" -v s="$2" -v r="$3" -v sh="$4" '$1 == p && $2 == s && $3 == r && $19 == sh { f = 1 } END { exit !f }' "$CPU_ROWS"; then
		m="no clean run"
	fi
	echo "$m"
}
tuned_kamailio() { # SCENARIO
	local k=""
	[[ -n $CHOSEN && -s $CHOSEN ]] && k=$(awk -F'\t' -v s="$1" '$1 == s { print $2; exit }' "$CHOSEN")
	[[ -n $k ]] || k=$(choose "$1")
	echo "${k:--}"
}
has() { [[ " $variants " == *" $1 "* ]]; }

# ratio_rows FIGURE UNIT COLUMN TARGET: a summary row per scenario, shape
# and CPU rate with the median of COLUMN (run.sh's rows) for ringd,
# ringd-tuned and the scenario's tuned Kamailio, the ratios, and whether
# each is at most TARGET.
ratio_rows() {
	local figure=$1 unit=$2 col=$3 target=$4 s k sh rate r t q rq tq
	for s in $scenarios; do
		k=$(tuned_kamailio "$s")
		for sh in $shapes; do
			for rate in $cpu_rates; do
				r=$(cell ringd "$s" "$rate" "$sh" "$col") t=$(cell ringd-tuned "$s" "$rate" "$sh" "$col") q=$(cell "$k" "$s" "$rate" "$sh" "$col")
				rq=$(ratio "$r" "$q") tq=$(ratio "$t" "$q")
				echo "| $figure at $rate calls/s, $sh ($unit) | $s | $k | $r | $t | $q | $rq | $tq | <= $target | $(verdict "$rq" "<=" "$target") | $(verdict "$tq" "<=" "$target") |"
			done
		done
	done
}

summary() {
	local s k r t q rq tq sh rate
	echo "### Against the tuned Kamailio (ratio = ringd variant / tuned Kamailio)"
	echo
	echo "| figure | scenario | tuned Kamailio | ringd | ringd-tuned | Kamailio | ratio ringd | ratio ringd-tuned | target | ringd | ringd-tuned |"
	echo "|---|---|---|---:|---:|---:|---:|---:|---|---|---|"
	for s in $scenarios; do
		k=$(tuned_kamailio "$s")
		r=$(has ringd && best ringd "$s" || echo -) t=$(has ringd-tuned && best ringd-tuned "$s" || echo -)
		q=$(best "$k" "$s")
		rq=$(ratio "$r" "$q") tq=$(ratio "$t" "$q")
		echo "| highest clean rate (calls/s) | $s | $k | $r | $t | $q | $rq | $tq | >= 1.5 | $(verdict "$rq" ">=" 1.5) | $(verdict "$tq" ">=" 1.5) |"
	done
	ratio_rows "CPU per call" us 9 0.6
	ratio_rows "peak memory" kB 10 1.0
	for s in $scenarios; do
		for sh in $shapes; do
			for rate in $cpu_rates; do
				r=$(cell ringd "$s" "$rate" "$sh" 15)
				echo "| routing decision p99 at $rate calls/s, $sh (us): whole run / after its first second | $s | | $(cell ringd "$s" "$rate" "$sh" 12) / $r | $(cell ringd-tuned "$s" "$rate" "$sh" 12) / $(cell ringd-tuned "$s" "$rate" "$sh" 15) | | | | <= 20 us (ringd) | $(verdict "$r" "<=" 20) | |"
			done
		done
	done
	for s in $scenarios; do
		for sh in $shapes; do
			for rate in $cpu_rates; do
				echo "| allocations / bytes allocated per call at $rate calls/s, $sh | $s | | $(cell ringd "$s" "$rate" "$sh" 16) / $(cell ringd "$s" "$rate" "$sh" 17) | $(cell ringd-tuned "$s" "$rate" "$sh" 16) / $(cell ringd-tuned "$s" "$rate" "$sh" 17) | | | | | | |"
			done
		done
	done
	echo
	echo "Highest clean rates come from the ramps (shape talk); every other figure is the median of the clean CPU runs ($runs of $cpu_step_s s each, listed under *CPU runs*), the peak memory being the sum of Pss of the proxy's processes. *No clean run*: every run at that rate and shape failed or left calls unfinished (more than that proxy handles on this machine), so there is no ratio. Targets: ringd's highest clean rate >= 1.5 ×, CPU per call <= 0.6 ×, peak memory <= 1.0 × the tuned Kamailio's; decision p99 <= 20 µs after the first second; allocations have no target. Verdicts are on the ratios as shown (two decimals)."
	echo
	echo "### Kernel and user CPU per call"
	echo
	echo "The CPU per call above split into the kernel's work for the proxy (system time: its system calls - sending and receiving datagrams, waiting for them) and the proxy's own (user time), medians of the clean CPU runs. *Floor* is ringd's system time alone over the tuned Kamailio's whole CPU per call: the ratio ringd would reach if its own work cost nothing."
	echo
	echo "| scenario | rate (calls/s) | shape | ringd system (us) | ringd user (us) | Kamailio system (us) | Kamailio user (us) | user ratio | floor |"
	echo "|---|---:|---|---:|---:|---:|---:|---:|---:|"
	for s in $scenarios; do
		k=$(tuned_kamailio "$s")
		for sh in $shapes; do
			for rate in $cpu_rates; do
				r=$(cell ringd "$s" "$rate" "$sh" 9) rs=$(cell ringd "$s" "$rate" "$sh" 22) q=$(cell "$k" "$s" "$rate" "$sh" 9) qs=$(cell "$k" "$s" "$rate" "$sh" 22)
				ru=$(minus "$r" "$rs") qu=$(minus "$q" "$qs")
				echo "| $s | $rate | $sh | $rs | $ru | $qs | $qu | $(ratio "$ru" "$qu") | $(ratio "$rs" "$q") |"
			done
		done
	done
	echo
	echo "### ringd default vs ringd-tuned (CPU per call)"
	echo
	echo "ringd as users run it against ringd with \`$tuned_env\`; target: within 10% (ratio <= 1.10)."
	echo
	echo "| scenario | rate (calls/s) | shape | ringd (us) | ringd-tuned (us) | ratio | target | |"
	echo "|---|---:|---|---:|---:|---:|---|---|"
	for s in $scenarios; do
		for sh in $shapes; do
			for rate in $cpu_rates; do
				r=$(cell ringd "$s" "$rate" "$sh" 9) t=$(cell ringd-tuned "$s" "$rate" "$sh" 9) q=$(ratio "$r" "$t")
				echo "| $s | $rate | $sh | $r | $t | $q | <= 1.10 | $(verdict "$q" "<=" 1.10) |"
			done
		done
	done
}

SUMMARY=$(summary)
echo "## Summary"
echo
echo "$SUMMARY"
echo
echo "Where a target is not met, what limits it is in *Kernel and user CPU per call* (above: how much of the gap is the kernel's) and *Where ringd's CPU goes* (below: ringd's profiles, by kind of work); [README.md](README.md#analyses) (What limits ringd against the tuned Kamailio) reads them, with what would move each figure."
echo
if [[ -n ${HISTORY_ENTRY:-} ]]; then
	{
		echo "## $when: ringd $rev, $machine, $gover, $kamver"
		echo
		echo "Variants: $variants_csv; ringd-tuned: \`$tuned_env\`$([[ -z ${RINGD_GOMAXPROCS:-} ]] || echo "; ringd: GOMAXPROCS=$RINGD_GOMAXPROCS (RINGD_GOMAXPROCS)"). CPU runs: $repeat × $cpu_step_s s at $cpu_rates calls/s ($shapes); ramps: $ramps."
		echo
		echo "$SUMMARY"
	} >"$HISTORY_ENTRY"
fi

if [[ -n $kvars ]]; then
	echo "## Kamailio's children"
	echo
	echo "Each kamailio-N's highest clean rate in the ramps (shape talk) and its CPU per call at that step. Per scenario the **tuned Kamailio** (bold) has the highest clean rate; on a tie, the lower CPU per call at that rate; then fewer children. It is the Kamailio of the CPU runs and the summary; the tuned Kamailio of single is the one of the in-flight test."
	echo
	printf '| scenario |'
	for v in $kvars; do printf ' %s |' "$v"; done
	printf ' tuned Kamailio |\n|---|'
	for v in $kvars; do printf -- '---:|'; done
	printf -- '---|\n'
	for s in $scenarios; do
		k=$(tuned_kamailio "$s")
		printf '| %s |' "$s"
		for v in $kvars; do
			b=$(best "$v" "$s")
			if ((b > 0)); then c="$b calls/s ($(cpu_at "$v" "$s" "$b") us/call)"; else c="none clean"; fi
			[[ $v == "$k" ]] && c="**$c**"
			printf ' %s |' "$c"
		done
		printf ' %s |\n' "$k"
	done
	echo
fi

if [[ -s $INFLIGHT_ROWS ]]; then
	echo "## Calls in flight"
	echo
	echo "${INFLIGHT_CALLS:-12000} calls at ${INFLIGHT_RATE:-500} calls/s to the single member, each ringing ${INFLIGHT_HOLD_MS:-22000} ms"
	at_once=$((${INFLIGHT_RATE:-500} * ${INFLIGHT_HOLD_MS:-22000} / 1000))
	((at_once < ${INFLIGHT_CALLS:-12000})) || at_once=${INFLIGHT_CALLS:-12000}
	echo "before the caller cancels it, so that up to about $at_once ring at once; for ringd (as users run it)"
	echo "and the tuned Kamailio of single. Memory is the"
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
	echo "| proxy | scenario | shape | rate | calls | ok | failed | unfinished | achieved calls/s | CPU us/call | of it system | peak kB | rcvbuf errors, machine | of them at the proxy | decision p99 (us) | after the first second | member-side failed | let pass at members | let pass at the caller | allocations/call | bytes allocated/call | GC cycles per 1000 calls |"
	echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	awk -F'\t' 'function v(x) { return x == "" ? "-" : x }
		{ gc = ($18 ~ /^[0-9.]+$/ ? sprintf("%.2f", $18 * 1000) : "-")
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, ($19 == "" ? "talk" : $19), $3, $4, $5, $6, $7, $8, $9, v($22), $10, $11, $14, $12, $15, $13, v($20), v($21), v($16), v($17), gc }' "$1"
}

if [[ -s ${SHARES:-} ]]; then
	echo "## Where ringd's CPU goes"
	echo
	echo "ringd as users run it once more per scenario and CPU rate (shape talk, $cpu_step_s s) with a CPU profile (serve -cpuprofile), by cpushare.sh: each sample counts for the kind of work of the frame nearest its leaf that has one (an allocation made while parsing counts as allocation; a system call by what made it). Percent of the profile, and microseconds per successful call of that run. These runs are not in the medians above (the profiler costs a little); they are listed at the end."
	echo
	cols=$(awk -F'\t' '!seen[$1 FS $2]++ { printf "%s@%s ", $1, $2 }' "$SHARES")
	printf '| kind of work |'
	for c in $cols; do printf ' %s |' "${c/@/ at } calls/s"; done
	printf '\n|---|'
	for c in $cols; do printf -- '---:|'; done
	printf '\n'
	awk -F'\t' -v cols="$cols" -v prows="${PROFILE_ROWS:-/dev/null}" '
		FILENAME == prows { ok[$2 "@" $3] = $5; next }
		{ key = $1 "@" $2; if (!($3 in order)) { order[$3] = ++nk; kinds[nk] = $3 } sec[$3, key] = $4; pct[$3, key] = $5 }
		END { n = split(cols, c, " ")
			for (i = 1; i <= nk; i++) { k = kinds[i]; printf "| %s |", k
				for (j = 1; j <= n; j++) { if ((k, c[j]) in pct) printf " %s%% (%s us) |", pct[k, c[j]], (ok[c[j]] > 0 ? sprintf("%.0f", sec[k, c[j]] * 1e6 / ok[c[j]]) : "-"); else printf " - |" }
				printf "\n" } }' "${PROFILE_ROWS:-/dev/null}" "$SHARES"
	echo
	if [[ -s ${PROFILE_TOP:-} ]]; then
		echo "The top functions of the first profile (go tool pprof -top):"
		echo
		echo '```'
		sed -n '/^Showing nodes/,$p' "$PROFILE_TOP"
		echo '```'
		echo
	fi
fi

echo "## Every step"
echo
echo "The ramps, shape talk. CPU is utime+stime of every proxy process over the step, divided by the successful calls."
echo "Decision p99 is the upper bound of the ringd_route_decision_seconds bucket holding the 99th percentile:"
echo "of the whole step, and of the decisions after the step's first second (a freshly started ringd faults its memory in then)."
echo "Allocations, bytes allocated and GC cycles (ringd variants) are the differences of go_memstats_mallocs_total,"
echo "go_memstats_alloc_bytes_total and go_gc_duration_seconds_count on /metrics from before to after the load, per successful call."
echo "*Let pass*: unexpected messages (out of order) the members and the caller let pass instead of failing the call (instant shape; see the call shapes above)."
echo
step_table "$ROWS"

if [[ -s $CPU_ROWS ]]; then
	echo
	echo "## CPU runs"
	echo
	echo "$runs of $cpu_step_s s per scenario, shape and rate, ringd, ringd-tuned and the scenario's tuned Kamailio taking turns, each on a freshly started proxy; the summary takes the medians of the clean ones (no failed or unfinished call)."
	echo "In ring_all_2, shape instant, Kamailio may send its CANCEL to the second member just as that member's 180 arrives; that"
	echo "CANCEL's Reason lacks the text (\"SIP;cause=200\" only), which the member's check counts as a failed call (member-side failed;"
	echo "the caller's calls all succeed, and the run counts)."
	echo
	step_table "$CPU_ROWS"
fi

if [[ -s ${PROFILE_ROWS:-} ]]; then
	echo
	echo "## Profiled runs"
	echo
	echo "The runs of *Where ringd's CPU goes*, with the profiler on (not in the medians)."
	echo
	step_table "$PROFILE_ROWS"
fi
