package io.sipgw.proxy;

import io.sipgw.config.DomainConfig;
import io.sipgw.config.DomainMode;
import io.sipgw.sip.Hosts;
import io.sipgw.sip.SipUri;
import io.sipgw.transport.Transports;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The domains this server is responsible for, with their aliases and mode, plus its own listening
 * addresses (Kamailio's "myself"). Immutable; a reload swaps in a new one.
 */
public final class LocalDomains {
  private final Map<String, DomainConfig> byName = new HashMap<>();
  private final Transports transports;

  public LocalDomains(List<DomainConfig> domains, Transports transports) {
    this.transports = transports;
    for (DomainConfig d : domains) {
      byName.put(key(d.name()), d);
      for (String a : d.aliases()) byName.putIfAbsent(key(a), d);
    }
  }

  private static String key(String host) { return Hosts.canonicalIp(host).toLowerCase(Locale.ROOT); }

  /** Whether requests for {@code host} are this server's to serve (a domain, an alias or its own address). */
  public boolean isLocal(String host) {
    return host != null && (byName.containsKey(key(host)) || transports.isLocalHost(host));
  }

  /**
   * Whether a Request-URI is for this server: its host is a local domain or one of our addresses,
   * and an explicit port, if any, is one we listen on for an IP host (a phone's Contact on this
   * machine, {@code sip:bob@127.0.0.1:5070}, is not ours).
   */
  public boolean isLocal(SipUri uri) {
    if (!isLocal(uri.host())) return false;
    if (uri.port() <= 0) return true;
    String h = Hosts.bare(uri.host());
    boolean ip = Hosts.isIpv4(h) || Hosts.isIpv6(h);
    return !ip || transports.isLocal(uri.host(), uri.port());
  }

  /** The configured domain for a host, or null if it is only one of the server's addresses. */
  public DomainConfig domain(String host) { return host == null ? null : byName.get(key(host)); }

  /** The domain name an AOR is stored under: aliases map to their domain. */
  public String canonical(String host) {
    DomainConfig d = domain(host);
    return d != null ? d.name().toLowerCase(Locale.ROOT) : key(host);
  }

  public DomainMode mode(String host) {
    DomainConfig d = domain(host);
    return d == null ? DomainMode.PROXY : d.mode();
  }
}
