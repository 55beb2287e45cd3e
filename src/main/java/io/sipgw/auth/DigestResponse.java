package io.sipgw.auth;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of a {@code Digest} Authorization or Proxy-Authorization value (RFC 2617 §3.2.2,
 * RFC 3261 §25.1 {@code digest-response}): a comma-separated list of {@code name=token} and
 * {@code name="quoted string"}. Null from {@link #parse} for another scheme or a value that does not
 * parse.
 */
public record DigestResponse(Map<String, String> params) {
  public String get(String name) { return params.get(name); }

  public String username() { return get("username"); }

  public String realm() { return get("realm"); }

  public String nonce() { return get("nonce"); }

  public static DigestResponse parse(String value) {
    if (value == null) return null;
    String v = value.trim();
    if (v.length() < 7 || !v.regionMatches(true, 0, "Digest", 0, 6) || !Character.isWhitespace(v.charAt(6))) return null;
    Map<String, String> params = new HashMap<>();
    int i = 7;
    int n = v.length();
    while (i < n) {
      while (i < n && (v.charAt(i) == ' ' || v.charAt(i) == '\t' || v.charAt(i) == ',')) i++;
      if (i >= n) break;
      int eq = v.indexOf('=', i);
      if (eq < 0) return null;
      String name = v.substring(i, eq).trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) return null;
      i = eq + 1;
      while (i < n && (v.charAt(i) == ' ' || v.charAt(i) == '\t')) i++;
      StringBuilder val = new StringBuilder();
      if (i < n && v.charAt(i) == '"') {
        i++;
        while (i < n && v.charAt(i) != '"') {
          if (v.charAt(i) == '\\' && i + 1 < n) i++;
          val.append(v.charAt(i++));
        }
        if (i >= n) return null; // unterminated quoted string
        i++;
      } else {
        while (i < n && v.charAt(i) != ',' && v.charAt(i) != ' ' && v.charAt(i) != '\t') val.append(v.charAt(i++));
      }
      if (params.putIfAbsent(name, val.toString()) != null) return null; // a parameter twice
    }
    return new DigestResponse(Map.copyOf(params));
  }
}
