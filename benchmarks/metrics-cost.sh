#!/usr/bin/env bash
# The cost of the metrics in CPU time (BENCHMARKS.md, "Cost of metrics"): MetricsCost in one JVM per mode
# (off, on, micrometer), ROUNDS rounds of the three in turn, SECONDS each; writes results/METRICS-COST.md.
#   ./mvnw -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests && benchmarks/metrics-cost.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
ROUNDS=${ROUNDS:-5}
SECONDS_EACH=${SECONDS_EACH:-15}
CP="$HERE/target/classes:$HERE/target/lib/*"
mkdir -p results/raw
CSV=results/raw/metrics-cost.csv
rm -f "$CSV"
for round in $(seq 1 "$ROUNDS"); do
  for mode in off on micrometer; do
    echo "== round $round: $mode"
    java -cp "$CP" dev.realtime.servlet.internal.MetricsCost measure "$mode" "$SECONDS_EACH" "$CSV"
  done
done
java -cp "$CP" dev.realtime.servlet.internal.MetricsCost report "$CSV" results/METRICS-COST.md
