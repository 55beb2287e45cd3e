# Shared by the SIPp bench scripts: loopback guard, free ports, gateway CPU time, SIPp statistics.
# shellcheck shell=bash

SCENARIOS="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/src/test/resources/sipp"
BUFF_SIZE=4194304

die() { echo "$*" >&2; exit 2; }

# Benchmarks send nothing off this machine.
require_loopback() {
  case "$1" in
    127.*|::1|localhost) ;;
    *) die "refusing to send to $1: loopback only (127.0.0.0/8 or ::1)" ;;
  esac
}

# host:port with an IPv6 literal in brackets
host_port() { case "$1" in *:*) echo "[$1]:$2" ;; *) echo "$1:$2" ;; esac; }

# A port nothing is bound to, UDP or TCP (read from /proc/net, no probe).
free_port() {
  local port hex
  for _ in $(seq 200); do
    port=$(( 20000 + RANDOM % 30000 ))
    hex=$(printf ':%04X ' "$port")
    if ! cat /proc/net/udp /proc/net/udp6 /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -q "$hex"; then
      echo "$port"; return 0
    fi
  done
  die "no free port"
}

# The gateway's PID: $SIPGW_PID, else the oldest process running sipgw.jar; empty if none.
gateway_pid() {
  if [ -n "${SIPGW_PID:-}" ]; then echo "$SIPGW_PID"; return; fi
  pgrep -o -f 'sipgw\.jar' || true
}

# CPU seconds (user + system) the process has used so far; empty without a process.
cpu_seconds() {
  local pid="$1" stat
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 0
  stat=$(cat "/proc/$pid/stat")
  stat="${stat##*) }"          # drop "pid (comm) ", comm may hold spaces
  # shellcheck disable=SC2086
  set -- $stat                 # now $1 is field 3 (state): utime is field 14 -> $12, stime 15 -> $13
  awk -v u="${12}" -v s="${13}" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (u + s) / hz }'
}

# CPU seconds of a process and its children (Kamailio's workers are children of its main process).
tree_cpu() {
  local pid="$1" total=0 p c
  [ -n "$pid" ] || return 0
  for p in "$pid" $(pgrep -P "$pid" 2>/dev/null || true); do
    c="$(cpu_seconds "$p")"; [ -n "$c" ] && total="$(awk -v a="$total" -v b="$c" 'BEGIN { printf "%.2f", a + b }')"
  done
  echo "$total"
}

cpu_delta() {
  [ -n "$1" ] && [ -n "$2" ] || { echo "-"; return; }
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'
}

# stat_column FILE NAME: NAME's value on the last line of a SIPp -trace_stat file.
stat_column() {
  local file="$1" name="$2"
  [ -s "$file" ] || { echo "-1"; return; }
  awk -F';' -v name="$name" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) col = i } END { print (col ? $col : -1) }' \
    <(head -1 "$file"; tail -1 "$file")
}

now() { date +%s.%N; }
rate_of() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { t = b - a; printf "%.0f", (t > 0 ? n / t : 0) }'; }

