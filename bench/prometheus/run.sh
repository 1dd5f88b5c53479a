#!/usr/bin/env bash
# The Grafana dashboard's queries against a real Prometheus (make e2e).
#
#   bench/prometheus/run.sh        build ringd, load it briefly with SIPp, let
#                                  Prometheus scrape it, then evaluate every
#                                  panel query of bench/grafana/ringd.json
#   KEEP=1 bench/prometheus/run.sh keep the work dir (logs, config, TSDB)
#
# What it does, all on 127.0.0.1:
#   1. installs what is missing from Debian: prometheus, sip-tester (SIPp),
#      iproute2 (ss), curl;
#   2. builds ringd from this tree and serves a config with one ring_all
#      group 6100 of two members (SIP udp and /metrics on free ports of
#      15060-15999, store "memory:");
#   3. starts a Prometheus of its own (temp config and data dir, scrape
#      interval 1 s, --web.listen-address on a free port) and waits until it
#      has scraped ringd;
#   4. runs SIPp against 6100 (bench/sipp's uac_call.xml and two
#      uas_load_member.xml members: the first answers after 200 ms, ringd
#      cancels the second): LOAD_CALLS calls at LOAD_RATE calls/s;
#   5. waits for a few more scrapes, then sends every panel target's `expr`
#      of ringd.json to /api/v1/query, Grafana's variables substituted:
#      $__rate_interval -> RATE_INTERVAL (1m), $instance -> the regex of the
#      instances exporting ringd_ringing_legs (what Grafana's All builds),
#      $group -> .* (All) and, for queries using it, once more -> 6100 (one
#      group picked). The two variable queries (label_values) are checked
#      too, through /api/v1/label/NAME/values. A query passes when its
#      result is not empty.
#
# One PASS/FAIL line per query, then "N passed, N failed"; exits 1 on any
# failure (and on a failed setup: ringd, Prometheus or SIPp). Stops every
# process it started. Needs: go, python3, apt-get (root or sudo -n) for what
# is missing. Takes ~30 s.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../internal/sh/common.sh
. "$ROOT/bench/internal/sh/common.sh"
SIPP_DIR=$ROOT/bench/sipp
DASHBOARD=${DASHBOARD:-$ROOT/bench/grafana/ringd.json}

LOAD_CALLS=${LOAD_CALLS:-60}
LOAD_RATE=${LOAD_RATE:-10}
RATE_INTERVAL=${RATE_INTERVAL:-1m}
SETTLE_S=${SETTLE_S:-4} # scrapes after the last call before the queries
GROUP=6100

