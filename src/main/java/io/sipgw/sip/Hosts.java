package io.sipgw.sip;

/** Recognises IP literals in the forms SIP uses (RFC 3261 §25.1 host, RFC 5954 for IPv6). */
public final class Hosts {
  private Hosts() { }

  public static boolean isIpv4(String h) {
    int parts = 0, val = -1;
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (c == '.') {
        if (val < 0) return false;
        parts++;
        val = -1;
      } else if (c >= '0' && c <= '9') {
        val = val < 0 ? c - '0' : val * 10 + (c - '0');
        if (val > 255) return false;
      } else {
        return false;
      }
    }
    return parts == 3 && val >= 0;
  }

  /** {@code [v6]} with brackets. */
  public static boolean isIpv6Reference(String h) {
    return h.length() > 2 && h.charAt(0) == '[' && h.charAt(h.length() - 1) == ']' && isIpv6(h.substring(1, h.length() - 1));
  }

  /** A bare IPv6 address (no brackets). */
  public static boolean isIpv6(String h) {
    if (h.isEmpty() || h.indexOf(':') < 0) return false;
    int colons = 0;
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      boolean ok = c == ':' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
      if (!ok) return false;
      if (c == ':') colons++;
    }
    return colons >= 2 && colons <= 7;
  }

  /** Host text as it goes in a URI or Via: IPv6 in brackets. */
  public static String forUri(String host) {
    return isIpv6(host) ? "[" + host + "]" : host;
  }

  /** Host text without IPv6 brackets, for socket addresses. */
  public static String bare(String host) {
    return host.length() > 1 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']'
        ? host.substring(1, host.length() - 1) : host;
  }
}