# Stops a background SIPp as it expects (SIGUSR1: finish calls, write statistics), bounded.
stop_sipp() {
  local pid="$1"
  kill -USR1 "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill "$pid" 2>/dev/null; sleep 1; kill -9 "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------
# Self-contained call runs (sipp-call.sh, sipp-call-max.sh, sipp-call-soak.sh): they start the
# gateway themselves on a free port, register the callee, run SIPp steps and clean up.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$BENCH_DIR/.." && pwd)"
# The JVM flags of docs/performance.md (G1, no survivor copying, no heap resizing).
SIPGW_JVM="${SIPGW_JVM:--Xms3g -Xmx3g -XX:MaxTenuringThreshold=0 -XX:MaxGCPauseMillis=20 -XX:+AlwaysPreTouch}"
SIPGW_JAR="${SIPGW_JAR:-$ROOT_DIR/target/sipgw.jar}"
LOCAL=127.0.0.1

# Background processes to stop on exit, in reverse order of start.
BG_PIDS=()
bg_add() { BG_PIDS+=("$1"); }
bg_del() { local p keep=(); for p in "${BG_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; BG_PIDS=("${keep[@]}"); }
stop_pid() {  # TERM, wait up to 10 s, then KILL
  local pid="$1"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
}
cleanup_all() {
  local i
  for (( i = ${#BG_PIDS[@]} - 1; i >= 0; i-- )); do stop_pid "${BG_PIDS[$i]}"; done
  BG_PIDS=()
}
trap_cleanup() { trap cleanup_all EXIT; trap 'exit 130' INT TERM; }

# load_setup CLASS NAME: for a bench driven by a load class of the test classes (io.sipgw.bench.CLASS):
# checks they are compiled, sets CLASSES, makes OUT (.../NAME-<time>) and cleans up at exit.
load_setup() {
  CLASSES="$ROOT_DIR/target/test-classes"
  [ -r "$CLASSES/io/sipgw/bench/$1.class" ] || die "no test classes: mvn -q -B test-compile (and package for the jar)"
  OUT="${OUT:-$BENCH_DIR/out}/$2-$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$OUT"
  trap_cleanup
}

udp_bound() { grep -q "$(printf ':%04X ' "$1")" /proc/net/udp /proc/net/udp6 2>/dev/null; }

# start_gateway OUTDIR [CONFIG]: java $SIPGW_JVM -jar $SIPGW_JAR with CONFIG (default bench/bench.json)
# moved from port 5060 to a free port (UDP and TCP). Sets GW_PID and GW_PORT; waits (60 s at most)
# until the gateway logs that it started and its UDP port is bound.
start_gateway() {
  local dir="$1" config="${2:-${SIPGW_CONFIG:-$BENCH_DIR/bench.json}}"
  [ -r "$SIPGW_JAR" ] || die "no $SIPGW_JAR (build it: mvn -q -B package -DskipTests)"
  GW_PORT="$(free_port)"
  sed "s/\"port\": 5060/\"port\": $GW_PORT/g" "$config" > "$dir/sipgw.json"
  grep -q "\"port\": $GW_PORT" "$dir/sipgw.json" || die "$config has no \"port\": 5060 to move"
  # shellcheck disable=SC2086
  GW_GCLOG="$dir/gc-$(date +%H%M%S).log"   # GC events only: pauses show here
  # The bench's own SIPGW_* variables are not config overrides: keep them from the gateway, which
  # refuses an environment variable SIPGW_X that names no config key.
  env -u SIPGW_JVM -u SIPGW_JAR -u SIPGW_PID -u SIPGW_CONFIG java $SIPGW_JVM "-Xlog:gc:file=$GW_GCLOG" -jar "$SIPGW_JAR" -c "$dir/sipgw.json" > "$dir/sipgw.log" 2>&1 &
  GW_PID=$!; bg_add "$GW_PID"
  echo "# sipgw: java $SIPGW_JVM -Xlog:gc:file=$GW_GCLOG -jar $SIPGW_JAR -c $dir/sipgw.json  (pid $GW_PID, udp 127.0.0.1:$GW_PORT)"
  for _ in $(seq 600); do
    kill -0 "$GW_PID" 2>/dev/null || { tail -20 "$dir/sipgw.log" >&2; die "sipgw exited at start"; }
    grep -q 'sipgw started' "$dir/sipgw.log" && udp_bound "$GW_PORT" && return 0
    sleep 0.1
  done
  die "sipgw did not start in 60 s (see $dir/sipgw.log)"
}

# heap_after_gc: a full GC in the gateway (jcmd GC.run), then the heap's used MB from GC.heap_info
# (G1: "garbage-first heap total ...K, used ...K"); "-" when jcmd fails. Output kept in $OUT/jcmd.log.
heap_after_gc() {
  printf 'GC.run\nGC.heap_info\n' > "$OUT/jcmd.txt"
  jcmd "$GW_PID" -f "$OUT/jcmd.txt" > "$OUT/jcmd.last" 2>&1 || { echo "-"; return; }
  cat "$OUT/jcmd.last" >> "$OUT/jcmd.log"
  awk '/heap/ && /total/ && /used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); printf "%.1f", v / 1024; exit } }' "$OUT/jcmd.last"
}

# start_kamailio OUTDIR: Kamailio 5.6 (Debian package kamailio) with bench/kamailio/proxy.cfg, a
# transaction-stateful record-routing proxy and registrar (usrloc in memory), UDP on a free loopback
# port, KAMAILIO_CHILDREN workers (2), KAMAILIO_SHM MB of shared memory (1024). Sets GW_PID (the main
# process; tree_cpu adds its children), GW_PORT and GW_GCLOG (none); waits until the port is bound.
start_kamailio() {
  local dir="$1"
  command -v kamailio > /dev/null || die "no kamailio (apt-get install kamailio)"
  GW_PORT="$(free_port)"; GW_GCLOG="/dev/null"
  mkdir -p "$dir/kamailio-run"
  kamailio -f "$BENCH_DIR/kamailio/proxy.cfg" -DD -E -l "udp:$LOCAL:$GW_PORT" -n "${KAMAILIO_CHILDREN:-2}" \
    -m "${KAMAILIO_SHM:-1024}" -M 16 -Y "$dir/kamailio-run" -w "$dir" > "$dir/kamailio.log" 2>&1 &
  GW_PID=$!; bg_add "$GW_PID"
  echo "# kamailio: $(kamailio -v | head -1), -n ${KAMAILIO_CHILDREN:-2} -l udp:$LOCAL:$GW_PORT -f bench/kamailio/proxy.cfg (pid $GW_PID)"
  for _ in $(seq 100); do
    kill -0 "$GW_PID" 2>/dev/null || { tail -20 "$dir/kamailio.log" >&2; die "kamailio exited at start"; }
    udp_bound "$GW_PORT" && { sleep 0.5; return 0; }
    sleep 0.1
  done
  die "kamailio did not bind its port in 10 s (see $dir/kamailio.log)"
}

stop_gateway() { [ -z "${GW_PID:-}" ] || { stop_pid "$GW_PID"; bg_del "$GW_PID"; GW_PID=""; }; }

# register_callee DIR UAS_PORT: a throwaway SIPp registers bob@localhost with Contact 127.0.0.1:UAS_PORT.
register_callee() {
  local dir="$1" uas_port="$2"
  printf 'SEQUENTIAL\nbob;localhost;%s;udp\n' "$LOCAL:$uas_port" > "$dir/bob.csv"
  sipp "$LOCAL:$GW_PORT" -sf "$SCENARIOS/register.xml" -inf "$dir/bob.csv" -t u1 -i "$LOCAL" \
    -p "$(free_port)" -m 1 -timeout 10s -recv_timeout 5000 -nostdin -trace_err -error_file "$dir/bob.errors.log" \
    > "$dir/bob.out" 2>&1 || die "cannot register bob at $LOCAL:$GW_PORT (see $dir/bob.errors.log)"
}

# stat_now FILE NAME: like stat_column, on the last complete line of a -trace_stat file being written.
stat_now() {
  local file="$1" name="$2"
  [ -s "$file" ] || { echo 0; return; }
  awk -F';' -v name="$name" 'NR == 1 { n = NF; for (i = 1; i <= NF; i++) if ($i == name) col = i; next }
    NF == n { v = $col } END { print (col && v != "" ? v : 0) }' "$file"
}

# percentiles: numbers (ms) on stdin -> "n p50 p90 p99 max" (nearest rank), "0 - - - -" if none.
percentiles() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "0 - - - -"; exit }
    split("50 90 99", q, " "); out = NR
    for (i = 1; i <= 3; i++) { r = int(q[i] * NR / 100 + 0.999999); if (r < 1) r = 1; out = out " " v[r] }
    print out " " v[NR] }'
}

# Call step, in three parts so that a caller can sample while it runs:
#   step_start DIR TAG RATE CALLS  -> callee (uas.xml) and caller (uac.xml, background) running
#   step_wait                      -> the caller has ended (all CALLS done, or -timeout)
#   step_finish                    -> callee stopped; sets S_* (see below)
# gc_pauses [REGEX] [AFTER_LINE]: "count max_ms total_ms" of the GC pauses (matching REGEX) in the
# gateway's GC log, after line AFTER_LINE (gc_lines gives the current count)
gc_lines() { wc -l < "$GW_GCLOG" 2>/dev/null || echo 0; }
gc_pauses() {
  awk -v re="${1:-Pause}" -v from="${2:-0}" 'NR > from && $0 ~ re && / [0-9.]+ms$/ { v = $NF; sub(/ms$/, "", v); n++; t += v; if (v > m) m = v }
    END { printf "%d %.1f %.1f\n", n, m, t }' "$GW_GCLOG" 2>/dev/null || echo "0 0 0"
}

# LATENCY: "sipp" (SIPp's rtt file; its clock ticks in whole jiffies here, 4 ms) and/or "pcap"
# (tcpdump on lo: first INVITE out of the caller to the 200 for it, microseconds); "none".
step_start() {
  S_DIR="$1"; S_TAG="$2"; S_RATE="$3"; S_CALLS="$4"
  local secs=$(( S_CALLS / S_RATE + 1 )) uas_stats="$S_DIR/uas-$S_TAG.csv" uac_stats="$S_DIR/uac-$S_TAG.csv" rtt=()
  sipp -sf "$SCENARIOS/uas.xml" -s bob -t u1 -i "$LOCAL" -p "$UAS_PORT" -m "$S_CALLS" \
    -timeout "$(( secs + 60 ))s" -recv_timeout 10000 -buff_size "$BUFF_SIZE" -nostdin \
    -trace_stat -stf "$uas_stats" -fd 1 -trace_err -error_file "$S_DIR/uas-$S_TAG.errors.log" \
    > "$S_DIR/uas-$S_TAG.out" 2>&1 &
  S_UAS=$!; bg_add "$S_UAS"
  for _ in $(seq 100); do udp_bound "$UAS_PORT" && break; sleep 0.05; done
  S_UAC_PORT="$(free_port)"; S_TCPDUMP=""
  case "${LATENCY:-sipp}" in *pcap*)
    command -v tcpdump > /dev/null || die "LATENCY=pcap needs tcpdump (apt-get install tcpdump)"
    tcpdump -i lo -nn -s 1000 -B 32768 -Z root -w "$S_DIR/uac-$S_TAG.pcap" \
      "udp and ((src port $S_UAC_PORT and udp[8:4] = 0x494e5649) or (dst port $S_UAC_PORT and udp[8:4] = 0x5349502f and udp[16:4] = 0x32303020))" \
      > "$S_DIR/tcpdump-$S_TAG.out" 2>&1 &
    S_TCPDUMP=$!; bg_add "$S_TCPDUMP"
    for _ in $(seq 100); do grep -q 'listening on' "$S_DIR/tcpdump-$S_TAG.out" && break; sleep 0.05; done ;;
  esac
  case "${LATENCY:-sipp}" in *sipp*) rtt=(-trace_rtt -rtt_freq 1000) ;; esac
  S_UAC_CMD=(sipp "$LOCAL:$GW_PORT" -sf "$SCENARIOS/uac.xml" -s bob -t u1 -i "$LOCAL" -p "$S_UAC_PORT"
    -r "$S_RATE" -m "$S_CALLS" -d "${HOLD_MS:-0}" -timeout "$(( secs + 40 ))s" -recv_timeout 5000
    -buff_size "$BUFF_SIZE" -nostdin -trace_stat -stf "$uac_stats" -fd 1 "${rtt[@]}"
    -trace_err -error_file "$S_DIR/uac-$S_TAG.errors.log")
  S_CPU0="$(tree_cpu "$GW_PID")"; S_T0="$(now)"
  # the rtt file lands in the working directory as uac_<pid>_rtt.csv
  mkdir -p "$S_DIR/rtt-$S_TAG"
  ( cd "$S_DIR/rtt-$S_TAG" && exec "${S_UAC_CMD[@]}" ) > "$S_DIR/uac-$S_TAG.out" 2>&1 &
  S_UAC=$!; bg_add "$S_UAC"
}

