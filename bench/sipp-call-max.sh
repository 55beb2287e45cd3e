#!/usr/bin/env bash
# Highest clean call rate of a gateway this script starts itself (as bench/sipp-call.sh does).
# Steps the rate through RATES, DURATION seconds each, on one warmed-up gateway, and stops at
# the first step that is not clean: a failed call (caller or callee) or retransmissions above
# RETRANS_PCT % of the step's calls. With BISECT=N it then bisects N times between the last
# clean and the first failed rate, each probe on a fresh gateway (restart, register, warm-up),
# so that the backlog of a failed step does not count against the next. Prints a table and the
# highest clean rate.
#
#   bench/sipp-call-max.sh
#   env: RATES="1000 2000 3000 4000 4500 5000 5500 6000 7000 8000"  DURATION=20  BISECT=0
#        RETRANS_PCT=0.1  WARMUP=10 (s at WARMUP_RATE=1000)  PAUSE=2 (s between steps)  HOLD_MS=0
#        LATENCY=sipp ("pcap" or "sipp pcap": tcpdump, microseconds, costs some CPU; "none")
#        SIPGW_JAR  SIPGW_JVM  OUT
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RATES="${RATES:-1000 2000 3000 4000 4500 5000 5500 6000 7000 8000}"
DURATION="${DURATION:-20}"; BISECT="${BISECT:-0}"; PAUSE="${PAUSE:-2}"
WARMUP="${WARMUP:-10}"; WARMUP_RATE="${WARMUP_RATE:-1000}"
export RETRANS_PCT="${RETRANS_PCT:-0.1}"
LATENCY="${LATENCY:-sipp}"
OUT="${OUT:-$BENCH_DIR/out}/callmax-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
trap_cleanup

echo "# $0  (RATES=\"$RATES\" DURATION=$DURATION BISECT=$BISECT RETRANS_PCT=$RETRANS_PCT WARMUP=$WARMUP WARMUP_RATE=$WARMUP_RATE HOLD_MS=${HOLD_MS:-0} LATENCY=\"$LATENCY\")"
echo "# $(date -Is), $(nproc) cores, $(sipp -v 2>&1 | grep -o 'SIPp v[^ ]*' | head -1), $(java -version 2>&1 | head -1)"

UAS_PORT="$(free_port)"
fresh_gateway() {
  stop_gateway
  start_gateway "$OUT"
  register_callee "$OUT" "$UAS_PORT"
  warm_up "$OUT" "warmup-$GW_PID"
}

lat_src="SIPp rtt, 4 ms clock"; case "$LATENCY" in *pcap*) lat_src="tcpdump on lo" ;; esac
row() {  # one table row for the step just finished
  local lat="$S_LAT_SIPP"; [ -z "$S_TCPDUMP" ] || lat="$S_LAT_PCAP"
  local verdict=clean; step_clean || verdict=FAIL
  printf '| %6s | %8s | %6s | %7s | %6s | %7s | %7s | %6s | %s | %s |\n' "$S_RATE" "$S_ACHIEVED" "$S_SECS" "$S_OK" \
    "$(( S_FAILED + S_UAS_FAILED ))" "$S_RETRANS" "$S_CPU_MS" "$S_CPU" "$(lat_fmt "$lat" | awk '{ printf "%7s | %7s | %7s | %8s", $1, $2, $3, $4 }')" "$verdict"
}
run_step() {  # run_step RATE -> row; returns step_clean's status
  step_start "$OUT" "$1" "$1" $(( $1 * DURATION ))
  step_wait; step_finish; row
  [ -z "${FIRST_CMD:-}" ] && FIRST_CMD="${S_UAC_CMD[*]}"
  step_clean
}

fresh_gateway
echo "# INVITE->200 latency in ms ($lat_src)"
echo "| target/s | achieved/s | secs | ok | failed | retrans | CPU ms/call | cpu_s | p50 | p90 | p99 | max | verdict |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
best=0; first_bad=""
for rate in $RATES; do
  if run_step "$rate"; then best="$rate"; else first_bad="$rate"; break; fi
  sleep "$PAUSE"
done
if [ -n "$first_bad" ] && [ "$BISECT" -gt 0 ]; then
  lo="$best"; hi="$first_bad"
  for _ in $(seq "$BISECT"); do
    mid=$(( (lo + hi) / 2 / 50 * 50 ))
    [ "$mid" -gt "$lo" ] && [ "$mid" -lt "$hi" ] || break
    echo "# bisect: fresh gateway for $mid/s" >&2
    fresh_gateway > "$OUT/fresh-$mid.out"
    if run_step "$mid"; then lo="$mid"; else hi="$mid"; fi
  done
  best="$lo"
fi
echo "# caller of the first step: ${FIRST_CMD:-}"
echo "# logs: $OUT"
if [ -n "$first_bad" ]; then
  echo "highest clean rate: $best calls/s (first failed: $first_bad calls/s; ${DURATION} s steps, zero failed calls, retrans <= $RETRANS_PCT %)"
else
  echo "highest clean rate: $best calls/s (every rate asked was clean; raise RATES)"
fi
