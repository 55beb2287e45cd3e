package io.sipgw.config;

import java.util.Locale;

/**
 * A host with an optional port as written in the config: {@code host}, {@code host:port},
 * {@code [v6]}, {@code [v6]:port} or a bare IPv6 literal. The host is an IPv4 literal, an IPv6 literal
 * (kept without brackets) or a hostname; nothing here resolves names.
 *
 * @param port the port, or {@link #NO_PORT} when none was written
 */
record HostAndPort(String host, int port) {
  static final int NO_PORT = -1;

  /** Parses {@code text}; throws IllegalArgumentException with the problem (no key) when invalid. */
  static HostAndPort parse(String text) {
    String s = text.trim();
    String host;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) throw new IllegalArgumentException("missing ']' in \"" + text + "\"");
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) throw new IllegalArgumentException("expected ':port' after ']' in \"" + text + "\"");
        port = rest.substring(1);
      }
      if (!isIpv6(host)) throw new IllegalArgumentException("\"" + host + "\" is not an IPv6 literal");
    } else {
      int colon = s.indexOf(':');
      if (colon >= 0 && colon == s.lastIndexOf(':')) {
        host = s.substring(0, colon);
        port = s.substring(colon + 1);
      } else {
        host = s; // no colon, or several: a bare IPv6 literal
      }
      if (!isHost(host)) throw new IllegalArgumentException("\"" + host + "\" is not an IP literal or hostname");
    }
    return new HostAndPort(normalize(host), port == null ? NO_PORT : parsePort(port, text));
  }

  /**
   * Parses the config value {@code value} found at {@code key}: a non-blank string, else (or when it
   * does not parse) a ConfigException naming the key and saying it must be {@code expected}.
   */
  static HostAndPort read(String key, Object value, String expected) {
    if (!(value instanceof String s) || s.isBlank()) {
      throw new ConfigException(key, "must be " + expected + ", got " + ConfigObject.describe(value));
    }
    try {
      return parse(s);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, e.getMessage());
    }
  }

  private static int parsePort(String p, String text) {
    if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("bad port in \"" + text + "\"");
    }
    int n = Integer.parseInt(p);
    if (n < 1 || n > 65535) throw new IllegalArgumentException("port must be between 1 and 65535 in \"" + text + "\"");
    return n;
  }

  /** A host as it appears in a URI or socket name: IPv6 in brackets. */
  static String uriHost(String host) { return host.indexOf(':') >= 0 ? "[" + host + "]" : host; }

  /** Lower case, without brackets around an IPv6 literal. */
  static String normalize(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return h.toLowerCase(Locale.ROOT);
  }

  /** True for an IPv4 literal, an IPv6 literal (bracketed or not) or a hostname. */
  static boolean isHost(String s) {
    if (s.startsWith("[") && s.endsWith("]")) return isIpv6(s.substring(1, s.length() - 1));
    return s.indexOf(':') >= 0 ? isIpv6(s) : isIpv4(s) || isHostname(s);
  }

  static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) return false;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) return false;
      if (Integer.parseInt(p) > 255) return false;
    }
    return true;
  }

  /** RFC 4291 §2.2 text forms, including "::" compression and a trailing IPv4 part; no zone id. */
  static boolean isIpv6(String s) {
    if (s.isEmpty()) return false;
    int gap = s.indexOf("::");
    if (gap < 0) return groups(s, true) == 8;
    if (s.indexOf("::", gap + 1) >= 0) return false;
    String head = s.substring(0, gap);
    String tail = s.substring(gap + 2);
    int h = head.isEmpty() ? 0 : groups(head, false);
    int t = tail.isEmpty() ? 0 : groups(tail, true);
    return h >= 0 && t >= 0 && h + t <= 7;
  }

  /** The number of 16-bit groups in colon-separated hex groups (an IPv4 tail counts 2), -1 if malformed. */
  private static int groups(String s, boolean ipv4Tail) {
    String[] parts = s.split(":", -1);
    int n = 0;
    for (int i = 0; i < parts.length; i++) {
      String g = parts[i];
      if (ipv4Tail && i == parts.length - 1 && g.indexOf('.') >= 0) {
        if (!isIpv4(g)) return -1;
        n += 2;
        continue;
      }
      if (g.isEmpty() || g.length() > 4) return -1;
      for (int j = 0; j < g.length(); j++) if ("0123456789abcdefABCDEF".indexOf(g.charAt(j)) < 0) return -1;
      n++;
    }
    return n;
  }

  /** RFC 1123 hostname: dot-separated labels of letters, digits and hyphens; not all-numeric. */
  static boolean isHostname(String s) {
    if (s.isEmpty() || s.length() > 253) return false;
    String[] labels = s.split("\\.", -1);
    boolean allNumeric = true;
    for (String l : labels) {
      if (l.isEmpty() || l.length() > 63 || l.startsWith("-") || l.endsWith("-")) return false;
      for (int i = 0; i < l.length(); i++) {
        char c = l.charAt(i);
        boolean digit = c >= '0' && c <= '9';
        if (!(digit || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-')) return false;
      }
      if (!l.chars().allMatch(c -> c >= '0' && c <= '9')) allNumeric = false;
    }
    return !allNumeric;
  }
}