step_wait() { wait "$S_UAC" 2>/dev/null || true; S_T1="$(now)"; S_CPU1="$(tree_cpu "$GW_PID")"; bg_del "$S_UAC"; }

step_finish() {
  local uas_stats="$S_DIR/uas-$S_TAG.csv" uac_stats="$S_DIR/uac-$S_TAG.csv"
  stop_sipp "$S_UAS"; wait "$S_UAS" 2>/dev/null || true; bg_del "$S_UAS"
  S_OK="$(stat_column "$uac_stats" 'SuccessfulCall(C)')"
  S_FAILED="$(stat_column "$uac_stats" 'FailedCall(C)')"
  S_RETRANS_UAC="$(stat_column "$uac_stats" 'Retransmissions(C)')"
  S_RETRANS_UAS="$(stat_column "$uas_stats" 'Retransmissions(C)')"
  S_RETRANS=$(( S_RETRANS_UAC + S_RETRANS_UAS ))
  S_UAS_FAILED="$(stat_column "$uas_stats" 'FailedCall(C)')"
  # calls aborted on a message out of the scenario's order: a BYE before the ACK, a 100 after the 200
  S_UNEXP_UAC="$(stat_column "$uac_stats" 'FailedUnexpectedMessage(C)')"
  S_UNEXP_UAS="$(stat_column "$uas_stats" 'FailedUnexpectedMessage(C)')"
  S_SECS="$(awk -v a="$S_T0" -v b="$S_T1" 'BEGIN { printf "%.2f", b - a }')"
  S_ACHIEVED="$(rate_of "$S_OK" "$S_T0" "$S_T1")"
  S_CPU="$(cpu_delta "$S_CPU0" "$S_CPU1")"
  S_CPU_MS="-"; [ "$S_CPU" != "-" ] && [ "$S_OK" -gt 0 ] && S_CPU_MS=$(awk -v c="$S_CPU" -v n="$S_OK" 'BEGIN { printf "%.3f", c * 1000 / n }')
  S_LAT_SIPP="0 - - - -"; S_LAT_PCAP="0 - - - -"; S_PCAP_NOTE=""
  local f
  f="$(ls "$S_DIR/rtt-$S_TAG"/*_rtt.csv 2>/dev/null | head -1 || true)"
  [ -z "$f" ] || S_LAT_SIPP="$(awk -F';' 'NR > 1 && $3 == 1 { print $2 }' "$f" | percentiles)"
  if [ -n "$S_TCPDUMP" ]; then
    kill -INT "$S_TCPDUMP" 2>/dev/null || true; wait "$S_TCPDUMP" 2>/dev/null || true; bg_del "$S_TCPDUMP"
    S_LAT_PCAP="$(python3 "$BENCH_DIR/pcap-latency.py" "$S_DIR/uac-$S_TAG.pcap" "$S_UAC_PORT" 2> "$S_DIR/pcap-$S_TAG.err" | percentiles)"
    S_PCAP_NOTE="$(grep -h 'dropped by kernel' "$S_DIR/tcpdump-$S_TAG.out" || true); $(cat "$S_DIR/pcap-$S_TAG.err")"
    rm -f "$S_DIR/uac-$S_TAG.pcap"
  fi
}

