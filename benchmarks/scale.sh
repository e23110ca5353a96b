#!/usr/bin/env bash
# Scale benchmark (issue 17): library nodes as separate JVMs on one Redis, then on a 3-shard Redis Cluster.
#   benchmarks/scale.sh quick   # 8 s per step, rates 1k..16k msg/s
#   benchmarks/scale.sh full    # 20 s per step, rates 1k..32k msg/s
# Needs redis-server and redis-cli on the PATH (Debian's redis-server). Writes benchmarks/results/SCALE.md;
# each node's latencies go to benchmarks/results/raw/scale/ (not committed).
# Options: -Dbench.scale.nodes=3 -Dbench.scale.channels=100 -Dbench.scale.seconds=N -Dbench.scale.rates=500,1000,...
# (put them in SCALE_OPTS). SKIP_BUILD=1 reuses benchmarks/target.
set -euo pipefail
MODE=${1:-quick}
case "$MODE" in quick|full) ;; *) echo "usage: $0 quick|full" >&2; exit 2 ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  (cd "$ROOT" && ./mvnw -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests)
fi
cd "$HERE"
# shellcheck disable=SC2086
java ${SCALE_OPTS:-} -cp "$HERE/target/classes:$HERE/target/lib/*" dev.realtime.bench.scale.ScaleMain "$MODE" "$HERE"
