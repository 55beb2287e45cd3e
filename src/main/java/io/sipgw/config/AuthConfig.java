package io.sipgw.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Digest authentication (RFC 3261 §22, RFC 2617, RFC 8760), as Kamailio's auth, auth_db and
 * permissions modules do it: REGISTER challenged with 401, the other requests of local users that
 * start something ({@code methods}) with 407, unless they come from a {@code trusted} address.
 *
 * @param enabled off by default, so the embedded default stays open on loopback
 * @param users the credentials file (JSON: user, domain, ha1, ha1b …), read again when it changes
 * @param algorithms offered, strongest first in each challenge: {@code MD5}, {@code SHA-256}, {@code SHA-512-256}
 * @param methods the methods challenged (ACK and CANCEL never are, RFC 3261 §22.1)
 * @param domains the local domains whose users authenticate; empty: every local domain
 * @param trusted IPv4/IPv6 addresses or CIDR blocks whose requests are not challenged (a PBX, a gateway)
 * @param secret the key nonces are signed with; the same on every node of a cluster. Null: one is
 *     made at start (with the Redis store, kept there so that every node uses it)
 * @param nonceLifetime seconds a nonce is accepted; after it the client is told {@code stale=true}
 */
public record AuthConfig(boolean enabled, String users, List<String> algorithms, List<String> methods, List<String> domains,
    List<Cidr> trusted, String secret, int nonceLifetime) {
  public static final String DEFAULT_USERS = "conf/users.json";
  public static final List<String> ALGORITHMS = List.of("SHA-512-256", "SHA-256", "MD5");
  public static final List<String> DEFAULT_METHODS = List.of("REGISTER", "INVITE", "MESSAGE", "SUBSCRIBE", "PUBLISH", "REFER", "OPTIONS");
  public static final int DEFAULT_NONCE_LIFETIME = 300;

  public AuthConfig {
    algorithms = List.copyOf(algorithms);
    methods = List.copyOf(methods);
    domains = List.copyOf(domains);
    trusted = List.copyOf(trusted);
  }

  public static AuthConfig defaults() {
    return new AuthConfig(false, DEFAULT_USERS, List.of("MD5"), DEFAULT_METHODS, List.of(), List.of(), null, DEFAULT_NONCE_LIFETIME);
  }

  static AuthConfig read(ConfigObject o) {
    boolean enabled = o.bool("enabled", false);
    String users = o.string("users", DEFAULT_USERS);
    if (users.isBlank()) throw new ConfigException(o.key("users"), "must name a file");
    List<String> algorithms = o.strings("algorithms", List.of("MD5"));
    if (algorithms.isEmpty()) throw new ConfigException(o.key("algorithms"), "needs at least one algorithm");
    List<String> ordered = new ArrayList<>();
    for (int i = 0; i < algorithms.size(); i++) {
      String a = algorithms.get(i).toUpperCase(Locale.ROOT);
      if (!ALGORITHMS.contains(a)) {
        throw new ConfigException(o.key("algorithms") + "[" + i + "]", "must be \"MD5\", \"SHA-256\" or \"SHA-512-256\", got \"" + algorithms.get(i) + "\"");
      }
    }
    // strongest first, whatever the order given (RFC 8760 §2.4: the client takes the first it supports)
    for (String a : ALGORITHMS) if (algorithms.stream().anyMatch(x -> x.equalsIgnoreCase(a))) ordered.add(a);
    List<String> methods = o.strings("methods", DEFAULT_METHODS);
    List<String> upper = new ArrayList<>();
    for (int i = 0; i < methods.size(); i++) {
      String m = methods.get(i);
      if (!m.matches("[A-Za-z]+")) throw new ConfigException(o.key("methods") + "[" + i + "]", "must be a SIP method name, got \"" + m + "\"");
      String u = m.toUpperCase(Locale.ROOT);
      if (Set.of("ACK", "CANCEL").contains(u)) {
        throw new ConfigException(o.key("methods") + "[" + i + "]", u + " is never challenged (RFC 3261 §22.1)");
      }
      upper.add(u);
    }
    List<String> domains = o.strings("domains", List.of());
    List<Cidr> trusted = o.cidrs("trusted", List.of());
    String secret = o.string("secret", null);
    if (secret != null && secret.length() < 16) throw new ConfigException(o.key("secret"), "must be at least 16 characters");
    int lifetime = o.integer("nonceLifetime", DEFAULT_NONCE_LIFETIME, 10, 86_400);
    o.rejectUnknownKeys();
    return new AuthConfig(enabled, users, ordered, upper, domains, trusted, secret, lifetime);
  }

  /** Whether requests from {@code ip} are trusted (not challenged). */
  public boolean trusts(String ip) {
    for (Cidr c : trusted) if (c.contains(ip)) return true;
    return false;
  }

  JsonObject toJson() {
    JsonArray t = new JsonArray();
    trusted.forEach(c -> t.add(c.toString()));
    JsonObject j = new JsonObject().put("enabled", enabled).put("users", users).put("algorithms", new JsonArray(new ArrayList<>(algorithms)))
        .put("methods", new JsonArray(new ArrayList<>(methods))).put("domains", new JsonArray(new ArrayList<>(domains)))
        .put("trusted", t).put("nonceLifetime", nonceLifetime);
    if (secret != null) j.put("secret", "***");
    return j;
  }
}
