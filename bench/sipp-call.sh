#!/usr/bin/env bash
# One measured call run against a gateway this script starts itself (target/sipgw.jar, the
# bench/bench.json config on a free loopback port, the JVM flags of docs/performance.md).
# A SIPp callee (uas.xml) registers as bob@localhost; a SIPp caller (uac.xml) calls it through
# the record-routing proxy at RATE calls/s for SECONDS: INVITE / [100] / 180 / 200 / ACK / BYE /
# 200, ACK and BYE on the route set, once for each hold time of HOLDS (ms between ACK and BYE:
# 100, a held call, then 0, ACK and BYE back to back, where a proxy that reorders a call's messages
# fails calls). After a warm-up (JIT) that is not measured, prints for each: offered and achieved
# rate, duration, successful and failed calls, calls aborted on an unexpected message (caller and
# callee), retransmissions, the gateway's CPU per call (/proc/PID/stat over the measured window
# only) and INVITE->200 latency percentiles.
#
#   bench/sipp-call.sh RATE [SECONDS]                 (default 20 s)
#   env: WARMUP=10 (s, 0 = none)  WARMUP_RATE=min(RATE,2000)  HOLDS="100 0"  RETRANS_PCT=0
#        LATENCY="sipp pcap" (pcap needs tcpdump; "sipp" alone costs nothing; "none")
#        SIPGW_JAR=target/sipgw.jar  SIPGW_JVM="-Xms3g -Xmx3g ..."  OUT=bench/out
# Exit status: 0 clean (for every hold: no failed call, no unexpected message, retransmissions
# <= RETRANS_PCT % of calls), 1 not clean.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: $0 RATE [SECONDS]"
RATE="$1"; SECONDS_RUN="${2:-20}"
WARMUP="${WARMUP:-10}"; WARMUP_RATE="${WARMUP_RATE:-$(( RATE < 2000 ? RATE : 2000 ))}"
LATENCY="${LATENCY:-sipp pcap}"
HOLDS="${HOLDS:-100 0}"
command -v tcpdump > /dev/null || LATENCY="${LATENCY//pcap/}"
OUT="${OUT:-$BENCH_DIR/out}/call1-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
trap_cleanup

echo "# $0 $*  (WARMUP=$WARMUP WARMUP_RATE=$WARMUP_RATE HOLDS=\"$HOLDS\" RETRANS_PCT=${RETRANS_PCT:-0} LATENCY=\"$LATENCY\")"
echo "# $(date -Is), $(nproc) cores, $(sipp -v 2>&1 | grep -o 'SIPp v[^ ]*' | head -1), $(java -version 2>&1 | head -1)"
start_gateway "$OUT"
UAS_PORT="$(free_port)"
register_callee "$OUT" "$UAS_PORT"

warm_up "$OUT"

clean=0
for HOLD_MS in $HOLDS; do
  export HOLD_MS
  gc0="$(gc_lines)"
  step_start "$OUT" "run-h$HOLD_MS" "$RATE" $(( RATE * SECONDS_RUN ))
  echo "# caller: ${S_UAC_CMD[*]}"
  step_wait; step_finish

  echo "hold             $HOLD_MS ms between ACK and BYE"
  echo "offered rate     $RATE calls/s for $SECONDS_RUN s ($S_CALLS calls)"
  echo "duration         $S_SECS s (caller's wall clock, SIPp start to exit)"
  echo "achieved         $S_ACHIEVED calls/s"
  echo "calls            ok $S_OK, failed $S_FAILED (caller), failed $S_UAS_FAILED (callee)"
  echo "unexpected msgs  $S_UNEXP_UAC calls aborted by the caller, $S_UNEXP_UAS by the callee"
  echo "retransmissions  $S_RETRANS (caller $S_RETRANS_UAC, callee $S_RETRANS_UAS)"
  echo "gateway CPU      $S_CPU s in the window = $S_CPU_MS ms per call"
  read -r n _ <<< "$S_LAT_SIPP"
  [ "$n" = 0 ] || echo "INVITE->200 ms   p50/p90/p99/max $(lat_fmt "$S_LAT_SIPP")  (SIPp rtt file, $n calls; SIPp's clock here ticks in 4 ms steps)"
  read -r n _ <<< "$S_LAT_PCAP"
  [ -z "$S_TCPDUMP" ] || echo "INVITE->200 ms   p50/p90/p99/max $(lat_fmt "$S_LAT_PCAP")  (tcpdump on lo, $n calls; ${S_PCAP_NOTE})"
  read -r gn gmax gtot <<< "$(gc_pauses Pause "$gc0")"
  echo "GC pauses        $gn in the window, max $gmax ms, total $gtot ms ($GW_GCLOG)"
  echo "markdown         | $HOLD_MS | $RATE | $S_ACHIEVED | $S_SECS | $S_OK | $S_FAILED | $S_RETRANS | $S_CPU_MS | $(lat_fmt "$([ -n "$S_TCPDUMP" ] && echo "$S_LAT_PCAP" || echo "$S_LAT_SIPP")" | sed 's/ / | /g') |"
  echo "logs             $OUT"
  if step_clean; then echo "verdict          CLEAN"; else echo "verdict          NOT CLEAN (failed calls, unexpected messages or retransmissions)"; clean=1; fi
done
exit "$clean"