# step_clean: zero failed calls and unexpected messages on both sides, retransmissions at most
# RETRANS_PCT % of the calls.
step_clean() {
  [ "$S_FAILED" = 0 ] && [ "$S_UAS_FAILED" = 0 ] && [ "$S_UNEXP_UAC" = 0 ] && [ "$S_UNEXP_UAS" = 0 ] && [ "$S_OK" -gt 0 ] &&
    awk -v r="$S_RETRANS" -v n="$S_CALLS" -v p="${RETRANS_PCT:-0}" 'BEGIN { exit !(r <= n * p / 100) }'
}

# lat_fmt "n p50 p90 p99 max" -> "p50 p90 p99 max" with 3 decimals where numeric
lat_fmt() { awk '{ for (i = 2; i <= 5; i++) printf "%s%s", ($i == "-" ? "-" : sprintf("%.3f", $i)), (i < 5 ? " " : "\n") }' <<< "$1"; }

# The warm-up step of a call bench (JIT): WARMUP seconds at WARMUP_RATE calls/s, as step NAME
# (default warmup); prints its figures, which are not measured. Nothing when WARMUP is 0.
warm_up() {
  [ "$WARMUP" -gt 0 ] || return 0
  LATENCY=none step_start "$1" "${2:-warmup}" "$WARMUP_RATE" $(( WARMUP_RATE * WARMUP ))
  step_wait; LATENCY=none step_finish
  echo "# warm-up ${WARMUP_RATE}/s for ${WARMUP} s: ok $S_OK, failed $S_FAILED, retrans $S_RETRANS (not measured)"
}

