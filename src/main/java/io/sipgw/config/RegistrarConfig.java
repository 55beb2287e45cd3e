package io.sipgw.config;

import io.vertx.core.json.JsonObject;

/**
 * Registration intervals in seconds (RFC 3261 §10.3): a shorter requested interval than
 * {@code minExpires} gets 423, a longer one is cut to {@code maxExpires}, none given means
 * {@code defaultExpires} (when not configured: 3600, or {@code maxExpires} if lower).
 * {@code maxContacts} bounds the bindings of one address-of-record.
 */
public record RegistrarConfig(int minExpires, int maxExpires, int defaultExpires, int maxContacts) {
  public static final int DEFAULT_MIN_EXPIRES = 60;
  public static final int DEFAULT_MAX_EXPIRES = 3600;
  public static final int DEFAULT_DEFAULT_EXPIRES = 3600;
  public static final int DEFAULT_MAX_CONTACTS = 10;
  /** The largest delta-seconds RFC 3261 §25.1 guarantees to fit (2^31 - 1). */
  static final int MAX_SECONDS = Integer.MAX_VALUE;

  static RegistrarConfig read(ConfigObject o) {
    int min = o.integer("minExpires", DEFAULT_MIN_EXPIRES, 1, MAX_SECONDS);
    int max = o.integer("maxExpires", DEFAULT_MAX_EXPIRES, 1, MAX_SECONDS);
    if (max < min) {
      throw new ConfigException(o.key("maxExpires"), "must be >= " + o.key("minExpires") + " (" + min + "), got " + max);
    }
    // absent: 3600, or maxExpires when that is lower, so that setting maxExpires alone is enough
    int def = o.integer("defaultExpires", Math.max(min, Math.min(DEFAULT_DEFAULT_EXPIRES, max)), 1, MAX_SECONDS);
    if (def < min || def > max) {
      throw new ConfigException(o.key("defaultExpires"), "must be between " + o.key("minExpires") + " (" + min + ") and "
          + o.key("maxExpires") + " (" + max + "), got " + def);
    }
    int contacts = o.integer("maxContacts", DEFAULT_MAX_CONTACTS, 1, 10_000);
    o.rejectUnknownKeys();
    return new RegistrarConfig(min, max, def, contacts);
  }

  JsonObject toJson() {
    return new JsonObject().put("minExpires", minExpires).put("maxExpires", maxExpires)
        .put("defaultExpires", defaultExpires).put("maxContacts", maxContacts);
  }
}
