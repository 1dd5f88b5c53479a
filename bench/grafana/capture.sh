#!/usr/bin/env bash
# Capture run for ringd's Grafana dashboard (bench/grafana/ringd.json).
#
#   bench/grafana/capture.sh            build ringd, load it ~3 min with SIPp, render ringd.png
#   DURATION=60 bench/grafana/capture.sh   a shorter run
#   RENDER=0 KEEP=1 bench/grafana/capture.sh   load only, keep the work dir
#
# What it does, all on 127.0.0.1 with ports in 16000-16999:
#   1. installs what is missing from Debian: prometheus, python3-matplotlib,
#      sip-tester (SIPp), iproute2 (ss);
#   2. builds ringd and serves a config with five ring groups (below), SIP on
#      udp 16060, /metrics on 16080, store "memory:";
#   3. starts a Prometheus of its own (temporary config and data dir, scrape
#      interval 1 s, 127.0.0.1:16090) scraping ringd's /metrics;
#   4. runs SIPp (the scenarios of bench/sipp, unchanged) for DURATION seconds:
#        6100 Sales    ring_all, 3 members ringing 800/1800/2800 ms: the first
#                      answers every call, the other two are cancelled;
#                      the caller ramps 10 -> 25 calls/s (+5 every 30 s)
#        6200 Service  prioritized_hunt, ring_time 2: the first member is busy
#                      (486 at once), the second rings until ringd cancels it
#                      after 2 s, the third answers 1.5 s later: 2 calls/s
#        6000 Night    its only member rings and never answers; after ring_time
#                      3 s on_no_answer sends the call to extension 1209
#                      (checks the Diversion header) which answers: 1 call/s
#        6400 Support  2 members ring until the caller hangs up (CANCEL after
#                      ~0.5 s of ringing): abandoned, 2 calls/s
#        6300 Closed   its only member has no contact: no agent, 480; 0.5 call/s
#        6100 with Max-Forwards: 0: 483, rejected before routing; 0.2 call/s
#        6500 Phones   never dialled: 6 extensions REGISTER one by one during
#                      the run (offline -> available), 1 more is on DND
#   5. renders the dashboard's own PromQL over the capture window with
#      render.py into bench/grafana/ringd.png (matplotlib: Grafana is not
#      installable here) and prints what each panel saw.
#
# Needs: go, apt-get (root) for what is missing. Takes DURATION + ~40 s.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../internal/sh/common.sh
. "$ROOT/bench/internal/sh/common.sh"
SIPP_DIR=$ROOT/bench/sipp

DURATION=${DURATION:-180} # seconds of load
LEAD=${LEAD:-10}          # seconds scraped before the load starts
RENDER=${RENDER:-1}
OUT=${OUT:-$HERE/ringd.png}

# Main stream (6100): START calls/s, +STEP every INTERVAL s, at most MAX.
MAIN_START=${MAIN_START:-10}
MAIN_STEP=${MAIN_STEP:-5}
MAIN_INTERVAL=${MAIN_INTERVAL:-30}
MAIN_MAX=${MAIN_MAX:-25}
MAIN_TALK_MS=${MAIN_TALK_MS:-2000}
read -ra MAIN_RING_MS <<<"${MAIN_RING_MS:-800 1800 2800}"

SIP_PORT=16060
HTTP_PORT=16080
PROM_PORT=16090
NEXT_PORT=16100 # SIPp processes: 10 ports each from here

# --- what is needed ----------------------------------------------------------
PY=python3
[[ -x /usr/bin/python3 ]] && PY=/usr/bin/python3 # Debian's, where python3-matplotlib lives
need=()
command -v prometheus >/dev/null || need+=(prometheus)
"$PY" -c 'import matplotlib' 2>/dev/null || need+=(python3-matplotlib)
command -v sipp >/dev/null || need+=(sip-tester)
command -v ss >/dev/null || need+=(iproute2)
command -v curl >/dev/null || need+=(curl)
install_missing "${need[@]}"
command -v go >/dev/null || { echo "go not found" >&2; exit 2; }

make_work ringd-grafana "logs, SIPp traces and the Prometheus data"

now() { date +%s; }
port_busy() { [[ -n "$(ss -Hlnu "sport = :$1")$(ss -Hlnt "sport = :$1")" ]]; }
for p in "$SIP_PORT" "$HTTP_PORT" "$PROM_PORT"; do
	if port_busy "$p"; then echo "port $p is in use" >&2; exit 1; fi
