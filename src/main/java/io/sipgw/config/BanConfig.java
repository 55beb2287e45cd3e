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
 */
public record BanConfig(int maxRequests, int interval, int authFailures, int authWindow, int banTime, List<Cidr> exempt) {
  public static final int DEFAULT_MAX_REQUESTS = 1000;
  public static final int DEFAULT_INTERVAL = 1;
  public static final int DEFAULT_AUTH_FAILURES = 10;
  public static final int DEFAULT_AUTH_WINDOW = 60;
  public static final int DEFAULT_BAN_TIME = 300;
  public static final List<String> DEFAULT_EXEMPT = List.of("127.0.0.0/8", "::1");

  public BanConfig {
    exempt = List.copyOf(exempt);
  }

  public static BanConfig defaults() {
    return new BanConfig(DEFAULT_MAX_REQUESTS, DEFAULT_INTERVAL, DEFAULT_AUTH_FAILURES, DEFAULT_AUTH_WINDOW, DEFAULT_BAN_TIME,
        DEFAULT_EXEMPT.stream().map(Cidr::parse).toList());
  }

  static BanConfig read(ConfigObject o) {
    int maxRequests = o.integer("maxRequests", DEFAULT_MAX_REQUESTS, 0, 10_000_000);
    int interval = o.integer("interval", DEFAULT_INTERVAL, 1, 3600);
    int authFailures = o.integer("authFailures", DEFAULT_AUTH_FAILURES, 0, 1_000_000);
    int authWindow = o.integer("authWindow", DEFAULT_AUTH_WINDOW, 1, 86_400);
    int banTime = o.integer("banTime", DEFAULT_BAN_TIME, 1, 30 * 86_400);
    List<Cidr> exempt = o.cidrs("exempt", DEFAULT_EXEMPT);
    o.rejectUnknownKeys();
    return new BanConfig(maxRequests, interval, authFailures, authWindow, banTime, exempt);
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
        .put("authWindow", authWindow).put("banTime", banTime).put("exempt", e);
  }
}
