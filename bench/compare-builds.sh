#!/usr/bin/env bash
# Two builds of sipgw in one run, on the same machine state: the REGISTER ladder over UDP and the
# call ladder (held, and ACK and BYE back to back), alternating between the builds so that neither
# gets a quieter machine. Each ladder runs on a fresh gateway (bench/bench.json or SIPGW_CONFIG on a
# free loopback port, SIPGW_JVM), registered and warmed up, and stops at the first step that is not
# clean. Prints every step, then per measure: the highest clean rate of each build, and the CPU per
# REGISTER / per call of each at the highest rate both ran clean, with the ratios new/old.
#
#   bench/compare-builds.sh OLD.jar NEW.jar
#   env: REG_RATES="20000 25000 30000 35000 40000 45000"  CALL_RATES="3000 4000 5000 6000 7000"
#        DURATION=10  HOLDS="100 0"  ROUNDS=1 (ladders per build and measure)  WARMUP=10
#        RETRANS_PCT=0.1  SIPGW_JVM  SIPGW_CONFIG  OUT
# Build the old one from a commit with: git worktree add /tmp/old REV && (cd /tmp/old && mvn -q -B package -DskipTests)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || die "usage: $0 OLD.jar NEW.jar"
declare -A JAR=([old]="$1" [new]="$2")
for b in old new; do [ -r "${JAR[$b]}" ] || die "no ${JAR[$b]}"; done
REG_RATES="${REG_RATES:-20000 25000 30000 35000 40000 45000}"
CALL_RATES="${CALL_RATES:-3000 4000 5000 6000 7000}"
DURATION="${DURATION:-10}"; HOLDS="${HOLDS:-100 0}"; ROUNDS="${ROUNDS:-1}"
WARMUP="${WARMUP:-10}"; WARMUP_RATE="${WARMUP_RATE:-1000}"
export RETRANS_PCT="${RETRANS_PCT:-0.1}"
LATENCY=sipp
OUT="${OUT:-$BENCH_DIR/out}/compare-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
trap_cleanup

echo "# $0 $*  (REG_RATES=\"$REG_RATES\" CALL_RATES=\"$CALL_RATES\" DURATION=$DURATION HOLDS=\"$HOLDS\" ROUNDS=$ROUNDS)"
echo "# $(date -Is), $(nproc) cores, $(sipp -v 2>&1 | grep -o 'SIPp v[^ ]*' | head -1), $(java -version 2>&1 | head -1)"
echo "# old: ${JAR[old]} ($(sha1sum < "${JAR[old]}" | cut -c1-12)), new: ${JAR[new]} ($(sha1sum < "${JAR[new]}" | cut -c1-12))"
declare -A BEST COST

# register_ladder BUILD ROUND: REGISTER/s over UDP on a fresh gateway; rows from sipp-register-rate.sh
register_ladder() {
  local b="$1" r="$2" rate ok failed retrans per10k
  stop_gateway; SIPGW_JAR="${JAR[$b]}" start_gateway "$OUT" > /dev/null
  RATES="5000 10000" DURATION=5 SIPGW_PID="$GW_PID" OUT="$OUT/reg-warm-$b-$r" "$BENCH_DIR/sipp-register-rate.sh" "$LOCAL" "$GW_PORT" udp > /dev/null 2>&1 || true
  RATES="$REG_RATES" SIPGW_PID="$GW_PID" OUT="$OUT/reg-$b-$r" "$BENCH_DIR/sipp-register-rate.sh" "$LOCAL" "$GW_PORT" udp \
    > "$OUT/reg-$b-$r.txt" 2>&1 || true
  while read -r rate _ ok failed retrans _ per10k; do
    [[ "$rate" =~ ^[0-9]+$ ]] || continue
    echo "| $b | register | $rate | $ok | $failed | $retrans | $per10k s/10k |"
    if [ "$failed" = 0 ] && [ "$retrans" = 0 ]; then
      [ "$rate" -gt "${BEST[$b,reg]:-0}" ] && BEST[$b,reg]="$rate"
      COST[$b,reg,$rate]="$(awk -v c="$per10k" 'BEGIN { printf "%.1f", c * 100 }')"   # µs per REGISTER
    fi
  done < "$OUT/reg-$b-$r.txt"
}

# call_ladder BUILD ROUND: calls/s at HOLD_MS on a fresh gateway
call_ladder() {
  local b="$1" r="$2" rate
  stop_gateway; SIPGW_JAR="${JAR[$b]}" start_gateway "$OUT" > /dev/null
  UAS_PORT="$(free_port)"; register_callee "$OUT" "$UAS_PORT"; warm_up "$OUT" "warmup-$b-$r" > /dev/null
  for rate in $CALL_RATES; do
    ladder_step "$b" "$rate" || break
    [ "$rate" -gt "${BEST[$b,call$HOLD_MS]:-0}" ] && BEST[$b,call$HOLD_MS]="$rate"
    COST[$b,call$HOLD_MS,$rate]="$(awk -v m="$S_CPU_MS" 'BEGIN { printf "%.0f", m * 1000 }')"
    sleep 1
  done
}

echo "| build | measure | target/s | ok | failed | retrans | CPU |"
echo "|---|---|---:|---:|---:|---:|---|"
for r in $(seq "$ROUNDS"); do for b in old new; do register_ladder "$b" "$r"; done; done
ladder_header
for HOLD_MS in $HOLDS; do
  export HOLD_MS
  for r in $(seq "$ROUNDS"); do for b in old new; do call_ladder "$b" "$r"; done; done
done
stop_gateway

echo
echo "| measure | old clean/s | new clean/s | new/old | at /s | old CPU µs | new CPU µs | new/old CPU |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for m in reg $(for h in $HOLDS; do echo "call$h"; done); do
  o="${BEST[old,$m]:-0}"; n="${BEST[new,$m]:-0}"; common=$(( o < n ? o : n ))
  ratio="-"; [ "$o" -gt 0 ] && ratio="$(awk -v a="$n" -v b="$o" 'BEGIN { printf "%.2f", a / b }')"
  oc="${COST[old,$m,$common]:--}"; nc="${COST[new,$m,$common]:--}"; cr="-"
  [ "$oc" != "-" ] && [ "$nc" != "-" ] && cr="$(awk -v a="$nc" -v b="$oc" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
  name="$m"; [ "$m" = reg ] && name="REGISTER/s (UDP)"; [[ "$m" = call* ]] && name="calls/s, hold ${m#call} ms"
  echo "| $name | $o | $n | $ratio | $common | $oc | $nc | $cr |"
done
echo "# logs: $OUT"