done
alloc_ports() { # -> PORT: 10 free ports from NEXT_PORT
	local p
	while :; do
		((NEXT_PORT + 9 <= 16999)) || { echo "out of ports in 16100-16999" >&2; return 1; }
		for ((p = NEXT_PORT; p < NEXT_PORT + 10; p++)); do
			if port_busy "$p"; then NEXT_PORT=$((p + 1)); continue 2; fi
		done
		PORT=$NEXT_PORT
		NEXT_PORT=$((NEXT_PORT + 10))
		return 0
	done
}
declare -A SPORT=()
for n in m1 m2 m3 h1 h2 h3 night overflow sup1 sup2 dnd main hunt fo abandon closed maxfwd; do
	alloc_ports
	SPORT[$n]=$PORT
done

# --- ringd -------------------------------------------------------------------
echo "building ringd"
(cd "$ROOT" && go build -o "$WORK/ringd" ./cmd/ringd)
c() { echo "sip:$1@127.0.0.1:${SPORT[$2]}"; }
cat >"$WORK/ringd.yaml" <<EOF
sip:
  listen: ["udp://127.0.0.1:$SIP_PORT"]
  domain: ringd.local
  trusted: ["127.0.0.0/8"]
http:
  listen: 127.0.0.1:$HTTP_PORT
  tokens: ["capture-run"]
store: "memory:"
log: { level: info, format: text }
extensions:
  - { number: "1101", name: Sales 1, password: p1101, contact: "$(c 1101 m1)" }
  - { number: "1102", name: Sales 2, password: p1102, contact: "$(c 1102 m2)" }
  - { number: "1103", name: Sales 3, password: p1103, contact: "$(c 1103 m3)" }
  - { number: "1251", name: Service 1, password: p1251, contact: "$(c 1251 h1)" }
  - { number: "1252", name: Service 2, password: p1252, contact: "$(c 1252 h2)" }
  - { number: "1253", name: Service 3, password: p1253, contact: "$(c 1253 h3)" }
  - { number: "1201", name: Night, password: p1201, contact: "$(c 1201 night)" }
  - { number: "1209", name: Overflow, password: p1209, contact: "$(c 1209 overflow)" }
  - { number: "1301", name: Absent, password: p1301 }
  - { number: "1401", name: Support 1, password: p1401, contact: "$(c 1401 sup1)" }
  - { number: "1402", name: Support 2, password: p1402, contact: "$(c 1402 sup2)" }
  - { number: "1501", name: Phone 1, password: p1501 }
  - { number: "1502", name: Phone 2, password: p1502 }
  - { number: "1503", name: Phone 3, password: p1503 }
  - { number: "1504", name: Phone 4, password: p1504 }
  - { number: "1505", name: Phone 5, password: p1505 }
  - { number: "1506", name: Phone 6, password: p1506 }
  - { number: "1507", name: Away, password: p1507, dnd: true, contact: "$(c 1507 dnd)" }
ring_groups:
  - number: "6100"
    name: Sales
    strategy: ring_all
    ring_time: 20
    skip_busy: false
    members: [{ extension: "1101" }, { extension: "1102" }, { extension: "1103" }]
  - number: "6200"
    name: Service
    strategy: prioritized_hunt
    ring_time: 2
    skip_busy: false
    members: [{ extension: "1251" }, { extension: "1252" }, { extension: "1253" }]
  - number: "6000"
    name: Night
    strategy: ring_all
    ring_time: 3
    skip_busy: false
    members: [{ extension: "1201" }]
    on_no_answer: { dest: extension, value: "1209" }
  - number: "6400"
    name: Support
    strategy: ring_all
    ring_time: 30
    skip_busy: false
    members: [{ extension: "1401" }, { extension: "1402" }]
  - number: "6300"
    name: Closed
    strategy: ring_all
    ring_time: 10
    members: [{ extension: "1301" }]
  - number: "6500"
    name: Phones
    strategy: ring_all
    ring_time: 10
    members:
      - { extension: "1501" }
      - { extension: "1502" }
      - { extension: "1503" }
      - { extension: "1504" }
      - { extension: "1505" }
      - { extension: "1506" }
      - { extension: "1507" }
EOF
"$WORK/ringd" check -config "$WORK/ringd.yaml" >"$WORK/check.out" 2>&1 ||
	{ cat "$WORK/check.out" >&2; exit 1; }
"$WORK/ringd" serve -config "$WORK/ringd.yaml" 2>"$WORK/ringd.log" &
RINGD_PID=$!
PIDS+=("$RINGD_PID")
for ((i = 0; ; i++)); do
	curl -fsS "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null 2>&1 && break
	if ! kill -0 "$RINGD_PID" 2>/dev/null || ((i >= 100)); then
		echo "ringd did not get ready" >&2
		tail "$WORK/ringd.log" >&2
		exit 1
	fi
	sleep 0.1
done
echo "ringd ready: SIP udp 127.0.0.1:$SIP_PORT, metrics http://127.0.0.1:$HTTP_PORT/metrics"

