package io.sipgw.transport;

import io.sipgw.sip.Hosts;
import io.sipgw.sip.Transport;

/** A resolved next hop: transport, IP address (no brackets) and port. */
public record Target(Transport transport, String host, int port) {
  public Target {
    host = Hosts.canonicalIp(host);
  }

  public boolean isIpv6() { return Hosts.isIpv6(host); }

  @Override
  public String toString() { return transport.uriParam() + ":" + Hosts.forUri(host) + ":" + port; }
}
