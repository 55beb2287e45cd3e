#!/usr/bin/env bash
# How many WebSocket SIP clients (RFC 7118, as a browser's JsSIP) one gateway holds registered with
# keep-alives, and the heap they take. Starts its own gateway (bench/ws-clients.json: UDP and WS on a
# free 127.0.0.1 port, transport.maxConnections 19500), measures its heap after a full GC while idle,
# then runs io.sipgw.bench.WsClientLoad (test sources) in as many processes as N needs (PER_PROC
# clients each; all from 127.0.0.1, see WsClientLoad on Vert.x and local addresses): every client
# connects, registers as its own user (user0001 ...), sends a CRLF keep-alive every KEEPALIVE s
# and re-REGISTERs at half the granted expiry. Once all are registered it waits SETTLE s and takes
# the gateway's figures while the clients are held: WebSockets established on its port (ss),
# heap after a full GC (jcmd GC.run + GC.heap_info), RSS, open files, and the top of a class
# histogram (class-histogram.txt in the run's directory). The clients hold HOLD s, then
# report; the heap is taken once more after they have gone.
#
#   bench/ws-clients.sh N [HOLD_SECONDS]          (default 60)
#   env: PER_PROC=6000  RATE=500 (connections/s, all processes)  EXPIRES=600  KEEPALIVE=30
#        SETTLE=5  CLIENT_JVM  SIPGW_JVM (default -Xms256m -Xmx2g: no pre-touched heap, so that RSS
#        means something)  SIPGW_JAR  OUT
# Exit status: 0 when every client was held registered with every keep-alive answered, 1 otherwise.
# The open-file hard limit (20000 per process) caps one gateway at about 19,900 connections.
set -euo pipefail
SIPGW_JVM="${SIPGW_JVM:--Xms256m -Xmx2g}"
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: $0 N [HOLD_SECONDS]"
N="$1"; HOLD="${2:-60}"
PER_PROC="${PER_PROC:-6000}"; RATE="${RATE:-500}"; EXPIRES="${EXPIRES:-600}"; KEEPALIVE="${KEEPALIVE:-30}"
SETTLE="${SETTLE:-5}"
CLIENT_JVM="${CLIENT_JVM:--Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
[ "$PER_PROC" -le 19000 ] || die "PER_PROC=$PER_PROC: a process holds at most about 19,000 connections (20000 open files)"
[ "$N" -le 28000 ] || die "N=$N: one source address to one port has ~28,000 ephemeral ports (and one gateway holds ~19,900)"
[ "$HOLD" -ge $(( SETTLE + 15 )) ] || die "HOLD must leave time for the measurement: at least SETTLE + 15 s"
OUT="${OUT:-$BENCH_DIR/out}/ws-clients-$N-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
trap_cleanup

CLASSES="$ROOT_DIR/target/test-classes"
if [ ! -r "$SIPGW_JAR" ] || [ ! -r "$CLASSES/io/sipgw/bench/WsClientLoad.class" ]; then
  (cd "$ROOT_DIR" && mvn -q -o -B package -DskipTests)
fi

rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "-"; }

start_gateway "$OUT" "$BENCH_DIR/ws-clients.json"
sleep 2
IDLE_HEAP="$(heap_after_gc)"; IDLE_RSS="$(rss_mb "$GW_PID")"
echo "# idle gateway: heap after full GC $IDLE_HEAP MB, RSS $IDLE_RSS MB"

PROCS=$(( (N + PER_PROC - 1) / PER_PROC ))
[ "$PROCS" -le 250 ] || die "N=$N needs more than 250 client processes"
PER=$(( (N + PROCS - 1) / PROCS ))
PROC_RATE=$(( RATE / PROCS > 0 ? RATE / PROCS : 1 ))
CLIENTS=()
for (( k = 0; k < PROCS; k++ )); do
  first=$(( 1 + k * PER )); count=$(( N - k * PER < PER ? N - k * PER : PER ))
  # shellcheck disable=SC2086
  java $CLIENT_JVM -cp "$CLASSES:$SIPGW_JAR" io.sipgw.bench.WsClientLoad port="$GW_PORT" \
    first="$first" count="$count" rate="$PROC_RATE" hold="$HOLD" expires="$EXPIRES" keepalive="$KEEPALIVE" \
    > "$OUT/client-$k.out" 2>&1 &
  CLIENTS+=("$!"); bg_add "$!"
done
echo "# $PROCS load client(s) of up to $PER WebSockets each, $RATE connections/s in all"
echo "# java $CLIENT_JVM -cp $CLASSES:$SIPGW_JAR io.sipgw.bench.WsClientLoad port=$GW_PORT first=1 count=$PER rate=$PROC_RATE hold=$HOLD expires=$EXPIRES keepalive=$KEEPALIVE  (and so on)"