# --- Prometheus --------------------------------------------------------------
PROM=http://127.0.0.1:$PROM_PORT
cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: ringd
    metrics_path: /metrics
    static_configs:
      - targets: ["127.0.0.1:$HTTP_PORT"]
EOF
mkdir -p "$WORK/prometheus-data"
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prometheus-data" \
	--storage.tsdb.retention.time=1d --web.listen-address="127.0.0.1:$PROM_PORT" \
	--log.level=warn >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
PIDS+=("$PROM_PID")
for ((i = 0; ; i++)); do
	curl -fsS "$PROM/api/v1/query?query=up%7Bjob%3D%22ringd%22%7D%3D%3D1" 2>/dev/null | grep -q '"value"' && break
	if ! kill -0 "$PROM_PID" 2>/dev/null || ((i >= 150)); then
		echo "Prometheus is not scraping ringd" >&2
		tail "$WORK/prometheus.log" >&2
		exit 1
	fi
	sleep 0.2
done
PROM_VERSION=$(prometheus --version 2>&1 | head -1 | awk '{print $3}')
echo "Prometheus $PROM_VERSION at $PROM scraping ringd every 1 s"

# --- SIPp --------------------------------------------------------------------
TIMEOUT_S=$((DURATION + 60)) # hard limit of every SIPp process
declare -A SPID=()
sipp_common() { # NAME -> COMMON
	local p=${SPORT[$1]}
	COMMON=(-i 127.0.0.1 -p "$p" -cp $((p + 1)) -mp $((p + 2)) -nostdin -timeout "${TIMEOUT_S}s"
		-trace_err -error_file "$WORK/$1.err" -trace_screen -screen_file "$WORK/$1.screen")
}
sipp_bg() { # NAME XML [sipp options...]: a SIPp process in the background
	local name=$1 xml=$2
	shift 2
	sipp_common "$name"
	echo "sipp -sf $xml ${COMMON[*]} $*" >"$WORK/$name.cmd"
	(cd "$WORK" && exec sipp -sf "$SIPP_DIR/$xml" "${COMMON[@]}" "$@") >"$WORK/$name.out" 2>&1 &
	SPID[$name]=$!
	PIDS+=("$!")
}

# Calls of the main stream over DURATION s of its ramp.
MAIN_CALLS=0
for ((t = 0; t < DURATION; t++)); do
	r=$((MAIN_START + MAIN_STEP * (t / MAIN_INTERVAL)))
	((r <= MAIN_MAX)) || r=$MAIN_MAX
	MAIN_CALLS=$((MAIN_CALLS + r))
done
HUNT_CALLS=$((DURATION * 2))       # 2/s
FO_CALLS=$DURATION                 # 1/s
ABANDON_CALLS=$((DURATION * 2))    # 2/s
CLOSED_CALLS=$((DURATION / 2))     # 0.5/s
MAXFWD_CALLS=$((DURATION / 5))     # 0.2/s
RINGD=127.0.0.1:$SIP_PORT

echo "scraping $LEAD s of idle ringd first"
T_START=$(now)
sleep "$LEAD"

echo "load for ~$DURATION s: 6100 $MAIN_START->$MAIN_MAX calls/s ($MAIN_CALLS calls), 6200 2/s, 6000 1/s, 6400 2/s (abandoned), 6300 0.5/s (480), Max-Forwards 0 0.2/s"
# Members first, then the callers.
for i in 1 2 3; do
	sipp_bg "m$i" uas_load_member.xml -m "$MAIN_CALLS" -recv_timeout "${MAIN_RING_MS[$((i - 1))]}"
done
sipp_bg h1 uas_busy.xml -m "$HUNT_CALLS"
sipp_bg h2 uas_ring.xml -m "$HUNT_CALLS"
sipp_bg h3 uas_answer.xml -m "$HUNT_CALLS" -d 1500
sipp_bg night uas_ring.xml -m "$FO_CALLS"
sipp_bg overflow uas_answer_diverted.xml -m "$FO_CALLS" -d 500
sipp_bg sup1 uas_ring.xml -m "$ABANDON_CALLS"
sipp_bg sup2 uas_ring.xml -m "$ABANDON_CALLS"
sleep 0.5
T_LOAD=$(now)
sipp_bg main uac_call.xml "$RINGD" -s 6100 -m "$MAIN_CALLS" -d "$MAIN_TALK_MS" -l 400 \
	-r "$MAIN_START" -rate_increase "$MAIN_STEP" -rate_interval "$MAIN_INTERVAL" -rate_max "$MAIN_MAX" -no_rate_quit
