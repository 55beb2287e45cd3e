#!/usr/bin/env bash
# Calls through sipgw against the anchor, Kamailio 5.6, in one run on one machine. Both serve the
# same SIPp call ladder: a SIPp callee (uas.xml) registered as bob@localhost, a SIPp caller
# (uac.xml) at rising rates, DURATION s a step, INVITE / [100] / 180 / 200 / ACK / BYE / 200 with
# ACK and BYE along the Record-Route; once with HOLD ms between ACK and BYE for each HOLDS (100: a
# held call; 0: back to back, where a proxy that reorders a call's messages fails calls).
# Kamailio runs bench/kamailio/proxy.cfg (tm, rr, registrar, usrloc in memory) with
# KAMAILIO_CHILDREN UDP workers; sipgw runs target/sipgw.jar with bench/bench.json and SIPGW_JVM,
# as bench/sipp-call-max.sh. Each ladder gets a fresh server, the callee registered and a warm-up,
# and stops at the first step that is not clean (a failed or aborted call on either side, or
# retransmissions above RETRANS_PCT % of the calls). The order is kamailio, sipgw for each hold, so
# both see the machine in the same state. CPU is /proc/PID/stat of the server (Kamailio: its main
# process and every child) over each step.
#
# Prints every step as a table row, then per hold: the highest clean rate of each and the ratio
# sipgw/kamailio, and the CPU per call of each at the highest rate both ran clean, with the ratio
# kamailio/sipgw (above 1: sipgw spends less).
#
#   bench/kamailio-calls.sh
#   env: RATES="1000 1500 2000 2500 3000 3500 4000 4500 5000 5500 6000"  DURATION=10  HOLDS="100 0"
#        PAUSE=2  WARMUP=10 (s at WARMUP_RATE=1000)  RETRANS_PCT=0.1  KAMAILIO_CHILDREN=2
#        KAMAILIO_SHM=1024  LATENCY=sipp  SIPGW_JAR  SIPGW_JVM  OUT
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RATES="${RATES:-1000 1500 2000 2500 3000 3500 4000 4500 5000 5500 6000}"
DURATION="${DURATION:-10}"; PAUSE="${PAUSE:-2}"; HOLDS="${HOLDS:-100 0}"
WARMUP="${WARMUP:-10}"; WARMUP_RATE="${WARMUP_RATE:-1000}"
export RETRANS_PCT="${RETRANS_PCT:-0.1}"
LATENCY="${LATENCY:-sipp}"
OUT="${OUT:-$BENCH_DIR/out}/kamcalls-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
trap_cleanup
command -v kamailio > /dev/null || die "no kamailio (apt-get install kamailio)"

echo "# $0  (RATES=\"$RATES\" DURATION=$DURATION HOLDS=\"$HOLDS\" RETRANS_PCT=$RETRANS_PCT WARMUP=$WARMUP WARMUP_RATE=$WARMUP_RATE KAMAILIO_CHILDREN=${KAMAILIO_CHILDREN:-2})"
echo "# $(date -Is), $(nproc) cores, $(sipp -v 2>&1 | grep -o 'SIPp v[^ ]*' | head -1), $(java -version 2>&1 | head -1), $(kamailio -v | head -1)"

UAS_PORT="$(free_port)"
declare -A BEST CPU_US
fresh() {  # fresh SERVER: a new server process, the callee registered, warmed up
  stop_gateway
  if [ "$1" = kamailio ]; then start_kamailio "$OUT"; else start_gateway "$OUT"; fi
  register_callee "$OUT" "$UAS_PORT"
  warm_up "$OUT" "warmup-$1-$GW_PID"
}

ladder_header
for HOLD_MS in $HOLDS; do
  export HOLD_MS
  for server in kamailio sipgw; do
    fresh "$server" > "$OUT/fresh-$server-$HOLD_MS.out"
    BEST[$server,$HOLD_MS]=0
    for rate in $RATES; do
      if ladder_step "$server" "$rate"; then
        BEST[$server,$HOLD_MS]="$rate"
        CPU_US[$server,$HOLD_MS,$rate]="$(awk -v m="$S_CPU_MS" 'BEGIN { printf "%.0f", m * 1000 }')"
      else
        break
      fi
      sleep "$PAUSE"
    done
  done
done
stop_gateway

echo
echo "| hold ms | kamailio clean calls/s | sipgw clean calls/s | rate ratio sipgw/kamailio | at calls/s | kamailio CPU µs/call | sipgw CPU µs/call | CPU ratio kamailio/sipgw |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for HOLD_MS in $HOLDS; do
  versus_row "$HOLD_MS" "${BEST[kamailio,$HOLD_MS]}" "${BEST[sipgw,$HOLD_MS]}" CPU_US "kamailio,$HOLD_MS" "sipgw,$HOLD_MS"
done
echo "# highest clean rate: the last step of the ladder with no failed or aborted call and retrans <= $RETRANS_PCT %; a ladder that was clean to its end was stopped by RATES, not by the server"
echo "# logs: $OUT"
