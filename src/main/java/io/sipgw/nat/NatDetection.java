package io.sipgw.nat;

import io.sipgw.sip.Hosts;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipUri;
import io.sipgw.sip.Transport;
import io.sipgw.sip.Via;
import io.sipgw.store.Binding;
import java.util.Locale;

/**
 * Kamailio nathelper's tests for a client behind NAT ({@code nat_uac_test}): its Contact names a
 * private address (RFC 1918, RFC 6598 shared space, IPv6 ULA and link-local) or a {@code .invalid}
 * host that is not the address its request came from (flag 1); or the top Via's sent-by is not the
 * source address (flag 2) or port (flag 16) of the request, the case RFC 3581 §4 answers with
 * {@code received} and {@code rport}.
 */
public final class NatDetection {
  private NatDetection() { }

  public static boolean isPrivate(String host) {
    String h = Hosts.bare(host).toLowerCase(Locale.ROOT);
    if (!Hosts.isIpv4(h)) return h.startsWith("fc") || h.startsWith("fd") || h.startsWith("fe80");
    String[] p = h.split("\\.");
    int a = Integer.parseInt(p[0]), b = Integer.parseInt(p[1]);
    return a == 10 || a == 172 && b >= 16 && b <= 31 || a == 192 && b == 168 || a == 100 && b >= 64 && b <= 127;
  }

  /** Whether a Contact host behind source address {@code sourceHost} is unreachable as written. */
  public static boolean behindNat(String contactHost, String sourceHost) {
    String c = Hosts.bare(contactHost);
    return !c.equalsIgnoreCase(Hosts.bare(sourceHost)) && (isPrivate(c) || c.endsWith(".invalid"));
  }

  /**
   * Whether the top Via of a request received from {@code sourceHost:sourcePort} says it was sent
   * from elsewhere (RFC 3581 §4): its sent-by host is not the source address, or its port (5060, 5061
   * for TLS, when absent: RFC 3261 §18.2.2) is not the source port. A host name never equals an
   * address here, as in nathelper's test without DNS: a phone that puts a name in its Via counts as
   * behind NAT, which costs a keep-alive and nothing else.
   */
  public static boolean viaBehindNat(Via top, String sourceHost, int sourcePort) {
    if (!Hosts.canonicalIp(top.host()).equalsIgnoreCase(Hosts.canonicalIp(sourceHost))) return true;
    int port = top.port() > 0 ? top.port() : top.transport() == Transport.TLS ? 5061 : 5060;
    return port != sourcePort;
  }

  /**
   * Whether a binding is kept open by keep-alives: it registered over UDP straight from the client
   * (no Path: an edge proxy keeps its own clients' NAT open, RFC 5626 §4.4), from behind NAT by its
   * Contact or by the Via of its REGISTER (which the registrar noted in its source).
   */
  public static boolean needsKeepalive(Binding b) {
    Binding.Source src = b.source();
    if (!Transport.UDP.uriParam().equals(src.transport()) || !b.path().isEmpty()) return false;
    if (src.viaBehindNat()) return true;
    try {
      return behindNat(SipUri.parse(b.contact()).host(), src.host());
    } catch (SipParseException e) {
      return false;
    }
  }
}
