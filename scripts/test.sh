#!/usr/bin/env bash
# Runs the test suite. Installs what the tests need when it is missing:
# sipp (Debian/Ubuntu package sip-tester), socat (TLS phones in front of and behind SIPp), redis-server and
# rtpengine (package rtpengine-daemon alone: the rtpengine metapackage would build a kernel module), sipsak and
# sipvicious (svmap, svwar, svcrack, run by the security tests), dnsmasq-base (a DNS server for the DNS tests), baresip-core (baresip, a real SIP client for the IM and
# presence tests: the baresip metapackage would add GUI, video and GStreamer modules); for the
# browser tests chromium and iproute2 (ip netns), and, with npm ci, the Node driver's packages in
# src/test/browser (needs Node.js >= 20 and npm). Exits with Maven's exit code.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v sipp >/dev/null 2>&1 || missing+=(sip-tester)
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# with the fonts and the software GL its Recommends would bring, the rest of those (printing, udev) left out
[[ -x /usr/bin/chromium ]] || missing+=(chromium fonts-liberation libgl1-mesa-dri)
command -v rtpengine >/dev/null 2>&1 || missing+=(rtpengine-daemon)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
# the attack tools the security tests run against the gateway, in a namespace with only lo
command -v sipsak >/dev/null 2>&1 || missing+=(sipsak)
command -v svwar >/dev/null 2>&1 || missing+=(sipvicious)
# a real SIP client, run headless by the IM and presence tests
command -v baresip >/dev/null 2>&1 || missing+=(baresip-core)
# a real DNS server (NAPTR, SRV, A, AAAA records written by the DNS tests), run on a loopback port
command -v dnsmasq >/dev/null 2>&1 || [[ -x /usr/sbin/dnsmasq ]] || missing+=(dnsmasq-base)

if ((${#missing[@]})); then
  echo "==> installing ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "==> sipp: $(command -v sipp), socat: $(command -v socat), redis-server: $(command -v redis-server), rtpengine: $(command -v rtpengine), sipsak: $(command -v sipsak), svwar: $(command -v svwar), baresip: $(command -v baresip)"

# The browser tests' driver (playwright-core, which runs Debian's chromium: it never downloads a browser).
if [[ ! -d src/test/browser/node_modules/playwright-core ]]; then
  echo "==> npm ci in src/test/browser"
  (cd src/test/browser && npm ci --omit=dev --no-audit --no-fund)
fi
echo "==> chromium: $(/usr/bin/chromium --version 2>/dev/null || echo missing), node: $(node --version)"
echo "==> mvn -B test"
set +e
mvn -B test
rc=$?
set -e
if ((rc == 0)); then echo "==> tests passed"; else echo "==> tests FAILED (mvn exit code $rc)" >&2; fi
exit "$rc"
