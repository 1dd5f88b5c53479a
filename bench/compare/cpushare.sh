#!/usr/bin/env bash
# bench/compare/cpushare.sh BINARY PROFILE: where a ringd CPU profile's
# time went, one line per kind of work: "KIND<TAB>SECONDS<TAB>PERCENT",
# largest first (run.sh calls it for the profiled runs; report.sh shows the
# result). Each sample goes to the kind of the frame nearest its leaf that
# has one, so an allocation made while parsing counts as allocation, and a
# system call counts by what made it (sending, receiving, the poller).
set -euo pipefail

go tool pprof -traces "$1" "$2" 2>/dev/null | awk '
function seconds(v) {
	if (v ~ /ms$/) return substr(v, 1, length(v) - 2) / 1000
	if (v ~ /us$/ || v ~ /µs$/) return substr(v, 1, length(v) - 2) / 1e6
	if (v ~ /ns$/) return substr(v, 1, length(v) - 2) / 1e9
	if (v ~ /s$/) return substr(v, 1, length(v) - 1) + 0
	return v + 0
}
# kind of one function name ("" when it says nothing)
function kind(f) {
	if (f ~ /transport\.\(\*udpWrite\)|sendto|sendmsg/) return "sending UDP (system call)"
	if (f ~ /transport\.\(\*udpRead\)|recvfrom|recvmsg/) return "receiving UDP (system call)"
	if (f ~ /^runtime\.(netpoll|netpollblock)$/) return "waiting for the network (epoll)"
	if (f ~ /^runtime\.(gcBgMarkWorker|gcAssistAlloc|gcDrain|bgsweep|bgscavenge|sweepone|markroot|scanobject|scanSpan|gcStart|gcMarkDone|gcMarkTermination|madvise|sysUnused)/) return "garbage collection"
	if (f ~ /^runtime\.(mallocgc|newobject|makeslice|growslice|makemap|rawstring|rawbyteslice|concatstring)/) return "allocation"
	if (f ~ /^runtime\.(findRunnable|schedule|park_m|stopm|startm|futex|notesleep|notewakeup|wakep|mcall|gopark|goready|ready|newproc|goexit|gosched)/) return "scheduler (goroutine switches, idle threads)"
	if (f ~ /^runtime\.(.*[Tt]imer|checkTimers|runtimer)|^time\.(AfterFunc|NewTimer|\(\*Timer\))/) return "timers"
	if (f ~ /^modernc\.org\/sqlite|^database\/sql|config\/store\./) return "call records (SQLite store)"
	if (f ~ /^go\.uber\.org\/zap/) return "logs"
	if (f ~ /sipgo\/sip\.(\(\*Parser\)|Parse|headerParser|HeadersParser|Unmarshal|parse)/) return "parsing SIP (sipgo)"
	if (f ~ /sipgo\/sip\..*(StringWrite|String|WriteMsg)$/) return "writing SIP (sipgo)"
	if (f ~ /sipgo\/sip\.(\(\*TransactionLayer\)|\(\*ServerTx\)|\(\*ClientTx\)|\(\*baseTx\)|NewServerTx|NewClientTx)/) return "sipgo transactions"
	if (f ~ /ringd\/ringd\/(engine|strategy)/) return "routing engine"
	if (f ~ /ringd\/ringd\/sip|ringd\/ringd\/config/) return "ringd (calls, legs, metrics)"
	if (f ~ /^github\.com\/prometheus/) return "metrics"
	return ""
}
function flush() {
	if (n == 0) return
	k = "other (runtime, standard library)"
	for (i = 1; i <= n; i++) { c = kind(fr[i]); if (c != "") { k = c; break } }
	t[k] += val; total += val; n = 0
}
/^-+\+-+$/ { flush(); inblock = 1; next }
!inblock { next }
{
	line = $0
	sub(/ \(inline\)$/, "", line)
	if (match(line, /^ *[0-9.]+(ns|us|µs|ms|s) +/)) {
		split(line, a, " "); val = seconds(a[1]); f = a[2]
	} else { f = line; gsub(/^ +/, "", f) }
	fr[++n] = f
}
END {
	flush()
	if (total == 0) exit 1
	for (k in t) printf "%s\t%.3f\t%.1f\n", k, t[k], t[k] * 100 / total
}' | sort -t$'\t' -k2,2 -gr