sipp_bg hunt uac_call.xml "$RINGD" -s 6200 -m "$HUNT_CALLS" -r 2 -d 1000 -l 100
sipp_bg fo uac_call.xml "$RINGD" -s 6000 -m "$FO_CALLS" -r 1 -d 1000 -l 100
sipp_bg abandon uac_cancel.xml "$RINGD" -s 6400 -m "$ABANDON_CALLS" -r 2 -l 100
sipp_bg closed uac_480.xml "$RINGD" -s 6300 -m "$CLOSED_CALLS" -r 1 -rp 2000 -l 100
sipp_bg maxfwd uac_maxfwd0.xml "$RINGD" -s 6100 -m "$MAXFWD_CALLS" -r 1 -rp 5000 -l 100

# Registrations: phones 1501..1506 register one by one over the run.
(
	for i in 1 2 3 4 5 6; do
		sleep $((DURATION / 7))
		alloc_ports
		sipp -sf "$SIPP_DIR/phone_register.xml" "$RINGD" -s "150$i" -au "150$i" -ap "p150$i" \
			-i 127.0.0.1 -p "$PORT" -cp $((PORT + 1)) -mp $((PORT + 2)) -nostdin -m 1 -timeout 10s \
			>"$WORK/register-150$i.out" 2>&1 || echo "REGISTER of 150$i failed (see $WORK/register-150$i.out)"
	done
) &
REG_PID=$!
PIDS+=("$REG_PID")

# Wait for the callers, then for the members (which end with the last call).
declare -A RC=()
for n in main hunt fo abandon closed maxfwd; do
	rc=0
	wait "${SPID[$n]}" || rc=$?
	RC[$n]=$rc
done
T_END=$(now)
wait "$REG_PID" || true
for n in m1 m2 m3 h1 h2 h3 night overflow sup1 sup2; do
	for ((i = 0; i < 100; i++)); do
		kill -0 "${SPID[$n]}" 2>/dev/null || break
		sleep 0.1
	done
	kill -TERM "${SPID[$n]}" 2>/dev/null || true
	rc=0
	wait "${SPID[$n]}" || rc=$?
	RC[$n]=$rc
done
sleep 2 # one more scrape after the last call
echo "load took $((T_END - T_LOAD)) s"

# --- what SIPp saw -----------------------------------------------------------
screen_count() { # NAME "Successful call"|"Failed call" -> cumulative count
	awk -F'|' -v k="$2" 'index($0, "  " k) == 1 {gsub(/ /, "", $3); v = $3} END {print v + 0}' "$WORK/$1.screen" 2>/dev/null || echo "?"
}
echo "SIPp (successful / failed calls, exit code):"
bad=0
for n in main hunt fo abandon closed maxfwd m1 m2 m3 h1 h2 h3 night overflow sup1 sup2; do
	printf '  %-9s %6s / %-4s rc %s\n' "$n" "$(screen_count "$n" "Successful call")" "$(screen_count "$n" "Failed call")" "${RC[$n]}"
	[[ ${RC[$n]} == 0 ]] || bad=1
done
((bad == 0)) || echo "warning: a SIPp process did not succeed on every call (logs: $WORK)"

# --- ringd's own figures -----------------------------------------------------
curl -fsS "http://127.0.0.1:$HTTP_PORT/metrics" >"$WORK/metrics.txt"
echo "ringd /metrics at the end (ringd_* counters and gauges):"
grep -E '^ringd_(calls_total|legs_total|failovers_total|sip_rejected_total|sip_responses_total|sip_requests_total|registrations|members|active_calls|ringing_legs)' \
	"$WORK/metrics.txt" | sed 's/^/  /'
grep -E '^process_resident_memory_bytes|^go_goroutines' "$WORK/metrics.txt" | sed 's/^/  /'

# --- render --------------------------------------------------------------------
# The window: LEAD s of idle ringd, then the load until its last call was
# started (the calls still running then are left out: the stat panels show
# ringd under load, not drained).
T_STOP=$((T_LOAD + DURATION))
echo "capture window: $(date -u -d "@$T_START" +%T) to $(date -u -d "@$T_STOP" +%T) UTC ($T_START to $T_STOP)"
if [[ $RENDER == 1 ]]; then
	"$PY" "$HERE/render.py" --prometheus "$PROM" --dashboard "$HERE/ringd.json" \
		--start "$T_START" --end "$T_STOP" --step 2 --out "$OUT" \
		--subtitle "capture run: SIPp ${DURATION} s; 6100 ring_all $MAIN_START->$MAIN_MAX calls/s, 6200 hunt 2/s, 6000 no_answer failover 1/s, 6400 abandoned 2/s, 6300 no_agent 0.5/s, Max-Forwards 0 0.2/s; Prometheus $PROM_VERSION (Debian), scrape 1 s"
fi
OK=1
