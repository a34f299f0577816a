#!/usr/bin/env bash
# The Redis level's benchmarks (issue 16): the serializers, L2 hits against raw Lettuce, Redisson and Spring's
# RedisCacheManager, the L1 hit through the two-level backend, and the database loads of a fleet after a scale-out.
#
#   benchmarks/run-l2.sh           the full run (about 25 minutes on 2 cores): results in benchmarks/results/l2/
#   benchmarks/run-l2.sh --quick   a short run (about 6 minutes): results in benchmarks/results/quick/l2/
#   benchmarks/run-l2.sh --l1-only the L1 hit stage alone, 3 forks (about 4 minutes): results in benchmarks/results/l1hit/
#
# Run nothing else on the machine meanwhile. Every stage starts its own redis-server on 127.0.0.1 (from
# weft-test-support) and stops it. docs/performance.md, section "The Redis level (L2)", is written by hand from these
# results.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
quick=false
l1only=false
for arg in "$@"; do
  case "$arg" in
    --quick) quick=true ;;
    --l1-only) l1only=true ;;
    *) echo "usage: $0 [--quick | --l1-only]" >&2; exit 2 ;;
  esac
done
if $quick; then
  out="$here/results/quick/l2"
  opts=(-f 1 -wi 3 -w 1s -i 3 -r 1s)
  pairs=5000
  keys=50
else
  out="$here/results/l2"
  opts=(-f 2 -wi 5 -w 1s -i 5 -r 1s)
  pairs=50000
  keys=200
fi
if $l1only; then
  out="$here/results/l1hit"
  opts=(-f 3 -wi 5 -w 1s -i 5 -r 1s)
fi
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
(cd "$root" && ./mvnw -q -B -ntp -pl benchmarks -am package -DskipTests)
classpath="$here/target/classes:$(cat "$here/target/benchmark.classpath")"
mkdir -p "$out"
{
  echo "command=benchmarks/run-l2.sh${*:+ $*}"
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "commit=$(git -C "$root" rev-parse --short HEAD)"
  echo "nproc=$(nproc)"
  echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java=$("$java_cmd" -version 2>&1 | sed -n 2p)"
} > "$out/environment.properties"

jmh() {
  local name="$1"
  shift
  echo "== $name: jmh $*"
  "$java_cmd" -cp "$classpath" org.openjdk.jmh.Main "$@" -foe true -rf json -rff "$out/$name.json" > "$out/$name.txt" 2>&1
  grep -E '^[A-Z][A-Za-z0-9]+\.[a-zA-Z]+ ' "$out/$name.txt" | grep -v -E ':gc\.(count|time|alloc\.rate) ' || true
}

if $l1only; then
  jmh l1hit 'dev\.weft\.benchmarks\.hit\.CacheHitBenchmark\.getProduct' -p variant=caffeineManual,weft,weftSynced,weftTwoLevel \
    -t 1 -prof gc "${opts[@]}"
  echo "duration.seconds=$SECONDS" >> "$out/environment.properties"
  echo "results: $out"
  exit 0
fi
# the default ValueSerializer's choice: serialize + deserialize of a small record and a 2 KB graph
jmh serializer 'dev\.weft\.benchmarks\.l2\.SerializerBenchmark' -prof gc "${opts[@]}"
# L2 hits (local miss) and local hits of two-level caches, 1 thread
jmh l2hit 'dev\.weft\.benchmarks\.l2\.L2HitBenchmark' "${opts[@]}"
# the L1 hit through the two-level backend next to the reference and the memory backend, woven getProduct
jmh l1hit 'dev\.weft\.benchmarks\.hit\.CacheHitBenchmark\.getProduct' -p variant=caffeineManual,weft,weftSynced,weftTwoLevel \
  -t 1 -prof gc "${opts[@]}"
# the L2-hit target, paired so that machine noise hits both sides
echo "== L2 hit, paired with its reference"
"$java_cmd" -cp "$classpath" dev.weft.benchmarks.l2.L2HitPairedRatio "$pairs" 2>/dev/null | tee "$out/l2hit-paired.txt"
# database loads per key after a scale-out and at a cold start, 1 to 8 instances
echo "== fleet loads"
"$java_cmd" -cp "$classpath" dev.weft.benchmarks.l2.FleetLoadsAfterScaleOut "$keys" "$out/fleet-loads.md" 2>/dev/null \
  | grep '^|'
echo "duration.seconds=$SECONDS" >> "$out/environment.properties"
echo "results: $out"
