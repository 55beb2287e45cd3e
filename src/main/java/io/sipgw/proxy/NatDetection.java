package io.sipgw.proxy;

import io.sipgw.sip.Hosts;

/**
 * Kamailio nathelper's tests for a client behind NAT: its Contact names a private address (RFC 1918,
 * RFC 6598 shared space) that is not the address its request came from.
 */
final class NatDetection {
  private NatDetection() { }

  static boolean isPrivate(String host) {
    String h = Hosts.bare(host);
    if (!Hosts.isIpv4(h)) return h.toLowerCase().startsWith("fc") || h.toLowerCase().startsWith("fd") || h.toLowerCase().startsWith("fe80");
    String[] p = h.split("\\.");
    int a = Integer.parseInt(p[0]), b = Integer.parseInt(p[1]);
    return a == 10 || a == 172 && b >= 16 && b <= 31 || a == 192 && b == 168 || a == 100 && b >= 64 && b <= 127;
  }

  /** Whether a Contact host behind source address {@code sourceHost} is unreachable as written. */
  static boolean behindNat(String contactHost, String sourceHost) {
    String c = Hosts.bare(contactHost);
    return !c.equalsIgnoreCase(Hosts.bare(sourceHost)) && (isPrivate(c) || c.endsWith(".invalid"));
  }
}
