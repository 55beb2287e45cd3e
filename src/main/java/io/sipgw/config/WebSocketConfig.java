package io.sipgw.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP side of the WS and WSS listeners (RFC 7118): the directory served as web pages
 * ({@code webroot}, read at start), the {@code Origin}s a browser's WebSocket handshake may come
 * from ({@code allowedOrigins}; empty allows any, reloadable), and how often an open WebSocket is
 * pinged ({@code keepaliveInterval} seconds, 0 = never, reloadable): one that has sent nothing, not
 * even a pong, for three intervals is closed, and its bindings go with it. A handshake without an
 * Origin header (a SIP phone, not a browser page) is not an origin check's business and is let through.
 */
public record WebSocketConfig(String webroot, List<String> allowedOrigins, int keepaliveInterval) {
  public static final String DEFAULT_WEBROOT = "webroot";
  public static final int DEFAULT_KEEPALIVE_INTERVAL = 30;
  /** Intervals of silence after which a WebSocket counts as dead. */
  public static final int MISSED_KEEPALIVES = 3;

  public WebSocketConfig {
    allowedOrigins = List.copyOf(allowedOrigins);
  }

  /** Whether a handshake carrying {@code origin} (null: none) may open a WebSocket. */
  public boolean allows(String origin) {
    if (origin == null || allowedOrigins.isEmpty()) return true;
    String o = stripSlash(origin.trim().toLowerCase(Locale.ROOT));
    for (String a : allowedOrigins) if (a.equals(o)) return true;
    return false;
  }

  static WebSocketConfig read(ConfigObject o) {
    String webroot = o.string("webroot", DEFAULT_WEBROOT);
    List<String> origins = new ArrayList<>();
    JsonArray a = o.array("allowedOrigins");
    if (a != null) {
      for (int i = 0; i < a.size(); i++) {
        String key = o.key("allowedOrigins") + "[" + i + "]";
        Object v = a.getValue(i);
        if (!(v instanceof String s) || s.isBlank()) throw new ConfigException(key, "must be an origin such as \"https://phone.example.com\", got " + ConfigObject.describe(v));
        String origin = stripSlash(s.trim().toLowerCase(Locale.ROOT));
        int scheme = origin.indexOf("://");
        if (scheme <= 0 || scheme + 3 == origin.length() || origin.indexOf('/', scheme + 3) >= 0) {
          throw new ConfigException(key, "must be scheme://host[:port] with no path, got \"" + s + "\"");
        }
        origins.add(origin);
      }
    }
    int keepalive = o.integer("keepaliveInterval", DEFAULT_KEEPALIVE_INTERVAL, 0, 3600);
    o.rejectUnknownKeys();
    return new WebSocketConfig(webroot, origins, keepalive);
  }

  private static String stripSlash(String s) { return s.endsWith("/") ? s.substring(0, s.length() - 1) : s; }

  JsonObject toJson() {
    return new JsonObject().put("webroot", webroot).put("allowedOrigins", new JsonArray(new ArrayList<>(allowedOrigins)))
        .put("keepaliveInterval", keepaliveInterval);
  }
}
