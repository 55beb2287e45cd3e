package io.sipgw.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Flood and password-guessing protection, as Kamailio's pike and an htable of banned addresses: a
 * source address that sends more than {@code maxRequests} messages within {@code interval} seconds,
 * or fails authentication {@code authFailures} times within {@code authWindow} seconds, is banned for
 * {@code banTime} seconds: what it sends is dropped before it is parsed, and it gets no answer.
 *
 * @param maxRequests 0: no flood limit
 * @param authFailures 0: failed authentications never ban
 * @param exempt addresses or CIDR blocks never banned (loopback by default, where the benchmarks run)
 * @param dropScanners whether a request whose User-Agent names a scanner is dropped and its source
 *     banned (off by default)
 * @param scanners User-Agent fragments (case-insensitive) that name a scanner
 * @param maxConnections the most TCP, TLS and WebSocket connections one source address may hold open
 *     at once; past it a new one is closed at once (exempt addresses excepted)
 * @param maxTransactions the most server transactions one source address may have open at once (0: no
 *     limit); past it a new request is answered 503 with Retry-After (exempt addresses excepted)
 */
public record BanConfig(int maxRequests, int interval, int authFailures, int authWindow, int banTime, List<Cidr> exempt,
    boolean dropScanners, List<String> scanners, int maxConnections, int maxTransactions) {
  public static final int DEFAULT_MAX_REQUESTS = 1000;
  public static final int DEFAULT_INTERVAL = 1;
  public static final int DEFAULT_AUTH_FAILURES = 10;
  public static final int DEFAULT_AUTH_WINDOW = 60;
  public static final int DEFAULT_BAN_TIME = 300;
  public static final int DEFAULT_MAX_CONNECTIONS = 100;
  public static final int DEFAULT_MAX_TRANSACTIONS = 1000;
  public static final List<String> DEFAULT_EXEMPT = List.of("127.0.0.0/8", "::1");
  /** What SIPVicious, sipcli, VaxSIP, SIPScan, iWar and their kin put in User-Agent. */
  public static final List<String> DEFAULT_SCANNERS = List.of("friendly-scanner", "sipvicious", "sipcli", "VaxSIPUserAgent",
      "sip-scan", "sipscan", "iWar", "sundayddr", "SIVuS", "smap");

  public BanConfig {
    exempt = List.copyOf(exempt);
    scanners = scanners.stream().map(x -> x.toLowerCase(java.util.Locale.ROOT)).toList();
  }

  /** With the defaults' scanner settings (off). */
  public BanConfig(int maxRequests, int interval, int authFailures, int authWindow, int banTime, List<Cidr> exempt) {
    this(maxRequests, interval, authFailures, authWindow, banTime, exempt, false, DEFAULT_SCANNERS, DEFAULT_MAX_CONNECTIONS,
        DEFAULT_MAX_TRANSACTIONS);
  }

  /** The settings of a config without a {@code bans} object. */
  public static final BanConfig DEFAULTS = new BanConfig(DEFAULT_MAX_REQUESTS, DEFAULT_INTERVAL, DEFAULT_AUTH_FAILURES,
      DEFAULT_AUTH_WINDOW, DEFAULT_BAN_TIME, DEFAULT_EXEMPT.stream().map(Cidr::parse).toList());

  public static BanConfig defaults() { return DEFAULTS; }

  /** The connections {@code ip} may hold open at once: {@code maxConnections}, unlimited for an exempt address. */
  public int connectionsAllowed(String ip) { return exempts(ip) ? Integer.MAX_VALUE : maxConnections; }

  /** Whether {@code userAgent} names a scanner (null: no). */
  public boolean isScanner(String userAgent) {
    if (userAgent == null) return false;
    String ua = userAgent.toLowerCase(java.util.Locale.ROOT);
    for (String s : scanners) if (ua.contains(s)) return true;
    return false;
  }

  static BanConfig read(ConfigObject o) {
    int maxRequests = o.integer("maxRequests", DEFAULT_MAX_REQUESTS, 0, 10_000_000);
    int interval = o.integer("interval", DEFAULT_INTERVAL, 1, 3600);
    int authFailures = o.integer("authFailures", DEFAULT_AUTH_FAILURES, 0, 1_000_000);
    int authWindow = o.integer("authWindow", DEFAULT_AUTH_WINDOW, 1, 86_400);
    int banTime = o.integer("banTime", DEFAULT_BAN_TIME, 1, 30 * 86_400);
    List<Cidr> exempt = o.cidrs("exempt", DEFAULT_EXEMPT);
    boolean dropScanners = o.bool("dropScanners", false);
    List<String> scanners = o.strings("scanners", DEFAULT_SCANNERS);
    int maxConnections = o.integer("maxConnections", DEFAULT_MAX_CONNECTIONS, 1, 10_000_000);
    int maxTransactions = o.integer("maxTransactions", DEFAULT_MAX_TRANSACTIONS, 0, 10_000_000);
    for (int i = 0; i < scanners.size(); i++) {
      if (scanners.get(i).isBlank()) throw new ConfigException(o.key("scanners") + "[" + i + "]", "must not be empty");
    }
    o.rejectUnknownKeys();
    return new BanConfig(maxRequests, interval, authFailures, authWindow, banTime, exempt, dropScanners, scanners, maxConnections,
        maxTransactions);
  }

  /** Whether {@code ip} is never banned. */
  public boolean exempts(String ip) {
    for (Cidr c : exempt) if (c.contains(ip)) return true;
    return false;
  }

  JsonObject toJson() {
    JsonArray e = new JsonArray();
    exempt.forEach(c -> e.add(c.toString()));
    return new JsonObject().put("maxRequests", maxRequests).put("interval", interval).put("authFailures", authFailures)
        .put("authWindow", authWindow).put("banTime", banTime).put("exempt", e).put("dropScanners", dropScanners)
        .put("scanners", new JsonArray(new java.util.ArrayList<>(scanners))).put("maxConnections", maxConnections)
        .put("maxTransactions", maxTransactions);
  }
}
