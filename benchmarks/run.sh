#!/usr/bin/env bash
# Builds the benchmarks, runs them on this machine, and writes the report.
#
#   benchmarks/run.sh            the full run (about 34 minutes on 2 cores): JSON, logs and charts in
#                                benchmarks/results/, the report in docs/performance.md
#   benchmarks/run.sh --quick    fewer forks and iterations (about 10 minutes): everything in benchmarks/results/quick/,
#                                including the report (docs/performance.md is left alone)
#   benchmarks/run.sh --report   only regenerates the report from the JSON already there
#
# Run nothing else on the machine meanwhile: every core is in use. JAVA_HOME chooses the JVM (default: java on PATH).
# The invalidation stage starts its own redis-server on 127.0.0.1 (from weft-test-support: a binary bundled in a Maven
# artifact, or redis-server on the PATH) in every trial and stops it after; nothing else is reached over the network.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
quick=false
report_only=false
for arg in "$@"; do
  case "$arg" in
    --quick) quick=true ;;
    --report) report_only=true ;;
    *) echo "usage: $0 [--quick] [--report]" >&2; exit 2 ;;
  esac
done

if $quick; then
  out="$here/results/quick"
  doc="$out/performance.md"
  hit_opts=(-f 1 -wi 3 -w 500ms -i 3 -r 500ms)
  miss_opts=(-f 1 -wi 2 -w 500ms -i 3 -r 500ms)
  breakdown_opts=(-f 1 -wi 3 -w 500ms -i 3 -r 500ms)
  invalidation_opts=(-f 1 -wi 1 -w 500ms -i 2 -r 500ms)
  fullcache_opts=(-f 1 -wi 3 -w 1s -i 3 -r 1s)
  cross_process_opts=(2000 5000)
else
  out="$here/results"
  doc="$root/docs/performance.md"
  hit_opts=(-f 2 -wi 8 -w 1s -i 5 -r 1s)
  miss_opts=(-f 2 -wi 5 -w 1s -i 5 -r 1s)
  breakdown_opts=(-f 2 -wi 4 -w 1s -i 4 -r 1s)
  invalidation_opts=(-f 2 -wi 2 -w 1s -i 4 -r 1s)
  fullcache_opts=(-f 2 -wi 5 -w 1s -i 5 -r 1s)
  # warm-up and measured operations per variant: a long warm-up, as the issue's outside measurement had
  cross_process_opts=(30000 50000)
fi
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command_line="benchmarks/run.sh${*:+ $*}"

if ! $report_only; then
  (cd "$root" && ./mvnw -q -B -ntp -pl benchmarks -am package -DskipTests)
fi
# Run from a private copy of everything the forks load, so that a `mvn clean` or a rebuild in the working tree
# meanwhile can neither break the run nor change the code under measurement.
workdir="$(mktemp -d "${TMPDIR:-/tmp}/weft-benchmarks.XXXXXX")"
trap 'rm -rf "$workdir"' EXIT
mkdir -p "$workdir/lib" "$workdir/target/agents"
cp -r "$here/target/classes" "$workdir/classes"
cp "$here/target/agents/aspectjweaver.jar" "$workdir/target/agents/"
classpath="$workdir/classes"
n=0
IFS=: read -r -a entries < "$here/target/benchmark.classpath" || true   # the file ends without a newline
for entry in "${entries[@]}"; do
  n=$((n + 1))
  if [ -d "$entry" ]; then
    cp -r "$entry" "$workdir/lib/$n"
    classpath="$classpath:$workdir/lib/$n"
  else
    cp "$entry" "$workdir/lib/$n-$(basename "$entry")"
    classpath="$classpath:$workdir/lib/$n-$(basename "$entry")"
  fi
done
cd "$workdir"   # the load-time weaving benchmark finds its agent at target/agents/ relative to the working directory

jmh() {   # jmh STAGE ARGS...: one JMH run, JSON to $out/STAGE.json, its console output to $out/STAGE.txt
  local name="$1"
  shift
  echo "== $name: jmh $*"
  "$java_cmd" -cp "$classpath" org.openjdk.jmh.Main "$@" -foe true -rf json -rff "$out/$name.json" \
    > "$out/$name.txt" 2>&1 || { tail -40 "$out/$name.txt"; echo "stage $name failed; see $out/$name.txt" >&2; exit 1; }
  grep -E '^(Benchmark|[A-Z][A-Za-z]+\.[a-zA-Z]+ )' "$out/$name.txt" | grep -v -E ':gc\.(count|time|alloc\.rate) ' || true
}

