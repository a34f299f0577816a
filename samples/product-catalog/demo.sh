#!/usr/bin/env bash
# The product catalog on two instances, kept in sync by Weft over Redis, plus a change feed for changes made in the
# database directly. Starts redis-server (the one bundled in a Maven artifact), the H2 database server, two API
# instances and the change feed, runs the scenario step by step, and stops everything it started, by pid, on exit.
#
#   samples/product-catalog/demo.sh          # run the scenario, then stop
#   samples/product-catalog/demo.sh --keep   # run it, then keep everything up until Enter (try curl yourself)
#   samples/product-catalog/demo.sh --l2     # the instances share a level in Redis (--backend=l2): a third
#                                            # instance, started last, answers its first request from Redis
#
# Needs JDK 17+ and curl. Builds the module first (with the repository's Maven wrapper) when its classes are missing
# or older than its sources. Logs and the database go to samples/product-catalog/target/demo/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="$HERE/target/demo"
PACKAGE=dev.weft.samples.catalog
KEEP=false
BACKEND=redis
for arg in "$@"; do
  case "$arg" in
    --keep) KEEP=true ;;
    --l2) BACKEND=l2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

for tool in java curl; do
  command -v "$tool" >/dev/null || { echo "demo.sh needs $tool on the PATH" >&2; exit 1; }
done

# ---- build (only when needed) -----------------------------------------------------------------------------------

MARKER="$HERE/target/classes/dev/weft/samples/catalog/CatalogServer.class"
if [[ ! -d "$HERE/target/demo-lib" || ! -f "$MARKER" \
      || ! -f "$HERE/target/test-classes/dev/weft/samples/catalog/DemoRedis.class" \
      || -n "$(find "$HERE/src" "$HERE/pom.xml" -newer "$MARKER" -print -quit)" ]]; then
  echo "Building the sample: ./mvnw -q -B -ntp package -DskipTests -pl samples/product-catalog -am"
  (cd "$ROOT" && ./mvnw -q -B -ntp package -DskipTests -pl samples/product-catalog -am)
fi
CP="$HERE/target/classes:$HERE/target/test-classes:$HERE/target/demo-lib/*"
JAVA_OPTS=(-Xmx256m -XX:+UseSerialGC)

# ---- process handling ---------------------------------------------------------------------------------------------

rm -rf "$WORK"
mkdir -p "$WORK"
NAMES=()
PIDS=()
REDIS_SERVER_PID=""

stop_all() {
  local status=$?
  trap - EXIT INT TERM
  echo
  echo "Stopping what the demo started:"
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    if kill "${PIDS[$i]}" 2>/dev/null; then
      echo "  ${NAMES[$i]} (pid ${PIDS[$i]})"
    fi
  done
  for pid in "${PIDS[@]}"; do
    # SIGTERM lets each JVM run its shutdown hooks; give them 10 s, then SIGKILL.
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [[ -n "$REDIS_SERVER_PID" ]] && kill -0 "$REDIS_SERVER_PID" 2>/dev/null; then
    kill "$REDIS_SERVER_PID" 2>/dev/null && echo "  redis-server (pid $REDIS_SERVER_PID)"
  fi
  echo "Logs: $WORK"
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# start NAME [-Dprop=value...] MAIN [ARG...]: runs a JVM in the background; stdout (its ready line) to NAME.out,
# stderr (its log) to NAME.log.
start() {
  local name=$1
  shift
  java "${JAVA_OPTS[@]}" -cp "$CP" "$@" >"$WORK/$name.out" 2>"$WORK/$name.log" &
  NAMES+=("$name")
  PIDS+=("$!")
}

# await_ready NAME PREFIX: waits (60 s at most) for NAME to print its ready line; prints the line.
await_ready() {
  local name=$1 prefix=$2 i pid=""
  for i in "${!NAMES[@]}"; do [[ "${NAMES[$i]}" == "$name" ]] && pid=${PIDS[$i]}; done
  for _ in $(seq 600); do
    if grep -m1 "^$prefix" "$WORK/$name.out" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name (pid $pid) exited before it was ready; the end of its log:" >&2
      tail -n 20 "$WORK/$name.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$name (pid $pid) was not ready within 60 s; see $WORK/$name.log" >&2
  exit 1
}

# word LINE KEY: the value of KEY=value in a ready line.
word() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }
# field JSON KEY: a scalar field of a flat JSON object (the API's answers are flat, strings without commas).
field() { grep -o "\"$2\":[^,}]*" <<<"$1" | head -n 1 | cut -d: -f2- | tr -d '"'; }
now_ms() { date +%s%3N; }

