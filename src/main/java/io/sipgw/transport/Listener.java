package io.sipgw.transport;

import io.sipgw.sip.Hosts;
import io.sipgw.sip.Transport;
import java.util.Locale;
import java.util.Set;

/**
 * A configured listening socket and the address it puts in Via and Record-Route: the advertised
 * address if one is configured (as Kamailio's {@code advertise}), otherwise the bound one.
 */
public record Listener(String name, Transport transport, String host, int port, String sentByHost, int sentByPort,
    Set<String> boundAddresses) {

  /** A listener bound to one address. */
  public Listener(String name, Transport transport, String host, int port, String sentByHost, int sentByPort) {
    this(name, transport, host, port, sentByHost, sentByPort, Set.of(Hosts.canonicalIp(host)));
  }

  public boolean isIpv6() { return Hosts.isIpv6(Hosts.bare(host)); }

  /** The host:port for Via sent-by and Record-Route, IPv6 in brackets. */
  public String sentBy() { return Hosts.forUri(sentByHost) + ":" + sentByPort; }

  /** {@code <sip:host:port;transport=x;lr>} for Record-Route and Path. */
  public String routeUri() { return routeUri(null); }

  /** {@code <sip:user@host:port;transport=x;lr>}: with a flow token as user part, or none when null. */
  public String routeUri(String user) { return routeUri(user, sentBy()); }

  /** {@code <sip:user@hostPort;transport=x;lr>}: this listener reached at another address of its machine. */
  public String routeUri(String user, String hostPort) {
    return "<sip:" + (user != null ? user + "@" : "") + hostPort + ";transport=" + transport.uriParam() + ";lr>";
  }

  /**
   * Whether host and port name this listener (advertised, or an address it is bound to); no port
   * means the transport's default, 5061 for TLS and 5060 otherwise.
   */
  public boolean matches(String h, int p) {
    int port = p <= 0 ? (transport == Transport.TLS ? 5061 : 5060) : p;
    return port == sentByPort && hasAddress(h) || port == this.port && hasAddress(h);
  }

  /**
   * Whether {@code h} is an address of this listener: the advertised one or one it receives on (every
   * address of the machine, of its family, for a wildcard bind).
   */
  public boolean hasAddress(String h) {
    String ip = Hosts.canonicalIp(h).toLowerCase(Locale.ROOT);
    return ip.equals(Hosts.canonicalIp(sentByHost).toLowerCase(Locale.ROOT)) || boundAddresses.contains(ip);
  }
}
