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
    int doubleColon = h.indexOf("::");
    if (doubleColon >= 0 && h.indexOf("::", doubleColon + 1) >= 0) return false;
    String[] groups = h.split(":", -1);
    int count = 0;
    for (int i = 0; i < groups.length; i++) {
      String g = groups[i];
      if (g.isEmpty()) continue; // the "::" or a leading/trailing colon of it
      if (i == groups.length - 1 && g.indexOf('.') >= 0) {
        if (!isIpv4(g)) return false;
        count += 2;
        continue;
      }
      if (g.length() > 4) return false;
      for (int k = 0; k < g.length(); k++) if (Character.digit(g.charAt(k), 16) < 0) return false;
      count++;
    }
    if (doubleColon < 0) return count == 8 && !h.startsWith(":") && !h.endsWith(":");
    return count <= 7;
  }

  /**
   * An IP address in its canonical text form: IPv6 compressed as RFC 5952 says ({@code ::1}, not
   * {@code 0:0:0:0:0:0:0:1}), so the same address always compares equal as text.
   */
  public static String canonicalIp(String host) {
    String h = bare(host);
    int zone = h.indexOf('%');
    if (zone >= 0) h = h.substring(0, zone);
    if (!isIpv6(h) || h.indexOf('.') >= 0) return h;
    int[] groups = new int[8];
    String[] halves = h.split("::", -1);
    if (halves.length > 2) return h;
    String[] head = halves[0].isEmpty() ? new String[0] : halves[0].split(":");
    String[] tail = halves.length == 2 && !halves[1].isEmpty() ? halves[1].split(":") : new String[0];
    if (halves.length == 1 && head.length != 8 || head.length + tail.length > 8) return h;
    try {
      for (int i = 0; i < head.length; i++) groups[i] = Integer.parseInt(head[i], 16);
      for (int i = 0; i < tail.length; i++) groups[8 - tail.length + i] = Integer.parseInt(tail[i], 16);
    } catch (NumberFormatException e) {
      return h;
    }
    int bestStart = -1, bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) j++;
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
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