step() { echo; echo "== $*"; }
show() { printf '   %s\n' "$@"; }

# await_fresh NAME URL KEY VALUE: GETs URL until KEY has VALUE (5 s at most); prints the answer and how long it took
# (curl starts once per GET, so a few of those milliseconds are curl's own start-up).
await_fresh() {
  local name=$1 url=$2 key=$3 value=$4 start answer tries=0
  start=$(now_ms)
  while :; do
    answer=$(curl -s "$url")
    tries=$((tries + 1))
    if [[ "$(field "$answer" "$key")" == "$value" ]]; then
      show "$name: $answer"
      show "   fresh on GET #$tries, $(($(now_ms) - start)) ms after the change returned"
      return 0
    fi
    if (($(now_ms) - start > 5000)); then
      show "$name: STILL STALE after 5 s: $answer"
      return 1
    fi
    sleep 0.01
  done
}

# ---- start --------------------------------------------------------------------------------------------------------

echo "Weft product-catalog demo: two API instances over one H2 database, in sync over Redis, plus a change feed."
step "Starting redis-server and the database"
start redis -Dweft.testing.dir="$WORK/redis" "$PACKAGE.DemoRedis"
start database "$PACKAGE.DatabaseServer" --port=0 --db-dir="$WORK/db"
redis_line=$(await_ready redis "REDIS READY")
db_line=$(await_ready database "DATABASE READY")
REDIS_URI=$(word "$redis_line" uri)
REDIS_SERVER_PID=$(word "$redis_line" pid)
DB_URL=$(word "$db_line" url)
show "redis-server $(word "$redis_line" version) on $REDIS_URI (pid $REDIS_SERVER_PID, from a Maven artifact)"
show "H2 database server on $DB_URL (pid ${PIDS[1]}), seeded with 10,000 products"

step "Starting two API instances (--backend=$BACKEND) and the change feed"
for n in 1 2; do
  start "api-$n" "$PACKAGE.CatalogServer" --port=0 --instance="api-$n" --db-url="$DB_URL" --backend="$BACKEND" \
    --redis-uri="$REDIS_URI"
done
FEED_L2=()
[[ $BACKEND == l2 ]] && FEED_L2=(--l2-key-prefix=catalog:)   # the instances' Redis level: the feed invalidates it too
start change-feed "$PACKAGE.ChangeFeed" --db-url="$DB_URL" --redis-uri="$REDIS_URI" \
  --position-file="$WORK/change-feed.position" ${FEED_L2[@]+"${FEED_L2[@]}"}
api1_line=$(await_ready api-1 "CATALOG READY")
api2_line=$(await_ready api-2 "CATALOG READY")
API1="http://127.0.0.1:$(word "$api1_line" port)"
API2="http://127.0.0.1:$(word "$api2_line" port)"
await_ready change-feed "CHANGE FEED READY" >/dev/null
show "api-1 on $API1 (pid ${PIDS[2]})" "api-2 on $API2 (pid ${PIDS[3]})" \
  "change feed (pid ${PIDS[4]}): polls product.change_seq, publishes invalidateDependency(\"product:N\")"

# A fresh JVM's first requests load classes and run interpreted: warm both up on other products (300 misses, then
# 2,000 hits each), so the timings below compare a database read with a cache hit, not a cold JVM with a warm one.
for api in "$API1" "$API2"; do
  curl -s "$api/products/[1-300]" "$api/products/[1-300]" "$api/products/1?warm=[1-1700]" >/dev/null
done
show "(both warmed up on products 1-300: 300 misses and 2,000 hits each)"

# ---- the scenario -------------------------------------------------------------------------------------------------

ID=4242
step "1. Cold read: the first GET of product $ID on api-1 runs the SQL query"
show "GET $API1/products/$ID"
answer=$(curl -s "$API1/products/$ID")
show "-> $answer"
COLD_US=$(field "$answer" micros)
show "source=$(field "$answer" source), $COLD_US µs in the server"

