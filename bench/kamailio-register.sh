#!/usr/bin/env bash
# REGISTER through sipgw against the anchor, Kamailio 5.6, in one run on one machine: the same SIPp
# REGISTER ladder over UDP (RATES, DURATION s a step, every REGISTER a new user whose 200 SIPp
# checks) against a Kamailio registrar (bench/kamailio/proxy.cfg: registrar, usrloc in memory,
# KAMAILIO_CHILDREN UDP workers), then against sipgw as a new user runs it: `java -jar
# target/sipgw.jar` with no JVM flag (SIPGW_JVM="" unless set) on the default config (conf/sipgw.json
# moved to loopback, its WebSocket listener left out: nothing here uses it). For each ROUND (kamailio
# then sipgw, so both see the machine in the same state) a fresh server, a warm-up (WARMUP s at
# WARMUP_RATE, not measured), and the ladder until the first step that is not clean (a failed
# REGISTER or retransmissions above RETRANS_PCT %). CPU is /proc/PID/stat of the server (Kamailio:
# its main process and every child) over each step.
#
# Prints every step, then per round the highest clean rate of each with the ratio sipgw/kamailio,
# and the CPU per REGISTER of each at the highest rate both ran clean with the ratio kamailio/sipgw
# (above 1: sipgw spends less).
#
#   bench/kamailio-register.sh
#   env: RATES="10000 15000 20000 25000 30000 35000 40000"  DURATION=10  ROUNDS=1  PAUSE=2
#        WARMUP=10  WARMUP_RATE=5000  RETRANS_PCT=0.1  KAMAILIO_CHILDREN=2  KAMAILIO_SHM=1024
#        SIPGW_JVM=""  SIPGW_JAR  SIPGW_CONFIG (default: conf/sipgw.json on loopback)  OUT
set -euo pipefail
PLAIN_JVM="${SIPGW_JVM-}"
. "$(dirname "$0")/lib.sh"
SIPGW_JVM="$PLAIN_JVM"   # lib.sh's default is the tuned flags of docs/performance.md; here none unless asked

RATES="${RATES:-10000 15000 20000 25000 30000 35000 40000}"
DURATION="${DURATION:-10}"; PAUSE="${PAUSE:-2}"; ROUNDS="${ROUNDS:-1}"
WARMUP="${WARMUP:-10}"; WARMUP_RATE="${WARMUP_RATE:-5000}"
export RETRANS_PCT="${RETRANS_PCT:-0.1}"
OUT="${OUT:-$BENCH_DIR/out}/kamreg-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
trap_cleanup
command -v kamailio > /dev/null || die "no kamailio (apt-get install kamailio)"

CONFIG="${SIPGW_CONFIG:-}"
if [ -z "$CONFIG" ]; then
  CONFIG="$OUT/default-loopback.json"
  python3 - "$ROOT_DIR/conf/sipgw.json" "$CONFIG" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["listen"] = [dict(l, host="127.0.0.1") for l in c["listen"] if l["transport"] in ("udp", "tcp")]
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY
fi

echo "# $0  (RATES=\"$RATES\" DURATION=$DURATION ROUNDS=$ROUNDS RETRANS_PCT=$RETRANS_PCT WARMUP=$WARMUP WARMUP_RATE=$WARMUP_RATE KAMAILIO_CHILDREN=${KAMAILIO_CHILDREN:-2})"
echo "# $(date -Is), $(nproc) cores, $(sipp -v 2>&1 | grep -o 'SIPp v[^ ]*' | head -1), $(java -version 2>&1 | head -1), $(kamailio -v | head -1)"
echo "# sipgw: java ${SIPGW_JVM:-(no flags)} -jar $SIPGW_JAR, config $CONFIG"

declare -A BEST US
echo "| server | target/s | achieved/s | ok | failed | retrans | CPU µs/REGISTER | cpu_s | verdict |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
for round in $(seq "$ROUNDS"); do
  for server in kamailio sipgw; do
    stop_gateway
    if [ "$server" = kamailio ]; then start_kamailio "$OUT" > "$OUT/start-$server-$round.out"
    else start_gateway "$OUT" "$CONFIG" > "$OUT/start-$server-$round.out"; fi
    if [ "$WARMUP" -gt 0 ]; then
      DURATION="$WARMUP" reg_step "$OUT" "w$server$round" "$WARMUP_RATE"
      echo "# warm-up $server: ${WARMUP_RATE}/s for ${WARMUP} s, ok $R_OK, failed $R_FAILED (not measured)" >> "$OUT/warmups.txt"
    fi
    BEST[$server,$round]=0
    for rate in $RATES; do
      sleep "$PAUSE"
      reg_step "$OUT" "$server$round$rate" "$rate"
      reg_row "$server"
      reg_clean || break
      BEST[$server,$round]="$rate"; US[$server,$round,$rate]="$R_US"
    done
  done
done
stop_gateway

echo
echo "| round | kamailio clean REGISTER/s | sipgw clean REGISTER/s | rate ratio sipgw/kamailio | at REGISTER/s | kamailio CPU µs/REGISTER | sipgw CPU µs/REGISTER | CPU ratio kamailio/sipgw |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for round in $(seq "$ROUNDS"); do
  versus_row "$round" "${BEST[kamailio,$round]}" "${BEST[sipgw,$round]}" US "kamailio,$round" "sipgw,$round"
done
echo "# highest clean rate: the last step with no failed REGISTER and retrans <= $RETRANS_PCT %; a ladder clean to its end was stopped by RATES, not by the server"
echo "# logs: $OUT"
