package io.sipgw.transport;

import io.sipgw.sip.Hosts;
import io.sipgw.sip.Transport;

/**
 * A resolved next hop: transport, IP address (no brackets) and port. For TLS, {@code serverName} is
 * the domain the address was resolved from (RFC 5922 §4.2: the identity the server's certificate must
 * show, and the SNI name); null when the hop was an IP address, whose certificate is checked against
 * the address itself.
 */
public record Target(Transport transport, String host, int port, String serverName) {
  public Target {
    host = Hosts.canonicalIp(host);
  }

  public Target(Transport transport, String host, int port) { this(transport, host, port, null); }

  public boolean isIpv6() { return Hosts.isIpv6(host); }

  /** This target without its server name: the key a connection to the address is found by. */
  public Target address() { return serverName == null ? this : new Target(transport, host, port); }

  @Override
  public String toString() { return transport.uriParam() + ":" + Hosts.forUri(host) + ":" + port; }
}