step "2. Warm reads: 20 more GETs of product $ID on api-1 are cache hits"
warm=$(curl -s -w '%{time_total}\n' "$API1/products/$ID?read=[1-20]")
hits=$(grep -c '"source":"cache"' <<<"$warm" || true)
server_us=$(grep -o '"micros":[0-9.]*' <<<"$warm" | cut -d: -f2 | sort -n)
round_ms=$(grep -v '^{' <<<"$warm" | awk '{print $1 * 1000}' | sort -n)
median() { awk '{v[NR]=$1} END {printf "%s", v[int((NR + 1) / 2)]}'; }
show "-> $(grep '^{' <<<"$warm" | tail -n 1)"
show "source=cache in $hits of 20; in the server: median $(median <<<"$server_us") µs, min $(head -n 1 \
<<<"$server_us") µs; HTTP round trip (curl): median $(median <<<"$round_ms") ms"
show "in the server, a hit cost $(awk -v cold="$COLD_US" -v hit="$(median <<<"$server_us")" \
'BEGIN {printf "%d", cold / (hit > 0 ? hit : 0.1)}') times less than the database read of step 1"

step "3. Update through api-1, read back from api-2"
curl -s -o /dev/null "$API2/products/$ID"
show "api-2 has product $ID cached: $(curl -s "$API2/products/$ID")"
show "PUT $API1/products/$ID?name=Weft%20Mug&priceCents=1599"
show "-> $(curl -s -X PUT "$API1/products/$ID?name=Weft%20Mug&priceCents=1599")"
await_fresh api-2 "$API2/products/$ID" name "Weft Mug"

ID2=77
step "4. Update product $ID2 directly in the database (H2 Shell, not the API): the change feed tells both instances"
curl -s -o /dev/null "$API1/products/$ID2"
curl -s -o /dev/null "$API2/products/$ID2"
show "api-1 has it cached: $(curl -s "$API1/products/$ID2")"
show "api-2 has it cached: $(curl -s "$API2/products/$ID2")"
SQL="UPDATE product SET name = 'Espresso Cup', price_cents = 4999 WHERE id = $ID2"
show "SQL> $SQL"
show "-> $(java -cp "$CP" org.h2.tools.Shell -url "$DB_URL" -user sa -password "" -sql "$SQL" | tr -d '\n')"
await_fresh api-1 "$API1/products/$ID2" priceCents 4999
await_fresh api-2 "$API2/products/$ID2" priceCents 4999
show "change feed log: $(grep -m1 "\"product:$ID2\"" "$WORK/change-feed.log" | sed 's/^[0-9:.]* INFO //')"

step "5. Statistics of each instance (GET /stats)"
for n in 1 2; do
  url=$API1
  [[ $n == 2 ]] && url=$API2
  stats=$(curl -s "$url/stats")
  show "api-$n: cache hits=$(field "$stats" hits) misses=$(field "$stats" misses) invalidations=$(field "$stats" \
invalidations) hitRatio=$(field "$stats" hitRatio); invalidator $(field "$stats" state), messages \
sent=$(field "$stats" messagesSent) received=$(field "$stats" messagesReceived) gaps=$(field "$stats" gapsDetected)"
done
show "(received: the other instance's invalidations and the change feed's. The feed publishes the changes made" \
  "through the API as well, since it sees every change to the table: harmless, invalidating twice is idempotent.)"

if [[ $BACKEND == l2 ]]; then
  # product 150 was read in the warm-up (products 1-300) and has not changed since: it is in Redis
  ID3=150
  step "6. A third instance, started now, answers its first request for product $ID3 from Redis"
  start api-3 "$PACKAGE.CatalogServer" --port=0 --instance=api-3 --db-url="$DB_URL" --backend=l2 \
    --redis-uri="$REDIS_URI"
  api3_line=$(await_ready api-3 "CATALOG READY")
  API3="http://127.0.0.1:$(word "$api3_line" port)"
  show "api-3 on $API3 (pid ${PIDS[5]}), its cache empty"
  show "GET $API3/products/$ID3"
  answer=$(curl -s "$API3/products/$ID3")
  show "-> $answer"
  stats=$(curl -s "$API3/stats")
  show "source=$(field "$answer" source), $(field "$answer" micros) µs in the server (a Redis read, in a JVM that" \
    "has just started); api-3's database queries so far: loads=$(field "$stats" loads), Redis hits:" \
    "l2Hits=$(field "$stats" l2Hits)"
fi

if $KEEP; then
  step "Everything keeps running. Try:"
  show "curl -s $API1/products/1" "curl -s -X PUT '$API2/products/1?priceCents=100'" "curl -s $API1/stats" \
    "java -cp '$HERE/target/demo-lib/*' org.h2.tools.Shell -url $DB_URL -user sa -password ''"
  read -r -p "   Press Enter to stop. " _ || true
fi
