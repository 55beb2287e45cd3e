package io.sipgw.config;

import io.vertx.core.json.JsonObject;
import java.util.List;

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
 * @param defaultPolicy what a watcher gets that no rule of the user's pres-rules (RFC 5025, put over
 *     XCAP) speaks of, and every watcher of a user without pres-rules: {@code allow} (active),
 *     {@code confirm} (pending: NOTIFYs with no state), {@code polite-block} (active, told the user is
 *     closed, RFC 5025 §3.2.1) or {@code block} (403; RFC 5025's own reading of "no rule matches")
 * @param xcap whether the XCAP server (RFC 4825: pres-rules, resource-lists, rls-services) answers
 *     under {@code /xcap-root/} on the HTTP (WS/WSS) listeners
 */
public record PresenceConfig(boolean enabled, int minExpires, int maxExpires, int defaultExpires, boolean dialogInfo,
    String defaultPolicy, boolean xcap) {
  public static final List<String> POLICIES = List.of("allow", "confirm", "polite-block", "block");
  public static final int DEFAULT_MIN_EXPIRES = 60;
  public static final int DEFAULT_MAX_EXPIRES = 3600;
  public static final int DEFAULT_EXPIRES = 3600;

  public static PresenceConfig defaults() { return new PresenceConfig(true, DEFAULT_MIN_EXPIRES, DEFAULT_MAX_EXPIRES, DEFAULT_EXPIRES, false, "allow", true); }

  static PresenceConfig read(ConfigObject o) {
    boolean enabled = o.bool("enabled", true);
    int min = o.integer("minExpires", DEFAULT_MIN_EXPIRES, 1, 86_400);
    int max = o.integer("maxExpires", DEFAULT_MAX_EXPIRES, 1, 7 * 86_400);
    int def = o.integer("defaultExpires", DEFAULT_EXPIRES, 1, 7 * 86_400);
    if (max < min) throw new ConfigException(o.key("maxExpires"), "must not be below presence.minExpires (" + min + ")");
    if (def < min || def > max) throw new ConfigException(o.key("defaultExpires"), "must be between presence.minExpires and presence.maxExpires");
    boolean dialogInfo = o.bool("dialogInfo", false);
    String policy = o.string("defaultPolicy", "allow");
    if (!POLICIES.contains(policy)) throw new ConfigException(o.key("defaultPolicy"), "must be one of " + POLICIES + ", got \"" + policy + "\"");
    boolean xcap = o.bool("xcap", true);
    o.rejectUnknownKeys();
    return new PresenceConfig(enabled, min, max, def, dialogInfo, policy, xcap);
  }

  JsonObject toJson() {
    return new JsonObject().put("enabled", enabled).put("minExpires", minExpires).put("maxExpires", maxExpires)
        .put("defaultExpires", defaultExpires).put("dialogInfo", dialogInfo)
        .put("defaultPolicy", defaultPolicy).put("xcap", xcap);
  }
}
