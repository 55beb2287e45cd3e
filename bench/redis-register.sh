#!/usr/bin/env bash
# REGISTER over UDP with the location service in memory and in Redis, in one run: the REGISTER
# ladder (REG_RATES, DURATION s a step, every REGISTER a new user, through sipp-register-rate.sh)
# on a fresh gateway for each store, memory first; then Redis's memory per binding: INFO memory
# (used_memory) of a fresh redis-server before and after BINDINGS new users registered through
# the gateway at FILL_RATE/s. The redis-server runs on a free loopback port without persistence,
# started and stopped here. CPU is the gateway's and, with Redis, redis-server's too.
#
#   bench/redis-register.sh
#   env: REG_RATES="5000 10000 15000 20000 25000 30000 35000"  DURATION=10  BINDINGS=100000
#        FILL_RATE=5000  LADDER=1 (0: only the memory per binding)  SIPGW_JVM  SIPGW_JAR  OUT
set -euo pipefail
. "$(dirname "$0")/lib.sh"

REG_RATES="${REG_RATES:-5000 10000 15000 20000 25000 30000 35000}"
DURATION="${DURATION:-10}"; BINDINGS="${BINDINGS:-100000}"; FILL_RATE="${FILL_RATE:-5000}"
OUT="${OUT:-$BENCH_DIR/out}/redisreg-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
trap_cleanup
command -v redis-server > /dev/null || die "no redis-server (apt-get install redis-server)"

echo "# $0  (REG_RATES=\"$REG_RATES\" DURATION=$DURATION BINDINGS=$BINDINGS FILL_RATE=$FILL_RATE)"
echo "# $(date -Is), $(nproc) cores, $(sipp -v 2>&1 | grep -o 'SIPp v[^ ]*' | head -1), $(java -version 2>&1 | head -1), $(redis-server --version | cut -d' ' -f1-3)"

REDIS_PORT=""; REDIS_PID=""
start_redis() {
  stop_redis
  REDIS_PORT="$(free_port)"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no > "$OUT/redis-$REDIS_PORT.log" 2>&1 &
  REDIS_PID=$!; bg_add "$REDIS_PID"
  for _ in $(seq 100); do redis-cli -p "$REDIS_PORT" ping > /dev/null 2>&1 && return 0; sleep 0.1; done
  die "redis-server did not start"
}
stop_redis() { [ -z "$REDIS_PID" ] || { stop_pid "$REDIS_PID"; bg_del "$REDIS_PID"; REDIS_PID=""; }; }
used_memory() { redis-cli -p "$REDIS_PORT" info memory | awk -F: '/^used_memory:/ { gsub(/\r/, "", $2); print $2 }'; }

# gateway_with STORE: bench.json with store.type STORE (redis: the redis-server above)
gateway_with() {
  local cfg="$OUT/bench-$1.json"
  if [ "$1" = redis ]; then
    python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); c["store"]={"type":"redis","redis":"redis://127.0.0.1:"+sys.argv[2]}; json.dump(c,open(sys.argv[3],"w"),indent=1)' \
      "$BENCH_DIR/bench.json" "$REDIS_PORT" "$cfg"
  else
    cp "$BENCH_DIR/bench.json" "$cfg"
  fi
  stop_gateway; start_gateway "$OUT" "$cfg" > /dev/null
}

declare -A BEST COST
echo "| store | target/s | ok | failed | retrans | gateway CPU µs/REGISTER | redis-server CPU µs/REGISTER |"
echo "|---|---:|---:|---:|---:|---:|---:|"
STORES="memory redis"; [ "${LADDER:-1}" = 1 ] || STORES=""
for store in $STORES; do
  [ "$store" = redis ] && start_redis
  gateway_with "$store"
  RATES="5000 10000" DURATION=5 SIPGW_PID="$GW_PID" OUT="$OUT/warm-$store" "$BENCH_DIR/sipp-register-rate.sh" "$LOCAL" "$GW_PORT" udp > /dev/null 2>&1 || true
  for rate in $REG_RATES; do
    r0="$(tree_cpu "$REDIS_PID")"
    RATES="$rate" DURATION="$DURATION" SIPGW_PID="$GW_PID" OUT="$OUT/reg-$store" "$BENCH_DIR/sipp-register-rate.sh" "$LOCAL" "$GW_PORT" udp \
      > "$OUT/reg-$store-$rate.txt" 2>&1 || true
    r1="$(tree_cpu "$REDIS_PID")"
    read -r _ _ ok failed retrans _ per10k < <(grep -E "^$rate " "$OUT/reg-$store-$rate.txt" || echo "$rate - 0 -1 -1 - -")
    rus="-"; [ -n "$REDIS_PID" ] && [ "$ok" -gt 0 ] && rus="$(awk -v a="$r0" -v b="$r1" -v n="$ok" 'BEGIN { printf "%.1f", (b - a) * 1e6 / n }')"
    gus="-"; [ "$per10k" != "-" ] && gus="$(awk -v c="$per10k" 'BEGIN { printf "%.1f", c * 100 }')"
    echo "| $store | $rate | $ok | $failed | $retrans | $gus | $rus |"
    [ "$failed" = 0 ] && [ "$retrans" = 0 ] || break
    BEST[$store]="$rate"; COST[$store,$rate]="$gus"
  done
done

# Redis memory per binding: a fresh server, BINDINGS new users
start_redis; gateway_with redis
RATES="2000" DURATION=3 SIPGW_PID="$GW_PID" OUT="$OUT/fill-warm" "$BENCH_DIR/sipp-register-rate.sh" "$LOCAL" "$GW_PORT" udp > /dev/null 2>&1 || true
before="$(used_memory)"; keys0="$(redis-cli -p "$REDIS_PORT" dbsize)"
RATES="$FILL_RATE" DURATION=$(( BINDINGS / FILL_RATE )) SIPGW_PID="$GW_PID" OUT="$OUT/fill" "$BENCH_DIR/sipp-register-rate.sh" "$LOCAL" "$GW_PORT" udp > "$OUT/fill.txt" 2>&1 || true
read -r _ _ filled _ < <(grep -E "^$FILL_RATE " "$OUT/fill.txt" || echo "- - 0")
after="$(used_memory)"
keys="$(redis-cli -p "$REDIS_PORT" dbsize)"
stop_gateway; stop_redis

echo
echo "| measure | memory | redis |"
echo "|---|---:|---:|"
echo "| highest clean REGISTER/s (UDP) | ${BEST[memory]:-0} | ${BEST[redis]:-0} |"
c="${BEST[redis]:-0}"; [ "${BEST[memory]:-0}" -lt "$c" ] && c="${BEST[memory]:-0}"
echo "| gateway CPU µs per REGISTER at $c/s | ${COST[memory,$c]:--} | ${COST[redis,$c]:--} |"
echo
# one AOR key and one index member per new user; a REGISTER whose 200 was late still wrote its binding
echo "redis used_memory: $before bytes before, $after after $filled REGISTERs answered 200 ($(( keys - keys0 )) new AOR keys):" \
  "$(awk -v a="$before" -v b="$after" -v n="$(( keys - keys0 ))" 'BEGIN { printf "%.0f", (n > 0 ? (b - a) / n : 0) }') bytes per binding"
echo "# logs: $OUT"
