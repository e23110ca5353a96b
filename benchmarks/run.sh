#!/usr/bin/env bash
# Benchmarks: bare-Tomcat baseline vs. the library, on Tomcat 11 (embedded 11.0.27, its own JVM).
#
#   benchmarks/run.sh quick   # under 3 min here (plus the build): JMH one value per parameter, 300+500 ms; both servers
#                             # started once, in parallel; idle 1,000 mixed per target on the fresh servers; fan-out of
#                             # 100 subscribers per transport at 20/160/640 msg/s (one try per rate) and mixed at 160;
#                             # many channels 200 x 2 mixed at 400 msg/s; storm of 300; no one-minute hold
#   benchmarks/run.sh full    # JMH 2x1s + 3x2s; 1k/5k/10k idle per transport and mixed (a fresh pair of servers each, started
#                             # in parallel), 10k held 60 s with heartbeats counted; 500-subscriber fan-out per transport and
#                             # mixed (9 rates, best of 3, bisection); many channels 1,000 x 3 per transport and mixed at
#                             # 250..4000 msg/s (best of 2); storm of 3,000
#
# Sweeps stop at their second failed rate; knee = highest passing rate with at most one failed rate below it.
# Every phase is timed (log and report). The library WAR's heartbeats are 5 s (SSE comment, WebSocket ping).
# Writes benchmarks/results/REPORT.md and benchmarks/results/latency.png; raw logs and CSVs go to
# benchmarks/results/raw/ (not committed). SKIP_BUILD=1 reuses benchmarks/target; SKIP_JMH=1 skips JMH (and
# reports the results/raw/jmh.json of an earlier run, if there is one);
# BENCH_ONLY=idle,fanout,channels,storm limits the load scenarios; BENCH_HISTO=true saves jmap -histo:live after each idle
# step; BENCH_JFR=true records a JFR CPU profile of each server (results/raw/server-<target>.jfr).
# BENCH_TARGETS=baseline,library,atmosphere (or -Dbench.targets=... for LoadMain) picks the servers under test; default: all
# three in full mode, baseline,library in quick mode (the peer's failing steps wait out their drains: it added about a
# minute, past the 3-minute budget). "atmosphere" is the Atmosphere 3.1 peer (target/bench-atmosphere.war, see
# BENCHMARKS.md "Atmosphere peer").
# Smaller experiments (java ... LoadMain quick benchmarks): -Dbench.subs, -Dbench.rates, -Dbench.transports=ws,mixed,
# -Dbench.mixedRates, -Dbench.idle, -Dbench.idleTransports, -Dbench.freshIdle=true, -Dbench.channels, -Dbench.perChannel,
# -Dbench.channelRates, -Dbench.channelTransports, -Dbench.hold=500:20 (hold N connections for s seconds; none: off).
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

if [ "$MODE" = quick ] && [ -z "${BENCH_TARGETS:-}" ]; then
  export BENCH_TARGETS=baseline,library
fi

start=$(date +%s)
if [ "${SKIP_JMH:-0}" != 1 ]; then
  jmh_start=$(date +%s)
  if [ "$MODE" = quick ]; then
    # quick: one parameter value where there are two (page=10, channels=1), short iterations; ~20 s
    JMH_OPTS="-bm sample -tu ns -f 1 -wi 1 -w 300ms -i 1 -r 500ms -p page=10 -p channels=1"
  else
    JMH_OPTS="-bm sample -tu ns -f 1 -wi 2 -w 1s -i 3 -r 2s"
  fi
  export BENCH_JMH_OPTS="options \`$JMH_OPTS\`"
  echo "== JMH ($JMH_OPTS)"
  java -cp "$CP" org.openjdk.jmh.Main $JMH_OPTS -rf json -rff results/raw/jmh.json > results/raw/jmh.log 2>&1 \
    || { echo "JMH failed, see results/raw/jmh.log" >&2; exit 1; }
  grep -E '^(Benchmark +\(|d\.r\.)' results/raw/jmh.log || true
  export BENCH_JMH_SECONDS=$(( $(date +%s) - jmh_start ))
  echo "== JMH took ${BENCH_JMH_SECONDS} s"
else
  echo "== JMH skipped (an existing results/raw/jmh.json, if any, goes into the report)"
fi

echo "== load ($MODE)"
java -Xms512m -Xmx3g -Dbench.only="${BENCH_ONLY:-}" -Dbench.histo="${BENCH_HISTO:-false}" -Dbench.jfr="${BENCH_JFR:-false}" -cp "$CP" dev.realtime.bench.load.LoadMain "$MODE" "$HERE" \
  2>&1 | tee results/raw/load.log
echo "== total $(( $(date +%s) - start )) s; report: $HERE/results/REPORT.md"