if ! $report_only; then
  mkdir -p "$out"
  rm -f "$out"/*.json "$out"/*.txt "$out"/*.svg
  {
    echo "command=$command_line"
    echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
    echo "commit=$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- caching-aspects backend-memory \
      || echo ' (with uncommitted changes in caching-aspects or backend-memory)')"
    echo "nproc=$(nproc)"
    echo "load.start=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "memory=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "os=$(uname -sr)"
    echo "java=$("$java_cmd" -version 2>&1 | sed -n 2p)"
    echo "hit.options=${hit_opts[*]}"
    echo "miss.options=${miss_opts[*]}"
    echo "breakdown.options=${breakdown_opts[*]}"
    echo "invalidation.options=${invalidation_opts[*]}"
    echo "fullcache.options=${fullcache_opts[*]}"
    echo "invalidation-cross-process.options=warm-up ${cross_process_opts[0]}, measured ${cross_process_opts[1]} operations"
    echo "redis=$("$java_cmd" -cp "$classpath" dev.weft.benchmarks.invalidation.RedisVersion 2>/dev/null || echo '?')"
  } > "$out/environment.properties"

  # Part 1: the cost of a hit, 1 and 2 threads (the load-time woven variant is in the same package)
  # (CPU time per call beside wall time: on a shared machine it moves far less)
  jmh hit-1t 'dev\.weft\.benchmarks\.hit\.' -t 1 -prof gc -prof dev.weft.benchmarks.profile.CpuTimeProfiler "${hit_opts[@]}"
  jmh hit-2t 'dev\.weft\.benchmarks\.hit\.' -t 2 -prof gc -prof dev.weft.benchmarks.profile.CpuTimeProfiler "${hit_opts[@]}"
  # Part 2: concurrent misses, 16 threads (set by the benchmark)
  jmh miss 'dev\.weft\.benchmarks\.miss\.' "${miss_opts[@]}"
  # Part 3: invalidation across two instances over a redis-server on 127.0.0.1 (latency, throughput, call time);
  # thread counts are set by the benchmarks
  jmh invalidation 'dev\.weft\.benchmarks\.invalidation\.' "${invalidation_opts[@]}"
  # Part 4: a full cache of 200,000 entries (issue 19): a miss that evicts (1 thread), a hit while another thread
  # misses (a group of 2); CPU time per call next to wall time, since a shared machine moves the latter
  jmh fullcache 'dev\.weft\.benchmarks\.fullcache\.' -prof gc -prof dev.weft.benchmarks.profile.CpuTimeProfiler \
    "${fullcache_opts[@]}"
  # ... and the retained heap per entry, by walking each full cache's object graph (JOL)
  echo "== footprint: EntryFootprint"
  "$java_cmd" -Djol.magicFieldOffset=true --add-exports java.base/jdk.internal.vm.annotation=ALL-UNNAMED \
    -cp "$classpath" dev.weft.benchmarks.fullcache.EntryFootprint \
    "$out/footprint.json" > "$out/footprint.txt" 2>&1 || { tail -40 "$out/footprint.txt"; exit 1; }
  grep -E '^[a-zA-Z]+: ' "$out/footprint.txt" || true
  # Part 3, across two processes: instance B in a JVM of its own, latency from timestamps on both sides (not JMH)
  echo "== invalidation-cross-process: ${cross_process_opts[*]}"
  "$java_cmd" -cp "$classpath" dev.weft.benchmarks.invalidation.CrossProcessLatency "$out" "${cross_process_opts[@]}" \
    > "$out/invalidation-cross-process.txt" 2>&1 \
    || { tail -40 "$out/invalidation-cross-process.txt"; echo "stage invalidation-cross-process failed" >&2; exit 1; }
  grep '^CrossProcessLatency' "$out/invalidation-cross-process.txt" || true
  # Diagnosis: Weft's hit path piece by piece, next to the reference's
  # (and its miss path, in a full cache, next to Caffeine's)
  jmh breakdown 'dev\.weft\.benchmarks\.breakdown\.' -t 1 -prof gc -prof dev.weft.benchmarks.profile.CpuTimeProfiler \
    "${breakdown_opts[@]}"
  echo "duration.seconds=$SECONDS" >> "$out/environment.properties"   # build and every stage, not the report
  echo "load.end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/environment.properties"
fi

"$java_cmd" -cp "$classpath" dev.weft.benchmarks.report.PerformanceReport "$out" "$doc"
echo "report: $doc"