# ---------------------------------------------------------------------------------------------
# Rate ladders (sipp-call-max.sh, kamailio-calls.sh): one table row per step.
# HOLD_MS is the time between ACK and BYE: 100 ms as a call that is held, 0 for ACK and BYE back to
# back, which shows a proxy that lets the two overtake each other (unexp = calls SIPp aborted on an
# unexpected message, caller/callee).

ladder_header() {
  echo "| server | hold ms | target/s | achieved/s | secs | ok | failed | unexp uac/uas | retrans | CPU µs/call | cpu_s | p50 | p90 | p99 | max | verdict |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
}

# ladder_row SERVER: the row of the step just finished
ladder_row() {
  local lat="$S_LAT_SIPP"; [ -z "$S_TCPDUMP" ] || lat="$S_LAT_PCAP"
  local verdict=clean; step_clean || verdict=FAIL
  local us="-"; [ "$S_CPU_MS" = "-" ] || us="$(awk -v m="$S_CPU_MS" 'BEGIN { printf "%.0f", m * 1000 }')"
  printf '| %s | %s | %6s | %8s | %6s | %7s | %6s | %s/%s | %6s | %6s | %6s | %s | %s |\n' "$1" "${HOLD_MS:-0}" "$S_RATE" "$S_ACHIEVED" \
    "$S_SECS" "$S_OK" "$(( S_FAILED + S_UAS_FAILED ))" "$S_UNEXP_UAC" "$S_UNEXP_UAS" "$S_RETRANS" "$us" "$S_CPU" \
    "$(lat_fmt "$lat" | awk '{ printf "%7s | %7s | %7s | %8s", $1, $2, $3, $4 }')" "$verdict"
}

