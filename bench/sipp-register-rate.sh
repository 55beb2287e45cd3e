#!/usr/bin/env bash
# REGISTER throughput of a running sipgw: SIPp sends register.xml at rising rates, DURATION
# seconds each, every REGISTER a new user; the run stops at the first rate with a failed
# REGISTER or a retransmission. Prints target and achieved rate, failures, retransmissions and
# the CPU seconds the gateway used during the step.
#
#   bench/sipp-register-rate.sh HOST PORT [udp|tcp]
#   env: RATES="5000 10000 20000 30000 40000 50000"  DURATION=10  SIPGW_PID=<pid>  OUT=bench/out
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: $0 HOST PORT [udp|tcp]"
HOST="$1"; PORT="$2"; TRANSPORT="${3:-udp}"
require_loopback "$HOST"
case "$TRANSPORT" in udp) MODE=u1 ;; tcp) MODE=t1 ;; *) die "transport: udp or tcp" ;; esac
RATES="${RATES:-5000 10000 20000 30000 40000 50000}"
DURATION="${DURATION:-10}"
OUT="${OUT:-$(dirname "$0")/out}/register-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
LOCAL="$HOST"; [ "$HOST" = localhost ] && LOCAL=127.0.0.1
PID="$(gateway_pid)"
[ -n "$PID" ] || echo "no gateway process (set SIPGW_PID): CPU not measured" >&2

printf '%-8s %-10s %-10s %-8s %-8s %-8s %s\n' target achieved ok failed retrans cpu_s "cpu_s/10k"
for rate in $RATES; do
  calls=$(( rate * DURATION ))
  users="$OUT/users-$rate.csv"
  # unique users per step: "b<rate>u<n>" in domain localhost, Contact a port nobody listens on
  awk -v n="$calls" -v p="b${rate}u" -v t="$TRANSPORT" \
    'BEGIN { print "SEQUENTIAL"; for (i = 1; i <= n; i++) printf "%s%d;localhost;127.0.0.1:9;%s\n", p, i, t }' > "$users"
  stats="$OUT/register-$rate.csv"
  before="$(cpu_seconds "$PID")"; start="$(now)"
  sipp "$(host_port "$HOST" "$PORT")" -sf "$SCENARIOS/register.xml" -inf "$users" -t "$MODE" -i "$LOCAL" \
    -p "$(free_port)" -r "$rate" -m "$calls" -timeout "$(( DURATION + 30 ))s" -recv_timeout 5000 \
    -buff_size "$BUFF_SIZE" -nostdin -trace_stat -stf "$stats" -fd 1 \
    -trace_err -error_file "$OUT/register-$rate.errors.log" > "$OUT/register-$rate.out" 2>&1 || true
  end="$(now)"; after="$(cpu_seconds "$PID")"
  ok="$(stat_column "$stats" 'SuccessfulCall(C)')"
  failed="$(stat_column "$stats" 'FailedCall(C)')"
  retrans="$(stat_column "$stats" 'Retransmissions(C)')"
  cpu="$(cpu_delta "$before" "$after")"
  per10k="-"; [ "$cpu" != "-" ] && [ "$ok" -gt 0 ] && per10k=$(awk -v c="$cpu" -v n="$ok" 'BEGIN { printf "%.3f", c * 10000 / n }')
  printf '%-8s %-10s %-10s %-8s %-8s %-8s %s\n' "$rate" "$(rate_of "$ok" "$start" "$end")" "$ok" "$failed" "$retrans" "$cpu" "$per10k"
  rm -f "$users"
  if [ "$failed" != 0 ] || [ "$retrans" != 0 ]; then
    echo "stopped at $rate/s: $failed failed, $retrans retransmissions (logs in $OUT)"; break
  fi
done
