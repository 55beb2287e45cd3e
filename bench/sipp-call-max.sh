#!/usr/bin/env bash
# Highest clean call rate of a gateway this script starts itself (as bench/sipp-call.sh does), for
# each hold time of HOLDS: 100 ms between ACK and BYE (a held call), then 0 (ACK and BYE back to
# back, which shows a proxy that lets a call's messages overtake each other). Each ladder steps the
# rate through RATES, DURATION seconds each, on one fresh, warmed-up gateway, and stops at the first
# step that is not clean: a failed call (caller or callee), a call aborted on an unexpected message,
# or retransmissions above RETRANS_PCT % of the step's calls. With BISECT=N it then bisects N times
# between the last clean and the first failed rate, each probe on a fresh gateway (restart,
# register, warm-up), so that the backlog of a failed step does not count against the next. Prints
# a table and the highest clean rate per hold time.
#
#   bench/sipp-call-max.sh
#   env: RATES="1000 2000 3000 4000 4500 5000 5500 6000 7000 8000"  DURATION=20  BISECT=0
#        HOLDS="100 0"  RETRANS_PCT=0.1  WARMUP=10 (s at WARMUP_RATE=1000)  PAUSE=2 (s between steps)
#        LATENCY=sipp ("pcap" or "sipp pcap": tcpdump, microseconds, costs some CPU; "none")
#        SIPGW_JAR  SIPGW_JVM  OUT
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RATES="${RATES:-1000 2000 3000 4000 4500 5000 5500 6000 7000 8000}"
DURATION="${DURATION:-20}"; BISECT="${BISECT:-0}"; PAUSE="${PAUSE:-2}"; HOLDS="${HOLDS:-100 0}"
WARMUP="${WARMUP:-10}"; WARMUP_RATE="${WARMUP_RATE:-1000}"
export RETRANS_PCT="${RETRANS_PCT:-0.1}"
LATENCY="${LATENCY:-sipp}"
OUT="${OUT:-$BENCH_DIR/out}/callmax-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
trap_cleanup

echo "# $0  (RATES=\"$RATES\" DURATION=$DURATION HOLDS=\"$HOLDS\" BISECT=$BISECT RETRANS_PCT=$RETRANS_PCT WARMUP=$WARMUP WARMUP_RATE=$WARMUP_RATE LATENCY=\"$LATENCY\")"
echo "# $(date -Is), $(nproc) cores, $(sipp -v 2>&1 | grep -o 'SIPp v[^ ]*' | head -1), $(java -version 2>&1 | head -1)"

UAS_PORT="$(free_port)"
fresh_gateway() {
  stop_gateway
  start_gateway "$OUT"
  register_callee "$OUT" "$UAS_PORT"
  warm_up "$OUT" "warmup-$GW_PID"
}

lat_src="SIPp rtt, 4 ms clock"; case "$LATENCY" in *pcap*) lat_src="tcpdump on lo" ;; esac
summary=()
for HOLD_MS in $HOLDS; do
  export HOLD_MS
  fresh_gateway
  echo "# hold $HOLD_MS ms; INVITE->200 latency in ms ($lat_src)"
  ladder_header
  best=0; first_bad=""
  for rate in $RATES; do
    if ladder_step sipgw "$rate"; then best="$rate"; else first_bad="$rate"; break; fi
    sleep "$PAUSE"
  done
  if [ -n "$first_bad" ] && [ "$BISECT" -gt 0 ]; then
    lo="$best"; hi="$first_bad"
    for _ in $(seq "$BISECT"); do
      mid=$(( (lo + hi) / 2 / 50 * 50 ))
      [ "$mid" -gt "$lo" ] && [ "$mid" -lt "$hi" ] || break
      echo "# bisect: fresh gateway for $mid/s" >&2
      fresh_gateway > "$OUT/fresh-$HOLD_MS-$mid.out"
      if ladder_step sipgw "$mid"; then lo="$mid"; else hi="$mid"; fi
    done
    best="$lo"
  fi
  if [ -n "$first_bad" ]; then
    summary+=("highest clean rate, hold $HOLD_MS ms: $best calls/s (first failed: $first_bad calls/s; ${DURATION} s steps)")
  else
    summary+=("highest clean rate, hold $HOLD_MS ms: $best calls/s (every rate asked was clean; raise RATES)")
  fi
done
echo "# caller of the first step: ${FIRST_CMD:-}"
echo "# logs: $OUT"
echo "# clean: zero failed calls and zero unexpected messages on both sides, retrans <= $RETRANS_PCT %"
printf '%s\n' "${summary[@]}"