# ladder_step SERVER RATE [DIR]: one step of DURATION s at RATE; prints its row, returns step_clean's status
ladder_step() {
  step_start "${3:-$OUT}" "$1-h${HOLD_MS:-0}-$2" "$2" $(( $2 * DURATION ))
  step_wait; step_finish; ladder_row "$1"
  [ -z "${FIRST_CMD:-}" ] && FIRST_CMD="${S_UAC_CMD[*]}"
  step_clean
}

# ---------------------------------------------------------------------------------------------
# REGISTER steps (kamailio-register.sh): DURATION s of REGISTERs over UDP at RATE to $GW_PORT,
# every REGISTER a new user (r<tag>u<n>@localhost, Contact 127.0.0.1:9, nobody listens there).
# reg_step DIR TAG RATE sets R_OK R_FAILED R_RETRANS R_ACHIEVED R_CPU (s, GW_PID and children)
# R_US (CPU µs per REGISTER); reg_clean: no failure, retransmissions <= RETRANS_PCT % of them.
reg_step() {
  local dir="$1" tag="$2" rate="$3" n=$(( $3 * DURATION )) users="$1/users-$2.csv" stats="$1/reg-$2.csv" t0 t1 c0 c1
  R_RATE="$rate"; R_N="$n"
  awk -v n="$n" -v p="r${tag//[^a-z0-9]/}u" 'BEGIN { print "SEQUENTIAL"; for (i = 1; i <= n; i++) printf "%s%d;localhost;127.0.0.1:9;udp\n", p, i }' > "$users"
  c0="$(tree_cpu "$GW_PID")"; t0="$(now)"
  sipp "$LOCAL:$GW_PORT" -sf "$SCENARIOS/register.xml" -inf "$users" -t u1 -i "$LOCAL" -p "$(free_port)" -r "$rate" -m "$n" \
    -timeout "$(( DURATION + 30 ))s" -recv_timeout 5000 -buff_size "$BUFF_SIZE" -nostdin -trace_stat -stf "$stats" -fd 1 \
    -trace_err -error_file "$dir/reg-$tag.errors.log" > "$dir/reg-$tag.out" 2>&1 || true
  t1="$(now)"; c1="$(tree_cpu "$GW_PID")"
  rm -f "$users"
  R_OK="$(stat_column "$stats" 'SuccessfulCall(C)')"
  R_FAILED="$(stat_column "$stats" 'FailedCall(C)')"
  R_RETRANS="$(stat_column "$stats" 'Retransmissions(C)')"
  R_ACHIEVED="$(rate_of "$R_OK" "$t0" "$t1")"
  R_CPU="$(cpu_delta "$c0" "$c1")"
  R_US="-"; [ "$R_CPU" != "-" ] && [ "$R_OK" -gt 0 ] && R_US=$(awk -v c="$R_CPU" -v n="$R_OK" 'BEGIN { printf "%.1f", c * 1e6 / n }')
}

