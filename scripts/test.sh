#!/usr/bin/env bash
# Runs the test suite. Installs what the tests need when it is missing:
# sipp (Debian/Ubuntu package sip-tester), socat (TLS phones in front of and behind SIPp), redis-server and
# rtpengine (package rtpengine-daemon alone: the rtpengine metapackage would build a kernel module). Exits with Maven's exit code.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v sipp >/dev/null 2>&1 || missing+=(sip-tester)
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v rtpengine >/dev/null 2>&1 || missing+=(rtpengine-daemon)

if ((${#missing[@]})); then
  echo "==> installing ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "==> sipp: $(command -v sipp), socat: $(command -v socat), redis-server: $(command -v redis-server), rtpengine: $(command -v rtpengine)"
echo "==> mvn -B test"
set +e
mvn -B test
rc=$?
set -e
if ((rc == 0)); then echo "==> tests passed"; else echo "==> tests FAILED (mvn exit code $rc)" >&2; fi
exit "$rc"
