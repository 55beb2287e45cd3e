package io.sipgw.transport;

import io.sipgw.sip.Hosts;
import io.sipgw.sip.Transport;

/**
 * A configured listening socket and the address it puts in Via and Record-Route: the advertised
 * address if one is configured (as Kamailio's {@code advertise}), otherwise the bound one.
 */
public record Listener(String name, Transport transport, String host, int port, String sentByHost, int sentByPort) {

  public boolean isIpv6() { return Hosts.isIpv6(Hosts.bare(host)); }

  /** The host:port for Via sent-by and Record-Route, IPv6 in brackets. */
  public String sentBy() { return Hosts.forUri(sentByHost) + ":" + sentByPort; }

  /** {@code <sip:host:port;transport=x;lr>} for Record-Route and Path. */
  public String routeUri() {
    return "<sip:" + sentBy() + ";transport=" + transport.uriParam() + ";lr>";
  }

  /** Whether host and port name this listener (bound or advertised). */
  public boolean matches(String h, int p) {
    String ip = Hosts.canonicalIp(h);
    int port = p <= 0 ? 5060 : p;
    return port == sentByPort && ip.equalsIgnoreCase(Hosts.canonicalIp(sentByHost))
        || port == this.port && ip.equalsIgnoreCase(Hosts.canonicalIp(host));
  }
}