reg_clean() {
  [ "$R_FAILED" = 0 ] && [ "$R_OK" = "$R_N" ] &&
    awk -v r="$R_RETRANS" -v n="$R_N" -v p="${RETRANS_PCT:-0}" 'BEGIN { exit !(r <= n * p / 100) }'
}

reg_row() {
  local verdict=clean; reg_clean || verdict=FAIL
  printf '| %s | %6s | %8s | %8s | %6s | %6s | %6s | %6s | %s |\n' "$1" "$R_RATE" "$R_ACHIEVED" "$R_OK" "$R_FAILED" "$R_RETRANS" \
    "$R_US" "$R_CPU" "$verdict"
}

# versus_row LABEL BEST_A BEST_B CPU KEY_A KEY_B: a summary row of two ladders,
# "| LABEL | A | B | B/A | at | cpu A | cpu B | cpu A / cpu B |": the highest clean rates, their ratio,
# and at the highest rate both ran clean the CPU per operation of each from the associative array
# named CPU (CPU[KEY_A,rate], CPU[KEY_B,rate]) with the ratio A/B (above 1: B spends less).
versus_row() {
  local label="$1" a="$2" b="$3" ka="$5" kb="$6" ratio="-" common ca="-" cb="-" cr="-"
  local -n cpu_of="$4"
  [ "$a" -gt 0 ] && ratio="$(awk -v x="$b" -v y="$a" 'BEGIN { printf "%.2f", x / y }')"
  common=$(( a < b ? a : b ))
  if [ "$common" -gt 0 ]; then
    ca="${cpu_of[$ka,$common]}"; cb="${cpu_of[$kb,$common]}"
    cr="$(awk -v x="$ca" -v y="$cb" 'BEGIN { printf "%.2f", (y > 0 ? x / y : 0) }')"
  fi
  echo "| $label | $a | $b | $ratio | $common | $ca | $cb | $cr |"
}
