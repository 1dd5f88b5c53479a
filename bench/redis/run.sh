#!/usr/bin/env bash
# The measurements of README.md: every benchmark of both clients, COUNT
# times each, then benchstat with the clients side by side.
#
#   bench/redis/run.sh                     # writes bench/redis/results/DATE/
#   COUNT=10 BENCHTIME=5s OUT=/tmp/r bench/redis/run.sh
#   ORDER="rueidis goredis" bench/redis/run.sh   # the other client first
#
# Each `go test` process (one per client and kind of benchmark) starts its
# own redis-server on a free 127.0.0.1 port and stops it at the end, so each
# client gets a freshly started server. Takes about 27 minutes.
set -euo pipefail
cd "$(dirname "$0")"
COUNT=${COUNT:-5}
BENCHTIME=${BENCHTIME:-3s}  # the throughput benchmarks
LATENCY_N=${LATENCY_N:-10000} # messages / invalidations per latency run
OUT=${OUT:-results/$(date -u +%Y-%m-%dT%H%M)}
ORDER=${ORDER:-goredis rueidis}

command -v redis-server >/dev/null || {
	S=; [ "$(id -u)" = 0 ] || S="sudo -n"
	$S apt-get update && DEBIAN_FRONTEND=noninteractive $S apt-get install -y redis-server
}

mkdir -p "$OUT"
go test -c -o "$OUT/redisbench.test" .
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo -)"
	echo "nproc: $(nproc)"
	echo "kernel: $(uname -r)"
	echo "go: $(go version | cut -d' ' -f3)"
	echo "redis-server: $(redis-server --version)"
	echo "modules: $(go list -m github.com/redis/go-redis/v9 github.com/redis/rueidis | tr '\n' ' ')"
	echo "count: $COUNT benchtime: $BENCHTIME latency: ${LATENCY_N}x order: $ORDER"
} | tee "$OUT/env.txt"

THROUGHPUT='^Benchmark(Set|EvalSha|WriteSet|WriteSetPipelined|WriteSetParallel|WriteSetPipelinedParallel|Get|CachedGet|CachedGetParallel)$'
LATENCY='^Benchmark(PubSubLatency|Invalidation)$'
IDLE='^BenchmarkIdle$'
for kind in throughput latency idle; do
	for client in $ORDER; do
		case $kind in
		throughput) bench=$THROUGHPUT bt=$BENCHTIME ;;
		latency) bench=$LATENCY bt=${LATENCY_N}x ;;
		idle) bench=$IDLE bt=200x ;; # 2 s
		esac
		"$OUT/redisbench.test" -test.run '^$' -test.bench "$bench/client=$client" \
			-test.benchmem -test.count "$COUNT" -test.benchtime "$bt" | tee "$OUT/$kind-$client.txt"
	done
done
rm -f "$OUT/redisbench.test"

cat "$OUT"/throughput-*.txt "$OUT"/latency-*.txt "$OUT"/idle-*.txt > "$OUT/all.txt"
if go run golang.org/x/perf/cmd/benchstat@latest -col /client "$OUT/all.txt" > "$OUT/benchstat.txt" 2>"$OUT/benchstat.err"; then
	cat "$OUT/benchstat.txt"
else
	echo "benchstat unavailable (see $OUT/benchstat.err); raw results in $OUT/all.txt"
fi
