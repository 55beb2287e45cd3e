#!/usr/bin/env bash
# The IM and presence figures (issue 12), each on a fresh gateway (bench/bench.json or SIPGW_CONFIG,
# on a free loopback port, SIPGW_JVM), driven by io.sipgw.bench.ImPresenceLoad from the test classes:
#   fan-out: one presentity with N watchers, the time from its PUBLISH to the last NOTIFY received;
#   PUBLISH/s: N initial PUBLISHes, 100 unanswered at a time;
#   delivery: N MESSAGEs kept for an offline user, delivered when it registers (one at a time).
# Each measure runs ROUNDS times on one gateway after a warm-up run; every wait is bounded (30 s).
#
#   bench/im-presence.sh          env: FANOUT=1000 PUBLISHES=20000 MESSAGES=100 ROUNDS=3 SIPGW_JVM SIPGW_CONFIG OUT
set -euo pipefail
. "$(dirname "$0")/lib.sh"
FANOUT="${FANOUT:-1000}"; PUBLISHES="${PUBLISHES:-20000}"; MESSAGES="${MESSAGES:-100}"; ROUNDS="${ROUNDS:-3}"
load_setup ImPresenceLoad im-presence
echo "# $0  (FANOUT=$FANOUT PUBLISHES=$PUBLISHES MESSAGES=$MESSAGES ROUNDS=$ROUNDS), $(date -Is), $(nproc) cores"

load() { java -cp "$CLASSES:$SIPGW_JAR" io.sipgw.bench.ImPresenceLoad "$GW_PORT" "$@"; }

# one gateway per measure: a warm-up run (JIT), not reported, then ROUNDS runs, each with users of its own
for measure in "fanout $FANOUT" "publish $PUBLISHES" "delivery $MESSAGES"; do
  stop_gateway; start_gateway "$OUT" > /dev/null
  # shellcheck disable=SC2086
  load $measure w > /dev/null
  for r in $(seq "$ROUNDS"); do
    # shellcheck disable=SC2086
    echo "round $r: $(load $measure r$r)"
  done
done
stop_gateway
