#!/usr/bin/env bash
# Benchmarks: bare-Tomcat baseline vs. the library, on Tomcat 11 (embedded 11.0.27, its own JVM).
#
#   benchmarks/run.sh quick   # ~3 minutes of measuring: 1,000 idle connections, 200-subscriber fan-out, JMH short
#   benchmarks/run.sh full    # 1k/5k/10k idle, 1,000-subscriber fan-out with finer rate steps, JMH 3x1s + 5x1s
#
# Writes benchmarks/results/REPORT.md and benchmarks/results/latency.png; raw logs and CSVs go to
# benchmarks/results/raw/ (not committed). SKIP_BUILD=1 reuses benchmarks/target; SKIP_JMH=1 skips JMH;
# BENCH_ONLY=idle,fanout,storm limits the load scenarios.
set -euo pipefail
MODE=${1:-quick}
case "$MODE" in quick|full) ;; *) echo "usage: $0 quick|full" >&2; exit 2 ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
cd "$HERE"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  (cd "$ROOT" && ./mvnw -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests)
fi

# 10k connections need more than 1,024 descriptors in each JVM (server and generator)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
mkdir -p results/raw
CP="$HERE/target/classes:$HERE/target/lib/*"
export BENCH_ULIMIT="$(ulimit -n) (soft, raised to the hard limit by run.sh)"
export BENCH_MACHINE="nproc=$(nproc), $(free -g | awk '/Mem:/{print $2}') GiB RAM (free -g), $(uname -srm), $(java -version 2>&1 | head -1)"

start=$(date +%s)
if [ "${SKIP_JMH:-0}" != 1 ]; then
  if [ "$MODE" = quick ]; then
    JMH_OPTS="-f 1 -wi 1 -w 400ms -i 2 -r 400ms"
  else
    JMH_OPTS="-f 1 -wi 3 -w 1s -i 5 -r 1s"
  fi
  export BENCH_JMH_OPTS="options \`$JMH_OPTS\`"
  echo "== JMH ($JMH_OPTS)"
  java -cp "$CP" org.openjdk.jmh.Main $JMH_OPTS -rf json -rff results/raw/jmh.json > results/raw/jmh.log 2>&1 \
    || { echo "JMH failed, see results/raw/jmh.log" >&2; exit 1; }
  grep -E '^(Benchmark|[A-Za-z]+Benchmarks\.)' results/raw/jmh.log || true
else
  rm -f results/raw/jmh.json
fi

echo "== load ($MODE)"
java -Xms512m -Xmx3g -Dbench.only="${BENCH_ONLY:-}" -cp "$CP" dev.realtime.bench.load.LoadMain "$MODE" "$HERE" \
  2>&1 | tee results/raw/load.log
echo "== total $(( $(date +%s) - start )) s; report: $HERE/results/REPORT.md"
