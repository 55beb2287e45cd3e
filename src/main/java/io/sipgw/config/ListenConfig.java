package io.sipgw.config;

import io.sipgw.sip.Transport;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A socket to listen on, and the address to advertise in Via, Record-Route and Contact instead of the
 * bound one (behind NAT or a load balancer; Kamailio's {@code listen=... advertise host:port}).
 *
 * @param port 1..65535 (default 5060, 5061 for TLS), or 0 to let the operating system pick a free port
 * @param advertiseHost null when nothing is advertised
 * @param advertisePort the advertised port; {@code port} when not given
 * @param msrp an MSRP relay listener ({@code "transport": "msrp"} over TCP, {@code "msrps"} over TLS,
 *     default port 2855), not a SIP one
 */
public record ListenConfig(Transport transport, String host, int port, String advertiseHost, int advertisePort, boolean msrp) {
  /** The transports {@code listen} accepts in this release. */
  static final String SUPPORTED = "udp, tcp, tls, ws, wss, msrp, msrps";
  public static final int MSRP_PORT = 2855;

  /** A SIP listener. */
  public ListenConfig(Transport transport, String host, int port, String advertiseHost, int advertisePort) {
    this(transport, host, port, advertiseHost, advertisePort, false);
  }
  /**
   * The port a listener gets when its entry names none: 5061 for TLS, 5060 for UDP and TCP (RFC 3261
   * §19.1.2), and HTTP's 80 and 443 for WS and WSS (RFC 7118 §4, RFC 6455 §3).
   */
  static int defaultPort(Transport t) {
    return switch (t) {
      case TLS -> 5061;
      case WS -> 80;
      case WSS -> 443;
      default -> 5060;
    };
  }

  public ListenConfig {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(host, "host");
  }

  /** E.g. {@code udp:0.0.0.0:5060}, {@code tcp:[::1]:5060}, {@code msrps:0.0.0.0:2855}. */
  public String name() { return transportName() + ":" + HostAndPort.uriHost(host) + ":" + port; }

  private String transportName() { return msrp ? (transport == Transport.TLS ? "msrps" : "msrp") : transport.uriParam(); }

  static ListenConfig read(ConfigObject o) {
    Object t = o.value("transport");
    if (t == null) throw new ConfigException(o.key("transport"), "is required (" + SUPPORTED + ")");
    if (!(t instanceof String ts)) throw o.wrongType("transport", "a string", t);
    boolean msrp = ts.equalsIgnoreCase("msrp") || ts.equalsIgnoreCase("msrps");
    Transport transport = msrp ? (ts.equalsIgnoreCase("msrps") ? Transport.TLS : Transport.TCP) : Transport.parse(ts);
    if (transport == null) throw new ConfigException(o.key("transport"), "unknown transport \"" + ts + "\" (supported: " + SUPPORTED + ")");
    if (transport == Transport.SCTP) {
      throw new ConfigException(o.key("transport"), "transport \"" + ts + "\" is not supported yet (supported: " + SUPPORTED + ")");
    }
    String host = o.string("host", "0.0.0.0");
    if (!HostAndPort.isHost(host)) throw new ConfigException(o.key("host"), "not an IP literal or hostname: \"" + host + "\"");
    host = HostAndPort.normalize(host);
    int port = o.integer("port", msrp ? MSRP_PORT : defaultPort(transport), 0, 65535);
    String advertiseHost = null;
    int advertisePort = port;
    String advertise = o.string("advertise", null);
    if (advertise != null) {
      try {
        HostAndPort a = HostAndPort.parse(advertise);
        advertiseHost = a.host();
        if (a.port() != HostAndPort.NO_PORT) advertisePort = a.port();
      } catch (IllegalArgumentException e) {
        throw new ConfigException(o.key("advertise"), e.getMessage() + " (forms: host, host:port, [ipv6]:port)");
      }
    }
    o.rejectUnknownKeys();
    return new ListenConfig(transport, host, port, advertiseHost, advertisePort, msrp);
  }

  JsonObject toJson() {
    JsonObject j = new JsonObject().put("transport", transportName()).put("host", host).put("port", port);
    if (advertiseHost != null) j.put("advertise", HostAndPort.uriHost(advertiseHost) + ":" + advertisePort);
    return j;
  }
}
