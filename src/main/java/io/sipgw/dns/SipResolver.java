package io.sipgw.dns;

import io.sipgw.config.DnsConfig;
import io.sipgw.sip.Hosts;
import io.sipgw.sip.SipUri;
import io.sipgw.sip.Transport;
import io.sipgw.transport.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Locates a SIP server for a URI as RFC 3263 §4 says and returns every target found, best first (the
 * proxy tries them in turn on transport error, timeout or 503, §4.3). The transport comes from the
 * URI's transport parameter or scheme: a SIPS URI is reached over TLS only (§4.1; {@code
 * transport=tcp} on it means TLS over TCP, {@code transport=udp} is refused), and {@code
 * transport=tls} on a SIP URI means TLS too.
 * <ul>
 *   <li>An IP address: that address, on the URI's port or 5060 (5061 for TLS).
 *   <li>A domain with a port: its A and AAAA records.
 *   <li>A domain with a transport parameter: the SRV records for that transport, else A/AAAA.
 *   <li>Otherwise the domain's NAPTR records (RFC 3403): those whose service is {@code SIP+D2U},
 *       {@code SIP+D2T} or {@code SIPS+D2T} (only {@code SIPS+D2T} for a SIPS URI) with a transport
 *       in {@code allowed} and the "s" flag, by order then preference, each followed to its SRV
 *       records. Without any, SRV ({@code _sip._udp}, {@code _sip._tcp} for the allowed transports
 *       in turn; {@code _sips._tcp} for a SIPS URI) and, without any, A/AAAA on 5060 (5061).
 * </ul>
 * SRV records are ordered by priority and weight as RFC 2782 says; a target of "." is skipped. A SIP
 * URI is sent over TLS only when its NAPTR records say so, never from a {@code _sips._tcp} record
 * alone. Address records come from the configured DNS servers; a name they do not know (NXDOMAIN,
 * NODATA, or no answer) is asked of the system resolver on a worker thread, so names of /etc/hosts
 * such as {@code localhost} keep working. A TLS target found from a domain name carries that name:
 * the identity the server's certificate must show (RFC 5922 §4.2).
 */