# --- what is needed ----------------------------------------------------------
need=()
command -v prometheus >/dev/null || need+=(prometheus)
command -v sipp >/dev/null || need+=(sip-tester)
command -v ss >/dev/null || need+=(iproute2)
command -v curl >/dev/null || need+=(curl)
install_missing "${need[@]}"
command -v go >/dev/null || { echo "go not found" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 not found" >&2; exit 2; }

make_work ringd-prometheus "logs, config and the Prometheus data"

# --- ports: free ones of 15060-15999, none reused ------------------------------
NEXT_PORT=${PORT_BASE:-15900}
port_busy() { [[ -n "$(ss -Hlnu "sport = :$1")$(ss -Hlnt "sport = :$1")" ]]; }
alloc_ports() { # N -> PORT (N consecutive free ports)
	local n=$1 p
	while :; do
		if ((NEXT_PORT + n - 1 > 15999)); then NEXT_PORT=15060; fi
		for ((p = NEXT_PORT; p < NEXT_PORT + n; p++)); do
			if port_busy "$p"; then NEXT_PORT=$((p + 1)); continue 2; fi
		done
		PORT=$NEXT_PORT
		NEXT_PORT=$((NEXT_PORT + n))
		return 0
	done
}
alloc_ports 1; SIP_PORT=$PORT
alloc_ports 1; HTTP_PORT=$PORT
alloc_ports 1; PROM_PORT=$PORT
declare -A SPORT=()
for n in m1 m2 caller; do # SIPp: SIP (P), control (P+1), media (P+2, P+4)
	alloc_ports 6
	SPORT[$n]=$PORT
done

# --- ringd -------------------------------------------------------------------
(cd "$ROOT" && go build -o "$WORK/ringd" ./cmd/ringd) || { echo "FAIL build: go build ./cmd/ringd failed"; exit 1; }
cat >"$WORK/ringd.yaml" <<EOF
sip:
  listen: ["udp://127.0.0.1:$SIP_PORT"]
  domain: ringd.local
  trusted: ["127.0.0.0/8"]
http:
  listen: 127.0.0.1:$HTTP_PORT
  tokens: ["prometheus-e2e"]
store: "memory:"
log: { level: info, format: text }
extensions:
  - { number: "1101", name: Member 1, password: p1101, contact: "sip:1101@127.0.0.1:${SPORT[m1]}" }
  - { number: "1102", name: Member 2, password: p1102, contact: "sip:1102@127.0.0.1:${SPORT[m2]}" }
ring_groups:
  - number: "$GROUP"
    name: Sales
    strategy: ring_all
    ring_time: 20
    skip_busy: false
    members: [{ extension: "1101" }, { extension: "1102" }]
EOF
"$WORK/ringd" check -config "$WORK/ringd.yaml" >"$WORK/check.out" 2>&1 ||
	{ echo "FAIL setup: ringd check"; cat "$WORK/check.out"; exit 1; }
"$WORK/ringd" serve -config "$WORK/ringd.yaml" 2>"$WORK/ringd.log" &
RINGD_PID=$!
PIDS+=("$RINGD_PID")
for ((i = 0; ; i++)); do
	curl -fsS "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null 2>&1 && break
	if ! kill -0 "$RINGD_PID" 2>/dev/null || ((i >= 100)); then
		echo "FAIL setup: ringd did not get ready"
		tail "$WORK/ringd.log"
		exit 1
	fi
	sleep 0.1
done
echo "ringd: SIP udp 127.0.0.1:$SIP_PORT, metrics http://127.0.0.1:$HTTP_PORT/metrics"

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
mkdir -p "$WORK/data"
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/data" \
	--storage.tsdb.retention.time=1d --web.listen-address="127.0.0.1:$PROM_PORT" \
	--log.level=warn >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
PIDS+=("$PROM_PID")
for ((i = 0; ; i++)); do
	curl -fsS "$PROM/api/v1/query?query=up%7Bjob%3D%22ringd%22%7D%3D%3D1" 2>/dev/null | grep -q '"value"' && break
	if ! kill -0 "$PROM_PID" 2>/dev/null || ((i >= 150)); then
		echo "FAIL setup: Prometheus is not scraping ringd"
		tail "$WORK/prometheus.log"
		exit 1
	fi
	sleep 0.2
done
echo "Prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}') at $PROM scraping ringd every 1 s"

# --- SIPp --------------------------------------------------------------------
TIMEOUT_S=$((LOAD_CALLS / LOAD_RATE + 30))
declare -A SPID=()
sipp_bg() { # NAME XML [sipp options...]
	local name=$1 xml=$2 p=${SPORT[$1]}
	shift 2
	(cd "$WORK" && exec sipp -sf "$SIPP_DIR/$xml" -i 127.0.0.1 -p "$p" -cp $((p + 1)) -mp $((p + 2)) \
		-nostdin -timeout "${TIMEOUT_S}s" -timeout_error -trace_err -error_file "$WORK/$name.err" "$@") \
		>"$WORK/$name.out" 2>&1 &
	SPID[$name]=$!
	PIDS+=("$!")
}
sipp_bg m1 uas_load_member.xml -m "$LOAD_CALLS" -recv_timeout 200
sipp_bg m2 uas_load_member.xml -m "$LOAD_CALLS" -recv_timeout 1200
sleep 0.5
echo "SIPp: $LOAD_CALLS calls into $GROUP at $LOAD_RATE calls/s"
sipp_bg caller uac_call.xml "127.0.0.1:$SIP_PORT" -s "$GROUP" -m "$LOAD_CALLS" -r "$LOAD_RATE" -l 100 -d 500
bad=0
for n in caller m1 m2; do
	rc=0
	wait "${SPID[$n]}" || rc=$?
	if ((rc != 0)); then
		echo "FAIL setup: SIPp $n exited $rc (see $WORK/$n.out, $WORK/$n.err)"
		bad=1
	fi
done
((bad == 0)) || exit 1
echo "SIPp: every call succeeded; $SETTLE_S s more of scrapes"
sleep "$SETTLE_S"

# --- the dashboard's queries -------------------------------------------------
rc=0
python3 - "$PROM" "$DASHBOARD" "$RATE_INTERVAL" "$GROUP" <<'EOF' || rc=$?
import json, re, sys, urllib.parse, urllib.request

prom, dashboard, rate_interval, one_group = sys.argv[1:5]

def get(path, params):
    url = prom + path + "?" + urllib.parse.urlencode(params, doseq=True)
    with urllib.request.urlopen(url, timeout=10) as r:
        body = json.load(r)
    if body.get("status") != "success":
        raise RuntimeError(body.get("error", body))
    return body["data"]

def targets(panels):
    for p in panels:
        for t in p.get("targets", []):
            if t.get("expr"):
                yield p.get("title", "?"), t.get("refId", "?"), t["expr"]
        yield from targets(p.get("panels", []))

d = json.load(open(dashboard))
passed = failed = 0

def verdict(ok, name, detail):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print(("PASS" if ok else "FAIL") + " " + name + ": " + detail, flush=True)

# The variables: label_values(METRIC, LABEL) as Grafana runs it.
values = {}
for v in d.get("templating", {}).get("list", []):
    q = v.get("query")
    q = q.get("query") if isinstance(q, dict) else q
    m = re.fullmatch(r"\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*", q or "")
    if not m:
        verdict(False, "variable $" + v.get("name", "?"), "query not understood: %r" % q)
        continue
    try:
        vals = get("/api/v1/label/%s/values" % m.group(2), {"match[]": m.group(1)})
    except Exception as e:
        verdict(False, "variable $" + v["name"], "%s: %s" % (q, e))
        continue
    values[v["name"]] = vals
    verdict(len(vals) > 0, "variable $" + v["name"], "%s -> %s" % (q, vals))

def all_regex(name):
    # Grafana's All of a multi-value variable: its allValue, or the values
    # regex-escaped in a group (a|b).
    for v in d.get("templating", {}).get("list", []):
        if v.get("name") == name and v.get("allValue"):
            return v["allValue"]
    vals = values.get(name) or []
    return "(" + "|".join(re.escape(x).replace("\\", "\\\\") for x in vals) + ")"

def substitute(expr, group):
    e = expr.replace("$__rate_interval", rate_interval).replace("${__rate_interval}", rate_interval)
    e = re.sub(r"\$\{?instance\}?", lambda _: all_regex("instance"), e)
    e = re.sub(r"\$\{?group\}?", lambda _: group, e)
    return e

n_targets = 0
for title, ref, expr in targets(d.get("panels", [])):
    n_targets += 1
    variants = [("group=All", all_regex("group"))]
    if re.search(r"\$\{?group\}?", expr):
        variants.append(("group=" + one_group, one_group))
    for label, group in variants:
        q = substitute(expr, group)
        name = "%s [%s]%s" % (title, ref, " " + label if len(variants) > 1 else "")
        if "$" in q:
            verdict(False, name, "a variable left unsubstituted: " + q)
            continue
        try:
            data = get("/api/v1/query", {"query": q})
        except Exception as e:
            verdict(False, name, "%s: %s" % (q, e))
            continue
        res = data.get("result", [])
        if data.get("resultType") in ("scalar", "string"):
            res = [res] if res else []
        shown = ", ".join(
            "%s=%s" % (",".join("%s=%s" % kv for kv in sorted(r.get("metric", {}).items())) or "{}", r["value"][1])
            for r in res[:4]) + (" ..." if len(res) > 4 else "")
        verdict(len(res) > 0, name, ("%d series: %s" % (len(res), shown)) if res else "no data: " + q)

if n_targets == 0:
    verdict(False, "dashboard", "no panel target with an expr in " + dashboard)
print("%d passed, %d failed (%d panel targets of %s)" % (passed, failed, n_targets, dashboard))
sys.exit(1 if failed else 0)
EOF
if ((rc == 0)); then
	OK=1
fi
exit "$rc"
