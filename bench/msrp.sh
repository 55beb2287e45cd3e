#!/usr/bin/env bash
# The MSRP relay figures (issue 13), on a fresh gateway with an msrp listener (bench/msrp.json, auth
# off, on free loopback ports, SIPGW_JVM), driven by io.sipgw.bench.MsrpLoad from the test classes:
#   throughput: SESSIONS pairs of clients, each sender MB megabytes in 64 KB chunks through the relay
#     to its receiver (Failure-Report: partial), MB/s from the first byte sent to the last received;
#   idle: IDLE connections with a session each, held; the gateway's heap after a full GC before and
#     after, per session.
#
#   bench/msrp.sh          env: MB=200 MB100=10 IDLE=10000 ROUNDS=2 SIPGW_JVM OUT
set -euo pipefail
. "$(dirname "$0")/lib.sh"
MB="${MB:-200}"; MB100="${MB100:-10}"; IDLE="${IDLE:-10000}"; ROUNDS="${ROUNDS:-2}"
load_setup MsrpLoad msrp
echo "# $0  (MB=$MB MB100=$MB100 IDLE=$IDLE ROUNDS=$ROUNDS), $(date -Is), $(nproc) cores"

MSRP_PORT="$(free_port)"
sed "s/\"port\": 2855/\"port\": $MSRP_PORT/" "$BENCH_DIR/msrp.json" > "$OUT/msrp.json"
load() { java -cp "$CLASSES:$SIPGW_JAR" io.sipgw.bench.MsrpLoad "$1" "$MSRP_PORT" "${@:2}"; }

stop_gateway; start_gateway "$OUT" "$OUT/msrp.json" > /dev/null
load throughput 1 20 > /dev/null   # warm-up (JIT)
for r in $(seq "$ROUNDS"); do echo "round $r: $(load throughput 1 "$MB")"; done
for r in $(seq "$ROUNDS"); do echo "round $r: $(load throughput 100 "$MB100")"; done

stop_gateway; start_gateway "$OUT" "$OUT/msrp.json" > /dev/null
before="$(heap_after_gc)"
load idle "$IDLE" > "$OUT/idle.txt" 2>&1 &
LOAD_PID=$!; bg_add "$LOAD_PID"
for _ in $(seq 1200); do grep -q '^held' "$OUT/idle.txt" && break; kill -0 "$LOAD_PID" 2>/dev/null || break; sleep 0.1; done
grep -q '^held' "$OUT/idle.txt" || { cat "$OUT/idle.txt" >&2; die "the idle sessions did not come up"; }
after="$(heap_after_gc)"
kill "$LOAD_PID" 2>/dev/null || true
echo "idle: $(cat "$OUT/idle.txt") sessions, heap after GC ${before} MB before, ${after} MB with them: $(awk -v a="$after" -v b="$before" -v n="$IDLE" 'BEGIN { printf "%.0f", (a - b) * 1048576 / n }') bytes per session"
stop_gateway
