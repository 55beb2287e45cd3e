package io.sipgw.config;

import io.vertx.core.json.JsonObject;

/**
 * The presence server (RFC 3856, 3903, 6665), as Kamailio's presence and presence_xml modules: it
 * takes PUBLISH and SUBSCRIBE for the {@code presence} event of the users of local domains.
 *
 * @param enabled whether it does (else PUBLISH and SUBSCRIBE are routed to the user's bindings as any request)
 * @param minExpires below it (and above 0) a PUBLISH or SUBSCRIBE gets 423 with Min-Expires
 * @param maxExpires a longer Expires is cut down to it
 * @param defaultExpires when the request has no Expires
 * @param dialogInfo whether the proxy reports the INVITE dialogs of local users to subscribers of
 *     their {@code dialog} event (RFC 4235, busy lamps, as pua_dialoginfo); off by default, as it
 *     costs every call of a local user a hand-over to the presence server
 */
public record PresenceConfig(boolean enabled, int minExpires, int maxExpires, int defaultExpires, boolean dialogInfo) {
  public static final int DEFAULT_MIN_EXPIRES = 60;
  public static final int DEFAULT_MAX_EXPIRES = 3600;
  public static final int DEFAULT_EXPIRES = 3600;

  public static PresenceConfig defaults() { return new PresenceConfig(true, DEFAULT_MIN_EXPIRES, DEFAULT_MAX_EXPIRES, DEFAULT_EXPIRES, false); }

  static PresenceConfig read(ConfigObject o) {
    boolean enabled = o.bool("enabled", true);
    int min = o.integer("minExpires", DEFAULT_MIN_EXPIRES, 1, 86_400);
    int max = o.integer("maxExpires", DEFAULT_MAX_EXPIRES, 1, 7 * 86_400);
    int def = o.integer("defaultExpires", DEFAULT_EXPIRES, 1, 7 * 86_400);
    if (max < min) throw new ConfigException(o.key("maxExpires"), "must not be below presence.minExpires (" + min + ")");
    if (def < min || def > max) throw new ConfigException(o.key("defaultExpires"), "must be between presence.minExpires and presence.maxExpires");
    boolean dialogInfo = o.bool("dialogInfo", false);
    o.rejectUnknownKeys();
    return new PresenceConfig(enabled, min, max, def, dialogInfo);
  }

  JsonObject toJson() {
    return new JsonObject().put("enabled", enabled).put("minExpires", minExpires).put("maxExpires", maxExpires)
        .put("defaultExpires", defaultExpires).put("dialogInfo", dialogInfo);
  }
}
