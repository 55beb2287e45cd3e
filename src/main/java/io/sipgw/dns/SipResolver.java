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
 * Locates a SIP server for a URI as RFC 3263 §4 says: transport from the URI's transport parameter or
 * scheme; an IP address or an explicit port goes straight to A/AAAA; otherwise SRV records
 * (_sip._udp, _sip._tcp; _sips._tcp for SIPS) ordered by priority and weight as RFC 2782 says, then
 * A/AAAA on 5060/5061.
 * NAPTR is not consulted (Vert.x's DNS client has no NAPTR query); SRV is tried for each transport
 * sipgw listens on, UDP first, which is what §4.1 prescribes when NAPTR yields nothing.
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
    boolean numeric = Hosts.isIpv4(host) || Hosts.isIpv6Reference(host) || Hosts.isIpv6(host);
    if (transport == null) transport = uri.isSecure() ? Transport.TLS : (numeric || uri.port() > 0 ? Transport.UDP : null);
    if (numeric) {
      return Future.succeededFuture(List.of(new Target(transport, Hosts.bare(host), port(uri, transport))));
    }
    if (uri.port() > 0 && transport != null) return address(host, transport, uri.port());
    List<Transport> order = new ArrayList<>();
    if (transport != null) order.add(transport);
    else order.addAll(allowed);
    return srv(host, order, 0).recover(e -> {
      Transport t = order.isEmpty() ? Transport.UDP : order.get(0);
      return address(host, t, uri.port() > 0 ? uri.port() : (t == Transport.TLS ? 5061 : 5060));
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
        lookups.add(address(r.target(), t, r.port()).recover(e -> Future.succeededFuture(List.of())));
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

  /** A/AAAA (and /etc/hosts) on a worker thread: the system resolver blocks. */
  private Future<List<Target>> address(String host, Transport t, int port) {
    return vertx.executeBlocking(() -> {
      List<Target> out = new ArrayList<>();
      for (InetAddress a : InetAddress.getAllByName(Hosts.bare(host))) out.add(new Target(t, a.getHostAddress(), port));
      return out;
    }, false);
  }

  private static int port(SipUri uri, Transport t) {
    if (uri.port() > 0) return uri.port();
    return t == Transport.TLS ? 5061 : 5060;
  }
}
