package io.sipgw.sip;

/** %HEX escapes in URIs (RFC 3261 §19.1.2, §25.1 escaped): decoded once, never twice. */
public final class Escapes {
  private Escapes() { }

  public static String unescape(String s) {
    int pct = s.indexOf('%');
    if (pct < 0) return s;
    StringBuilder sb = new StringBuilder(s.length());
    sb.append(s, 0, pct);
    for (int i = pct; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && hex(s, i + 1) >= 0 && hex(s, i + 2) >= 0) {
        sb.append((char) (hex(s, i + 1) * 16 + hex(s, i + 2)));
        i += 2;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static int hex(String s, int i) {
    if (i >= s.length()) return -1;
    return Character.digit(s.charAt(i), 16);
  }
}
