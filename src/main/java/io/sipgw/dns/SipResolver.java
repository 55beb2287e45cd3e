package io.sipgw.dns;

import io.sipgw.sip.Hosts;
import io.sipgw.sip.SipUri;
import io.sipgw.sip.Transport;
import io.sipgw.transport.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.SrvRecord;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Locates a SIP server for a URI as RFC 3263 §4 says. The transport comes from the URI's transport
 * parameter or scheme: a SIPS URI is reached over TLS only (§4.1; {@code transport=tcp} on it means
 * TLS over TCP, {@code transport=udp} is refused), and {@code transport=tls} on a SIP URI means TLS
 * too. An IP address or an explicit port goes straight to A/AAAA; otherwise SRV records ({@code
 * _sip._udp}, {@code _sip._tcp}; {@code _sips._tcp} for TLS) ordered by priority and weight as RFC 2782
 * says, then A/AAAA on 5060, or 5061 for TLS.
 * NAPTR is not consulted (Vert.x's DNS client has no NAPTR query); SRV is tried for each transport
 * sipgw listens on, UDP first, which is what §4.1 prescribes when NAPTR yields nothing; a SIP URI
 * without a transport is not sent over TLS (only a SIPS URI or {@code transport=tls} asks for it).
 * A TLS target found from a domain name carries that name: the identity the server's certificate
 * must show (RFC 5922 §4.2).
 */
public final class SipResolver {
  private final Vertx vertx;
  private final DnsClient dns;

  /** Queries SRV records through the system's DNS servers (Vert.x's default {@link DnsClientOptions}). */
  public SipResolver(Vertx vertx) {
    this(vertx, new DnsClientOptions());
  }

  /**
   * Queries SRV records through the DNS server {@code options} name (host, port, timeout); A/AAAA
   * lookups still go through the system resolver.
   */
  public SipResolver(Vertx vertx, DnsClientOptions options) {
    this.vertx = vertx;
    this.dns = vertx.createDnsClient(options);
  }

  /** The targets for a URI, best first; {@code allowed} is the set of transports this server can use. */
  public Future<List<Target>> resolve(SipUri uri, List<Transport> allowed) {
    String host = uri.param("maddr") != null ? uri.param("maddr") : uri.host();
    Transport transport = uri.transport();
    if (transport == null && uri.param("transport") != null) {
      return Future.failedFuture("unsupported transport " + uri.param("transport"));
    }
    if (uri.isSecure()) {
      if (transport != null && transport != Transport.TLS && transport != Transport.TCP) {
        return Future.failedFuture("a sips: URI cannot be reached over transport=" + uri.param("transport"));
      }
      transport = Transport.TLS;
    }
    boolean numeric = Hosts.isIpv4(host) || Hosts.isIpv6Reference(host) || Hosts.isIpv6(host);
    if (transport == null && (numeric || uri.port() > 0)) transport = Transport.UDP;
    if (numeric) {
      return Future.succeededFuture(List.of(new Target(transport, Hosts.bare(host), port(uri, transport))));
    }
    if (uri.port() > 0) return address(host, transport, uri.port(), host);
    List<Transport> order = new ArrayList<>();
    if (transport != null) order.add(transport);
    else for (Transport t : allowed) if (t != Transport.TLS) order.add(t);
    return srv(host, order, 0).recover(e -> {
      Transport t = order.isEmpty() ? Transport.UDP : order.get(0);
      return address(host, t, defaultPort(t), host);
    });
  }

  private Future<List<Target>> srv(String host, List<Transport> order, int i) {
    if (i >= order.size()) return Future.failedFuture("no SRV records for " + host);
    Transport t = order.get(i);
    String name = (t == Transport.TLS ? "_sips._tcp." : t == Transport.TCP ? "_sip._tcp." : "_sip._udp.") + host;
    return dns.resolveSRV(name).compose(records -> {
      if (records == null || records.isEmpty()) return srv(host, order, i + 1);
      List<SrvRecord> sorted = order(records, ThreadLocalRandom.current());
      List<Future<List<Target>>> lookups = new ArrayList<>();
      for (SrvRecord r : sorted) {
        // RFC 2782: a target of "." (null here) means the service is not available at this domain.
        if (r.target() == null || r.target().isEmpty() || r.target().equals(".")) continue;
        lookups.add(address(r.target(), t, r.port(), host).recover(e -> Future.succeededFuture(List.of())));
      }
      return Future.all(lookups).map(all -> {
        List<Target> out = new ArrayList<>();
        for (int k = 0; k < lookups.size(); k++) out.addAll(all.<List<Target>>resultAt(k));
        return out;
      }).compose(out -> out.isEmpty() ? srv(host, order, i + 1) : Future.succeededFuture(out));
    }, e -> srv(host, order, i + 1));
  }

  /**
   * RFC 2782 ordering: lowest priority first; within one priority, records are drawn at random with
   * probability proportional to weight (zero-weight records first in the candidate list, so they get
   * a small chance), each drawn record removed before the next draw.
   */
  static List<SrvRecord> order(List<SrvRecord> records, Random random) {
    List<SrvRecord> byPriority = new ArrayList<>(records);
    byPriority.sort(Comparator.comparingInt(SrvRecord::priority).thenComparingInt(r -> r.weight() == 0 ? 0 : 1));
    List<SrvRecord> out = new ArrayList<>(records.size());
    for (int start = 0; start < byPriority.size(); ) {
      int end = start;
      while (end < byPriority.size() && byPriority.get(end).priority() == byPriority.get(start).priority()) end++;
      List<SrvRecord> group = new ArrayList<>(byPriority.subList(start, end));
      while (!group.isEmpty()) {
        int sum = 0;
        for (SrvRecord r : group) sum += r.weight();
        int pick = random.nextInt(sum + 1), running = 0, k = 0;
        while ((running += group.get(k).weight()) < pick) k++;
        out.add(group.remove(k));
      }
      start = end;
    }
    return out;
  }

  /**
   * A/AAAA (and /etc/hosts) on a worker thread: the system resolver blocks. A TLS target keeps
   * {@code domain}, the name its certificate is checked against.
   */
  private Future<List<Target>> address(String host, Transport t, int port, String domain) {
    String serverName = t == Transport.TLS ? domain : null;
    return vertx.executeBlocking(() -> {
      List<Target> out = new ArrayList<>();
      for (InetAddress a : InetAddress.getAllByName(Hosts.bare(host))) out.add(new Target(t, a.getHostAddress(), port, serverName));
      return out;
    }, false);
  }

  private static int port(SipUri uri, Transport t) { return uri.port() > 0 ? uri.port() : defaultPort(t); }

  /** RFC 3261 §19.1.2: 5061 for TLS, 5060 otherwise. */
  private static int defaultPort(Transport t) { return t == Transport.TLS ? 5061 : 5060; }
}
