#!/usr/bin/env bash
# Steady call load for MINUTES against a gateway this script starts itself (as bench/sipp-call.sh
# does), to see whether the heap stays flat. Every SAMPLE seconds: a full GC in the gateway
# (jcmd GC.run) and the heap used after it (GC.heap_info), with the caller's calls so far,
# failed calls and retransmissions. Verdict: FLAT when the last sample is within FLAT_MB MB or
# FLAT_PCT % (whichever is larger) of the first sample at or after BASE_MIN minutes (the first
# sample at all in a shorter run), and there were no failed calls.
#
#   bench/sipp-call-soak.sh RATE [MINUTES]           (default 10; use half the max clean rate)
#   env: SAMPLE=30 (s)  BASE_MIN=2  FLAT_MB=20  FLAT_PCT=10  WARMUP=10 (s at min(RATE,2000))
#        HOLD_MS=0  LATENCY=sipp  SIPGW_JAR  SIPGW_JVM  OUT
# Exit status: 0 flat and no failed call, 1 otherwise.
# The forced full GC every SAMPLE s pauses the gateway briefly and its CPU counts in CPU per call.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: $0 RATE [MINUTES]"
RATE="$1"; MINUTES="${2:-10}"
SAMPLE="${SAMPLE:-30}"; BASE_MIN="${BASE_MIN:-2}"; FLAT_MB="${FLAT_MB:-20}"; FLAT_PCT="${FLAT_PCT:-10}"
WARMUP="${WARMUP:-10}"; WARMUP_RATE="${WARMUP_RATE:-$(( RATE < 2000 ? RATE : 2000 ))}"
LATENCY="${LATENCY:-sipp}"
command -v jcmd > /dev/null || die "jcmd (JDK) needed for heap samples"
OUT="${OUT:-$BENCH_DIR/out}/soak-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
trap_cleanup

echo "# $0 $*  (SAMPLE=$SAMPLE BASE_MIN=$BASE_MIN FLAT_MB=$FLAT_MB FLAT_PCT=$FLAT_PCT WARMUP=$WARMUP HOLD_MS=${HOLD_MS:-0} LATENCY=\"$LATENCY\")"
echo "# $(date -Is), $(nproc) cores, $(sipp -v 2>&1 | grep -o 'SIPp v[^ ]*' | head -1), $(java -version 2>&1 | head -1)"
start_gateway "$OUT"
UAS_PORT="$(free_port)"
register_callee "$OUT" "$UAS_PORT"

warm_up "$OUT"
echo "# heap after GC before load: $(heap_after_gc) MB"

step_start "$OUT" soak "$RATE" $(( RATE * MINUTES * 60 ))
echo "# caller: ${S_UAC_CMD[*]}"
echo "| min | calls ok | failed | retrans | heap after GC, MB |"
echo "|---:|---:|---:|---:|---:|"
samples=()
uac_stats="$OUT/uac-soak.csv"; uas_stats="$OUT/uas-soak.csv"
next=$SAMPLE
while kill -0 "$S_UAC" 2>/dev/null; do
  el="$(awk -v a="$S_T0" -v b="$(now)" 'BEGIN { print b - a }')"
  if awk -v e="$el" -v n="$next" 'BEGIN { exit !(e >= n) }'; then
    heap="$(heap_after_gc)"
    ok="$(stat_now "$uac_stats" 'SuccessfulCall(C)')"
    failed=$(( $(stat_now "$uac_stats" 'FailedCall(C)') + $(stat_now "$uas_stats" 'FailedCall(C)') ))
    retrans=$(( $(stat_now "$uac_stats" 'Retransmissions(C)') + $(stat_now "$uas_stats" 'Retransmissions(C)') ))
    printf '| %5.1f | %9s | %6s | %7s | %8s |\n' "$(awk -v e="$el" 'BEGIN { print e / 60 }')" "$ok" "$failed" "$retrans" "$heap"
    samples+=("$el $heap")
    next=$(( next + SAMPLE ))
  fi
  sleep 0.5
done
step_wait; step_finish
heap_end="$(heap_after_gc)"
printf '| %5s | %9s | %6s | %7s | %8s |\n' end "$S_OK" "$(( S_FAILED + S_UAS_FAILED ))" "$S_RETRANS" "$heap_end"

echo "offered rate     $RATE calls/s for $MINUTES min; achieved $S_ACHIEVED calls/s over $S_SECS s"
echo "calls            ok $S_OK, failed $S_FAILED (caller), failed $S_UAS_FAILED (callee), retransmissions $S_RETRANS"
echo "gateway CPU      $S_CPU s = $S_CPU_MS ms per call (forced GCs included)"
read -r n _ <<< "$S_LAT_SIPP"
[ "$n" = 0 ] || echo "INVITE->200 ms   p50/p90/p99/max $(lat_fmt "$S_LAT_SIPP")  (SIPp rtt file, 4 ms clock, $n calls)"
[ -z "$S_TCPDUMP" ] || echo "INVITE->200 ms   p50/p90/p99/max $(lat_fmt "$S_LAT_PCAP")  (tcpdump on lo; $S_PCAP_NOTE)"
read -r gn gmax gtot <<< "$(gc_pauses 'Pause Full')"
read -r yn ymax ytot <<< "$(gc_pauses 'Pause Young')"
echo "GC pauses        forced full: $gn, max $gmax ms; young: $yn, max $ymax ms, total $ytot ms (whole run, $GW_GCLOG)"
echo "logs             $OUT"

# verdict: the baseline is the first sample at or after BASE_MIN minutes (else the first sample)
printf '%s\n' "${samples[@]}" | awk -v bm="$BASE_MIN" -v fmb="$FLAT_MB" -v fpct="$FLAT_PCT" -v failed="$(( S_FAILED + S_UAS_FAILED ))" '
  $2 != "-" { t[++n] = $1; h[n] = $2; if (!b && $1 >= bm * 60) b = n }
  END {
    if (n == 0) { print "verdict          NO HEAP SAMPLES"; exit 1 }
    if (!b) { b = 1; note = " (run shorter than " bm " min: baseline is the first sample)" }
    d = h[n] - h[b]; tol = (fmb > h[b] * fpct / 100 ? fmb : h[b] * fpct / 100)
    # least-squares slope from the baseline on, MB per minute
    for (i = b; i <= n; i++) { m = n - b + 1; sx += t[i] / 60; sy += h[i]; sxx += (t[i] / 60) ^ 2; sxy += t[i] / 60 * h[i] }
    slope = (m > 1 && m * sxx - sx * sx > 0) ? (m * sxy - sx * sy) / (m * sxx - sx * sx) : 0
    printf "heap after GC    %.1f MB at %.1f min -> %.1f MB at %.1f min: %+.1f MB (tolerance %.1f MB), slope %+.2f MB/min%s\n", h[b], t[b] / 60, h[n], t[n] / 60, d, tol, slope, note
    flat = (d <= tol)
    printf "verdict          %s\n", (flat && failed == 0) ? "FLAT, no failed call" : (flat ? "FLAT heap, but " failed " failed calls" : "GROWING heap" (failed ? ", " failed " failed calls" : ""))
    exit !(flat && failed == 0) }'
