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