# all clients ramped (each prints RAMPED once its clients are registered or failed), bounded
T0="$(now)"
for _ in $(seq $(( (2 * N / RATE + 90) * 10 ))); do
  ramped=$(cat "$OUT"/client-*.out | grep -c '^RAMPED' || true)
  [ "$ramped" -ge "$PROCS" ] && break
  alive=0; for p in "${CLIENTS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
  [ "$alive" = 1 ] || break
  sleep 0.1
done
RAMP_S="$(awk -v a="$T0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')"
grep -h '^RAMPED' "$OUT"/client-*.out | sed 's/^/# /' || true
echo "# all ramped after $RAMP_S s; holding, figures in $SETTLE s"
sleep "$SETTLE"

ESTABLISHED=$(ss -Htn state established "( sport = :$GW_PORT )" | wc -l)
HEAP="$(heap_after_gc)"; RSS="$(rss_mb "$GW_PID")"
FDS=$(ls "/proc/$GW_PID/fd" | wc -l)
THREADS=$(ls "/proc/$GW_PID/task" | wc -l)
jcmd "$GW_PID" GC.class_histogram 2>&1 | head -40 > "$OUT/class-histogram.txt" || true   # what the held clients' heap is

CODES=()
for p in "${CLIENTS[@]}"; do
  code=0; wait "$p" || code=$?
  CODES+=("$code"); bg_del "$p"
done
sleep 3
AFTER_HEAP="$(heap_after_gc)"; AFTER_ESTABLISHED=$(ss -Htn state established "( sport = :$GW_PORT )" | wc -l)

grep -h '^RESULT' "$OUT"/client-*.out | sed 's/^/# /' || true
# sum a key=value field over the RESULT lines
field() { grep -h '^RESULT' "$OUT"/client-*.out | awk -v k="$1" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) s += substr($i, length(k) + 2) } END { print s + 0 }'; }
OPEN=$(field open); REGISTERED=$(field registered); HELD=$(field held); REFRESHED=$(field refreshed)
KA_SENT=$(field keepalives_sent); KA_ANSWERED=$(field keepalives_answered); FAILURES=$(field failures)
RESULTS=$(grep -h "^RESULT" "$OUT"/client-*.out | wc -l)
WARNINGS=$(grep -c 'WARNING' "$OUT/sipgw.log" || true)
PER_CLIENT="-"
[ "$HELD" -gt 0 ] && [ "$HEAP" != "-" ] && [ "$IDLE_HEAP" != "-" ] &&
  PER_CLIENT=$(awk -v h="$HEAP" -v i="$IDLE_HEAP" -v n="$HELD" 'BEGIN { printf "%.1f", (h - i) * 1024 / n }')

echo "clients asked:             $N ($PROCS process(es), hold $HOLD s, Expires $EXPIRES, keep-alive every $KEEPALIVE s)"
echo "open / registered / held:  $OPEN / $REGISTERED / $HELD   (re-REGISTERs OK: $REFRESHED)"
echo "keep-alives answered:      $KA_ANSWERED of $KA_SENT"
echo "failures:                  $FAILURES   (client exit codes: ${CODES[*]}; gateway warnings logged: $WARNINGS)"
echo "gateway WebSockets (ss):   $ESTABLISHED established while held, $AFTER_ESTABLISHED after the clients left"
echo "gateway heap after GC:     idle $IDLE_HEAP MB, held $HEAP MB, after the clients left $AFTER_HEAP MB"
echo "heap per client:           $PER_CLIENT KB   ((held - idle) / held clients)"
echo "gateway RSS:               idle $IDLE_RSS MB, held $RSS MB   (open files $FDS, threads $THREADS; JVM $SIPGW_JVM)"
echo "| $N | $HELD | $KA_ANSWERED/$KA_SENT | $FAILURES | $ESTABLISHED | $IDLE_HEAP | $HEAP | $PER_CLIENT | $IDLE_RSS | $RSS | $FDS |"
echo "logs: $OUT"

ok=1
[ "$RESULTS" = "$PROCS" ] && [ "$HELD" = "$N" ] && [ "$FAILURES" = 0 ] && [ "$KA_ANSWERED" = "$KA_SENT" ] || ok=0
for c in "${CODES[@]}"; do [ "$c" = 0 ] || ok=0; done
if [ "$ok" = 1 ]; then echo "verdict: HELD $N"; else echo "verdict: NOT MET"; exit 1; fi