public final class SipResolver implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger("sipgw.dns");

  private final Vertx vertx;
  private final DnsLookup dns;

  /** Asks the system's DNS servers, with the default cache ({@link DnsConfig#defaults()}). */
  public SipResolver(Vertx vertx) {
    this(vertx, DnsConfig.defaults());
  }

  public SipResolver(Vertx vertx, DnsConfig config) {
    this(vertx, new DnsLookup(vertx, config));
  }

  /** Shares {@code dns} (and its cache) with whatever else uses it. */
  public SipResolver(Vertx vertx, DnsLookup dns) {
    this.vertx = vertx;
    this.dns = dns;
  }

  /** The DNS queries and cache this resolver uses. */
  public DnsLookup dns() { return dns; }

  /** An ENUM resolver sharing this resolver's DNS servers and cache. */
  public EnumResolver enumResolver() { return new EnumResolver(dns); }

  @Override
  public void close() { dns.close(); }

  /** The targets for a URI, best first; {@code allowed} is the set of transports this server can use. */
  public Future<List<Target>> resolve(SipUri uri, List<Transport> allowed) {
    String host = uri.param("maddr") != null ? uri.param("maddr") : uri.host();
    Transport transport = uri.transport();
    if (transport == null && uri.param("transport") != null) {
      return Future.failedFuture("unsupported transport " + uri.param("transport"));
    }
    boolean secure = uri.isSecure();
    if (secure) {
      if (transport != null && transport != Transport.TLS && transport != Transport.TCP) {
        return Future.failedFuture("a sips: URI cannot be reached over transport=" + uri.param("transport"));
      }
      if (transport != null) transport = Transport.TLS;
    }
    boolean numeric = Hosts.isIpv4(host) || Hosts.isIpv6Reference(host) || Hosts.isIpv6(host);
    if (numeric || uri.port() > 0) {
      Transport t = transport != null ? transport : secure ? Transport.TLS : Transport.UDP;
      if (numeric) return Future.succeededFuture(List.of(new Target(t, Hosts.bare(host), port(uri, t))));
      return address(host, t, uri.port(), host);
    }
    String domain = DnsNames.normalize(host);
    List<Transport> srvOrder = new ArrayList<>();
    if (transport != null) srvOrder.add(transport);
    else if (secure) srvOrder.add(Transport.TLS);
    else for (Transport t : allowed) if (t == Transport.UDP || t == Transport.TCP) srvOrder.add(t);
    Future<List<Target>> found = transport != null ? srv(domain, srvOrder, 0)
        : naptr(domain, allowed, secure).compose(t -> t.isEmpty() ? srv(domain, srvOrder, 0) : Future.succeededFuture(t));
    return found.compose(targets -> {
      if (!targets.isEmpty()) return Future.succeededFuture(targets);
      Transport t = srvOrder.isEmpty() ? Transport.UDP : srvOrder.get(0);
      return address(domain, t, defaultPort(t), domain);
    }).onFailure(e -> LOG.log(Level.INFO, "no target for {0}: {1}", new Object[] {uri, e.getMessage()}));
  }

  /** RFC 3263 §4.1: the NAPTR records with a SIP service this server can use, each followed to its SRV records. */
  private Future<List<Target>> naptr(String domain, List<Transport> allowed, boolean secure) {
    return dns.naptr(domain).recover(e -> Future.succeededFuture(List.of())).compose(records -> {
      List<NaptrRecord> usable = new ArrayList<>();
      for (NaptrRecord r : records) {
        Transport t = sipService(r.services());
        if (t != null && allowed.contains(t) && (!secure || t == Transport.TLS) && r.hasFlag('s') && !r.replacement().isEmpty()) usable.add(r);
      }
      usable.sort(Comparator.comparingInt(NaptrRecord::order).thenComparingInt(NaptrRecord::preference));
      List<Future<List<Target>>> lookups = new ArrayList<>();
      for (NaptrRecord r : usable) lookups.add(srvTargets(r.replacement(), sipService(r.services()), domain));
      return concat(lookups);
    });
  }

  /** The transport of a NAPTR service field (RFC 3263 §4.1), or null for one sipgw does not use. */
  static Transport sipService(String services) {
    return switch (services) {
      case "sip+d2u" -> Transport.UDP;
      case "sip+d2t" -> Transport.TCP;
      case "sips+d2t" -> Transport.TLS;
      default -> null;
    };
  }

  /** The first transport in {@code order} from {@code i} on whose SRV records yield targets. */
  private Future<List<Target>> srv(String domain, List<Transport> order, int i) {
    if (i >= order.size()) return Future.succeededFuture(List.of());
    Transport t = order.get(i);
    String name = (t == Transport.TLS ? "_sips._tcp." : t == Transport.TCP ? "_sip._tcp." : "_sip._udp.") + domain;
    return srvTargets(name, t, domain).compose(out -> out.isEmpty() ? srv(domain, order, i + 1) : Future.succeededFuture(out));
  }

  /** The addresses of the SRV records of {@code name} in RFC 2782 order; empty when there are none or the query failed. */
  private Future<List<Target>> srvTargets(String name, Transport t, String domain) {
    return dns.srv(name).recover(e -> Future.succeededFuture(List.of())).compose(records -> {
      List<Future<List<Target>>> lookups = new ArrayList<>();
      for (SrvRecord r : order(records, ThreadLocalRandom.current())) {
        // RFC 2782: a target of "." means the service is decidedly not available at this domain.
        if (r.target().isEmpty()) continue;
        lookups.add(address(r.target(), t, r.port(), domain).recover(e -> Future.succeededFuture(List.of())));
      }
      return concat(lookups);
    });
  }

  /** The results of {@code lookups} one after the other, each target once. */
  private static Future<List<Target>> concat(List<Future<List<Target>>> lookups) {
    return Future.all(lookups).map(all -> {
      Set<Target> out = new LinkedHashSet<>();
      for (int k = 0; k < lookups.size(); k++) out.addAll(all.<List<Target>>resultAt(k));
      return List.copyOf(out);
    });
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
   * The A and AAAA records of {@code host} (IPv4 first), or the system resolver's answer (the hosts
   * file) on a worker thread when the DNS servers have none. A TLS target keeps {@code domain}, the
   * name its certificate is checked against.
   */
  private Future<List<Target>> address(String host, Transport t, int port, String domain) {
    String serverName = t == Transport.TLS ? domain : null;
    Function<List<String>, List<Target>> targets = ips -> ips.stream().map(ip -> new Target(t, ip, port, serverName)).toList();
    if (Hosts.isIpv4(host) || Hosts.isIpv6(host) || Hosts.isIpv6Reference(host)) {
      return Future.succeededFuture(targets.apply(List.of(Hosts.bare(host))));
    }
    Future<List<String>> v4 = dns.a(host).recover(e -> Future.succeededFuture(List.of()));
    Future<List<String>> v6 = dns.aaaa(host).recover(e -> Future.succeededFuture(List.of()));
    return Future.all(v4, v6).compose(both -> {
      List<String> ips = new ArrayList<>(v4.result());
      ips.addAll(v6.result());
      if (!ips.isEmpty()) return Future.succeededFuture(targets.apply(ips));
      return vertx.executeBlocking(() -> {
        List<String> system = new ArrayList<>();
        for (InetAddress a : InetAddress.getAllByName(Hosts.bare(host))) system.add(a.getHostAddress());
        return system;
      }, false).map(targets);
    });
  }

  private static int port(SipUri uri, Transport t) { return uri.port() > 0 ? uri.port() : defaultPort(t); }

  /** RFC 3261 §19.1.2: 5061 for TLS, 5060 otherwise. */
  private static int defaultPort(Transport t) { return t == Transport.TLS ? 5061 : 5060; }
}
