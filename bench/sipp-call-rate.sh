#!/usr/bin/env bash
# Call throughput of a running sipgw proxy over UDP: a SIPp callee (uas.xml) registered as
# bob@localhost, a SIPp caller (uac.xml) calling sip:bob@HOST:PORT at rising rates, DURATION
# seconds each; every call is INVITE/180/200/ACK/BYE/200 through the record-routing proxy, once
# per hold time of HOLDS (ms between ACK and BYE; 0 sends them back to back). Stops a ladder at
# the first rate with a failed call (either side), an unexpected message or a retransmission.
# Prints hold, target and achieved calls/s, failures, calls aborted on an unexpected message
# (caller/callee), retransmissions and the gateway's CPU seconds per step.
#
#   bench/sipp-call-rate.sh HOST PORT
#   env: RATES="500 1000 2000 3000 4500"  DURATION=10  HOLDS="100 0"  SIPGW_PID=<pid>  OUT=bench/out
#        DIRECT=1: no gateway; the caller calls the callee straight (checks the kit itself)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: $0 HOST PORT"
HOST="$1"; PORT="$2"
require_loopback "$HOST"
RATES="${RATES:-500 1000 2000 3000 4500}"
DURATION="${DURATION:-10}"
HOLDS="${HOLDS:-100 0}"
OUT="${OUT:-$(dirname "$0")/out}/call-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
LOCAL="$HOST"; [ "$HOST" = localhost ] && LOCAL=127.0.0.1
UAS_PORT="$(free_port)"
PID=""; [ "${DIRECT:-0}" = 1 ] || PID="$(gateway_pid)"
[ -n "$PID" ] || echo "no gateway process (set SIPGW_PID): CPU not measured" >&2

UAS=""
cleanup() { [ -z "$UAS" ] || stop_sipp "$UAS"; }
trap cleanup EXIT

TARGET_PORT="$PORT"
if [ "${DIRECT:-0}" = 1 ]; then
  TARGET_PORT="$UAS_PORT"
else
  # register the callee: a throwaway SIPp whose Contact names the callee's port
  printf 'SEQUENTIAL\nbob;localhost;%s;udp\n' "$(host_port "$LOCAL" "$UAS_PORT")" > "$OUT/bob.csv"
  sipp "$(host_port "$HOST" "$PORT")" -sf "$SCENARIOS/register.xml" -inf "$OUT/bob.csv" -t u1 -i "$LOCAL" \
    -p "$(free_port)" -m 1 -timeout 10s -recv_timeout 5000 -nostdin -trace_err -error_file "$OUT/bob.errors.log" \
    > "$OUT/bob.out" 2>&1 || die "cannot register bob at $HOST:$PORT (see $OUT/bob.errors.log)"
fi

printf '%-6s %-8s %-10s %-10s %-8s %-8s %-8s %-10s %-8s %s\n' hold target achieved ok failed retrans uas_fail "unexp u/u" cpu_s "cpu_s/1k"
for HOLD_MS in $HOLDS; do
for rate in $RATES; do
  calls=$(( rate * DURATION ))
  uas_stats="$OUT/uas-$HOLD_MS-$rate.csv"; uac_stats="$OUT/uac-$HOLD_MS-$rate.csv"
  sipp -sf "$SCENARIOS/uas.xml" -s bob -t u1 -i "$LOCAL" -p "$UAS_PORT" -m "$calls" \
    -timeout "$(( DURATION + 60 ))s" -recv_timeout 10000 -buff_size "$BUFF_SIZE" -nostdin \
    -trace_stat -stf "$uas_stats" -fd 1 -trace_err -error_file "$OUT/uas-$HOLD_MS-$rate.errors.log" \
    > "$OUT/uas-$HOLD_MS-$rate.out" 2>&1 &
  UAS=$!
  for _ in $(seq 100); do grep -q "$(printf ':%04X ' "$UAS_PORT")" /proc/net/udp /proc/net/udp6 && break; sleep 0.05; done
  before="$(cpu_seconds "$PID")"; start="$(now)"
  sipp "$(host_port "$HOST" "$TARGET_PORT")" -sf "$SCENARIOS/uac.xml" -s bob -t u1 -i "$LOCAL" -p "$(free_port)" \
    -r "$rate" -m "$calls" -d "$HOLD_MS" -timeout "$(( DURATION + 40 ))s" -recv_timeout 5000 \
    -buff_size "$BUFF_SIZE" -nostdin -trace_stat -stf "$uac_stats" -fd 1 \
    -trace_err -error_file "$OUT/uac-$HOLD_MS-$rate.errors.log" > "$OUT/uac-$HOLD_MS-$rate.out" 2>&1 || true
  end="$(now)"; after="$(cpu_seconds "$PID")"
  stop_sipp "$UAS"; wait "$UAS" 2>/dev/null || true; UAS=""
  ok="$(stat_column "$uac_stats" 'SuccessfulCall(C)')"
  failed="$(stat_column "$uac_stats" 'FailedCall(C)')"
  retrans=$(( $(stat_column "$uac_stats" 'Retransmissions(C)') + $(stat_column "$uas_stats" 'Retransmissions(C)') ))
  uas_failed="$(stat_column "$uas_stats" 'FailedCall(C)')"
  unexp="$(stat_column "$uac_stats" 'FailedUnexpectedMessage(C)')/$(stat_column "$uas_stats" 'FailedUnexpectedMessage(C)')"
  cpu="$(cpu_delta "$before" "$after")"
  per1k="-"; [ "$cpu" != "-" ] && [ "$ok" -gt 0 ] && per1k=$(awk -v c="$cpu" -v n="$ok" 'BEGIN { printf "%.3f", c * 1000 / n }')
  printf '%-6s %-8s %-10s %-10s %-8s %-8s %-8s %-10s %-8s %s\n' "$HOLD_MS" "$rate" "$(rate_of "$ok" "$start" "$end")" "$ok" \
    "$failed" "$retrans" "$uas_failed" "$unexp" "$cpu" "$per1k"
  if [ "$failed" != 0 ] || [ "$retrans" != 0 ] || [ "$uas_failed" != 0 ] || [ "$unexp" != 0/0 ]; then
    echo "hold $HOLD_MS ms: stopped at $rate/s: $failed caller and $uas_failed callee failures, $unexp unexpected (caller/callee), $retrans retransmissions (logs in $OUT)"
    break
  fi
done
done
