package io.sipgw.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The MSRP relay (RFC 4975/4976): its listeners are {@code listen} entries with
 * {@code "transport": "msrp"} (TCP) or {@code "msrps"} (TLS), default port 2855, and the WS/WSS
 * listeners (subprotocol {@code msrp}, RFC 7977).
 *
 * @param realm the digest realm of AUTH challenges (the users' domain; null: the first of {@code domains})
 * @param expires the longest life of a session URI an AUTH gets, seconds (a client may ask less, not under 60)
 * @param maxSessionsPerUser past it an AUTH gets 403
 * @param idleTimeout a connection with no session, no transaction and no traffic for this long is closed, seconds
 * @param peers addresses (IPs or CIDR blocks) of other relays — the other nodes of a cluster — whose
 *     connections may send to this relay's sessions without an AUTH of their own (RFC 4976 §7.1: two
 *     relays on a path); every other connection must AUTH before it sends anything
 */
public record MsrpConfig(String realm, int expires, int maxSessionsPerUser, int idleTimeout, List<Cidr> peers) {
  public MsrpConfig {
    peers = List.copyOf(peers);
  }

  public static MsrpConfig defaults() { return new MsrpConfig(null, 1800, 100, 300, List.of()); }

  /** Whether {@code ip} is another relay's. */
  public boolean peer(String ip) {
    for (Cidr c : peers) if (c.contains(ip)) return true;
    return false;
  }

  static MsrpConfig read(ConfigObject o, String firstDomain) {
    String realm = o.string("realm", firstDomain);
    int expires = o.integer("expires", 1800, 60, 86_400);
    int max = o.integer("maxSessionsPerUser", 100, 1, 100_000);
    int idle = o.integer("idleTimeout", 300, 5, 86_400);
    List<Cidr> peers = o.cidrs("peers", List.of());
    o.rejectUnknownKeys();
    return new MsrpConfig(realm, expires, max, idle, peers);
  }

  JsonObject toJson() {
    JsonObject j = new JsonObject().put("expires", expires).put("maxSessionsPerUser", maxSessionsPerUser).put("idleTimeout", idleTimeout);
    if (realm != null) j.put("realm", realm);
    JsonArray p = new JsonArray();
    peers.forEach(c -> p.add(c.text()));
    j.put("peers", p);
    return j;
  }
}
