package io.sipgw.config;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * The admin listener ({@code admin}): JSON-RPC, metrics, health and the web console over HTTP, apart
 * from the SIP and WebSocket listeners, on loopback by default.
 *
 * @param enabled whether the admin listener runs
 * @param host the address it binds (default 127.0.0.1)
 * @param port its port (default 8090; 0: a free port)
 * @param token the bearer token; null: the one in {@code tokenFile}, made at first start
 * @param tokenFile where the token is kept when {@code token} is not given (written owner-only)
 * @param tls HTTPS with client certificates; null: plain HTTP
 */
public record AdminConfig(boolean enabled, String host, int port, String token, String tokenFile, Tls tls) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8090;
  public static final String DEFAULT_TOKEN_FILE = "sipgw-admin.token";
  /** The shortest token accepted in {@code admin.token}: a guessable one would defeat the purpose. */
  static final int MIN_TOKEN_LENGTH = 16;

  /**
   * HTTPS on the admin listener: its certificate and key (PEM), and the CA whose client certificates
   * it requires (null: no client certificate asked).
   */
  public record Tls(String certificate, String key, String clientCa) {
    JsonObject toJson() { return new JsonObject().put("certificate", certificate).put("key", key).put("clientCa", clientCa); }
  }

  static AdminConfig read(ConfigObject o) {
    boolean enabled = o.bool("enabled", true);
    String host = o.string("host", DEFAULT_HOST);
    int port = o.integer("port", DEFAULT_PORT, 0, 65535);
    String token = o.string("token", null);
    if (token != null && token.length() < MIN_TOKEN_LENGTH) {
      throw new ConfigException(o.key("token"), "must be at least " + MIN_TOKEN_LENGTH + " characters (leave it out to have one generated)");
    }
    if (token != null && !token.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new ConfigException(o.key("token"), "must be printable ASCII without spaces");
    }
    String tokenFile = o.string("tokenFile", DEFAULT_TOKEN_FILE);
    ConfigObject t = ConfigObject.at(o, "tls");
    String certificate = t.string("certificate", null);
    String key = t.string("key", null);
    String clientCa = t.string("clientCa", null);
    t.rejectUnknownKeys();
    if ((certificate == null) != (key == null)) {
      throw new ConfigException(t.key(certificate == null ? "certificate" : "key"), "is required with " + t.key(certificate == null ? "key" : "certificate"));
    }
    if (clientCa != null && certificate == null) throw new ConfigException(t.key("certificate"), "is required (with key) by " + t.key("clientCa"));
    o.rejectUnknownKeys();
    return new AdminConfig(enabled, host, port, token, tokenFile, certificate == null ? null : new Tls(certificate, key, clientCa));
  }

  /** The keys that differ in {@code newer} and need a restart: the listener's (everything but the token). */
  void restartNeeded(AdminConfig newer, java.util.List<String> keys) {
    if (enabled != newer.enabled) keys.add("admin.enabled");
    if (!host.equals(newer.host)) keys.add("admin.host");
    if (port != newer.port) keys.add("admin.port");
    if (!Objects.equals(tls, newer.tls)) keys.add("admin.tls");
  }

  JsonObject toJson() {
    JsonObject j = new JsonObject().put("enabled", enabled).put("host", host).put("port", port).put("tokenFile", tokenFile);
    if (token != null) j.put("token", token);
    if (tls != null) j.put("tls", tls.toJson());
    return j;
  }

  @Override
  public String toString() {
    return "AdminConfig[enabled=" + enabled + ", " + host + ":" + port + ", token " + (token != null ? "given" : "in " + tokenFile)
        + (tls != null ? ", https" : "") + "]";
  }
}
