package io.sipgw.config;

import io.vertx.core.json.JsonObject;

/**
 * Page-mode instant messages (RFC 3428) kept for users who are offline, as Kamailio's msilo keeps
 * them: a MESSAGE to a user of a local domain with no binding is stored and answered 202, and
 * delivered when the user next registers.
 *
 * @param offline whether MESSAGEs for offline users are stored (else they get 480 / 404 as any request)
 * @param maxPerUser the most messages stored for one user; past it a MESSAGE gets 486
 * @param maxTotal the most messages stored in all; past it a MESSAGE gets 503 with Retry-After
 * @param expiry seconds a stored message is kept before it is dropped undelivered
 * @param noticeDelivered whether the sender is sent a MESSAGE when a stored message is delivered
 * @param noticeExpired whether the sender is sent a MESSAGE when a stored message expires undelivered
 */
public record ImConfig(boolean offline, int maxPerUser, int maxTotal, int expiry, boolean noticeDelivered, boolean noticeExpired) {
  public static final int DEFAULT_MAX_PER_USER = 100;
  public static final int DEFAULT_MAX_TOTAL = 100_000;
  /** A week, as msilo's default expiry of stored messages. */
  public static final int DEFAULT_EXPIRY = 7 * 86_400;

  public static ImConfig defaults() { return new ImConfig(true, DEFAULT_MAX_PER_USER, DEFAULT_MAX_TOTAL, DEFAULT_EXPIRY, false, false); }

  static ImConfig read(ConfigObject o) {
    boolean offline = o.bool("offline", true);
    int maxPerUser = o.integer("maxPerUser", DEFAULT_MAX_PER_USER, 1, 100_000);
    int maxTotal = o.integer("maxTotal", DEFAULT_MAX_TOTAL, 1, 100_000_000);
    int expiry = o.integer("expiry", DEFAULT_EXPIRY, 10, 365 * 86_400);
    boolean noticeDelivered = o.bool("noticeDelivered", false);
    boolean noticeExpired = o.bool("noticeExpired", false);
    o.rejectUnknownKeys();
    return new ImConfig(offline, maxPerUser, maxTotal, expiry, noticeDelivered, noticeExpired);
  }

  JsonObject toJson() {
    return new JsonObject().put("offline", offline).put("maxPerUser", maxPerUser).put("maxTotal", maxTotal).put("expiry", expiry)
        .put("noticeDelivered", noticeDelivered).put("noticeExpired", noticeExpired);
  }
}
