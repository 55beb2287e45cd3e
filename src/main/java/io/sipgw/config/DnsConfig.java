package io.sipgw.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * DNS for RFC 3263 server location and ENUM ({@code dns}).
 *
 * @param servers the DNS servers asked, in order (the next one when one times out or fails); empty: the system's
 *     (/etc/resolv.conf)
 * @param timeout milliseconds to wait for one server's answer
 * @param negativeTtl the longest time, in seconds, a "no such name" or "no such record" answer is remembered (RFC 2308:
 *     the SOA minimum when the answer carries one and it is shorter)
 * @param maxCacheEntries the most answers remembered; the least recently used go first
 * @param enumSuffix the ENUM domain (RFC 6116), {@code e164.arpa} unless an operator runs a private tree
 */
public record DnsConfig(List<Server> servers, int timeout, int negativeTtl, int maxCacheEntries, String enumSuffix) {
  public static final int DEFAULT_TIMEOUT = 2000;
  public static final int DEFAULT_NEGATIVE_TTL = 30;
  public static final int DEFAULT_MAX_CACHE_ENTRIES = 10_000;
  public static final String DEFAULT_ENUM_SUFFIX = "e164.arpa";
  public static final int DEFAULT_PORT = 53;

  /** One DNS server: an IP literal (IPv6 without brackets; a name would need DNS to find DNS) and a port. */
  public record Server(String host, int port) {
    /** The socket address, made without any lookup (the host is a literal). */
    public InetSocketAddress socketAddress() {
      try {
        return new InetSocketAddress(InetAddress.getByName(host), port);
      } catch (UnknownHostException e) {
        throw new IllegalStateException("not an IP literal: " + host, e);
      }
    }

    @Override
    public String toString() { return HostAndPort.uriHost(host) + ":" + port; }
  }

  public DnsConfig {
    servers = List.copyOf(servers);
  }

  public static DnsConfig defaults() {
    return new DnsConfig(List.of(), DEFAULT_TIMEOUT, DEFAULT_NEGATIVE_TTL, DEFAULT_MAX_CACHE_ENTRIES, DEFAULT_ENUM_SUFFIX);
  }

  /** The defaults with {@code servers} (each "host:port"; 53 when no port is given). */
  public static DnsConfig ofServers(String... servers) {
    JsonArray a = new JsonArray();
    for (String s : servers) a.add(s);
    return fromJson(new JsonObject().put("servers", a));
  }

  /** The {@code dns} section {@code json}, validated as the config file's (keys named "dns.…"). */
  public static DnsConfig fromJson(JsonObject json) { return read(new ConfigObject("dns", json)); }

  static DnsConfig read(ConfigObject o) {
    List<Server> servers = new ArrayList<>();
    JsonArray a = o.array("servers");
    for (int i = 0; a != null && i < a.size(); i++) {
      String key = o.key("servers") + "[" + i + "]";
      HostAndPort hp = HostAndPort.read(key, a.getValue(i), "an \"ip:port\" string");
      String s = a.getString(i);
      if (!HostAndPort.isIpv4(hp.host()) && !HostAndPort.isIpv6(hp.host())) {
        throw new ConfigException(key, "must be an IP address, not a name, got \"" + s + "\"");
      }
      Server server = new Server(hp.host(), hp.port() == HostAndPort.NO_PORT ? DEFAULT_PORT : hp.port());
      if (servers.contains(server)) throw new ConfigException(key, "\"" + s + "\" is listed twice");
      servers.add(server);
    }
    int timeout = o.integer("timeout", DEFAULT_TIMEOUT, 10, 60_000);
    int negativeTtl = o.integer("negativeTtl", DEFAULT_NEGATIVE_TTL, 0, 86_400);
    int maxCacheEntries = o.integer("maxCacheEntries", DEFAULT_MAX_CACHE_ENTRIES, 0, 10_000_000);
    String suffix = o.string("enumSuffix", DEFAULT_ENUM_SUFFIX).toLowerCase(Locale.ROOT);
    if (suffix.endsWith(".")) suffix = suffix.substring(0, suffix.length() - 1);
    if (!HostAndPort.isHostname(suffix)) throw new ConfigException(o.key("enumSuffix"), "must be a domain name, got \"" + suffix + "\"");
    o.rejectUnknownKeys();
    return new DnsConfig(servers, timeout, negativeTtl, maxCacheEntries, suffix);
  }

  JsonObject toJson() {
    JsonArray a = new JsonArray();
    for (Server s : servers) a.add(s.toString());
    return new JsonObject().put("servers", a).put("timeout", timeout).put("negativeTtl", negativeTtl)
        .put("maxCacheEntries", maxCacheEntries).put("enumSuffix", enumSuffix);
  }
}
