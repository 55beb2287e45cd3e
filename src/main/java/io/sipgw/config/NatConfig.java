package io.sipgw.config;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * Keep-alives to UDP clients behind NAT, as Kamailio's nathelper pings them ({@code natping_interval},
 * {@code sipping_method}, {@code keepalive_timeout}): every {@code interval} seconds each such binding
 * gets an OPTIONS request or a bare CRLF CRLF datagram from the listener it registered on, so its NAT
 * pinhole stays open. With OPTIONS, a binding that left {@code maxMissed} pings in a row unanswered
 * is removed (0: never).
 */
public record NatConfig(Keepalive keepalive, int interval, int maxMissed) {
  /** What is sent to keep a pinhole open. */
  public enum Keepalive {
    /** Nothing. */
    NONE,
    /** An out-of-dialog OPTIONS request; any response counts as an answer. */
    OPTIONS,
    /** The 4 bytes CRLF CRLF (RFC 5626 §4.4.1's ping, sent as a datagram); no answer is expected. */
    CRLF;

    String text() { return name().toLowerCase(Locale.ROOT); }
  }

  public static final Keepalive DEFAULT_KEEPALIVE = Keepalive.OPTIONS;
  /** Seconds; Kamailio's shipped configuration pings every 30 s, below the usual 30-60 s UDP NAT timeouts. */
  public static final int DEFAULT_INTERVAL = 30;
  public static final int DEFAULT_MAX_MISSED = 3;

  public static NatConfig defaults() { return new NatConfig(DEFAULT_KEEPALIVE, DEFAULT_INTERVAL, DEFAULT_MAX_MISSED); }

  static NatConfig read(ConfigObject o) {
    String k = o.string("keepalive", DEFAULT_KEEPALIVE.text());
    Keepalive keepalive = null;
    for (Keepalive x : Keepalive.values()) if (x.text().equals(k)) keepalive = x;
    if (keepalive == null) {
      throw new ConfigException(o.key("keepalive"), "must be \"options\", \"crlf\" or \"none\", got \"" + k + "\"");
    }
    int interval = o.integer("interval", DEFAULT_INTERVAL, 1, 3600);
    int maxMissed = o.integer("maxMissed", DEFAULT_MAX_MISSED, 0, 1000);
    o.rejectUnknownKeys();
    return new NatConfig(keepalive, interval, maxMissed);
  }

  JsonObject toJson() {
    return new JsonObject().put("keepalive", keepalive.text()).put("interval", interval).put("maxMissed", maxMissed);
  }
}
