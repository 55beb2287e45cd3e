package io.sipgw.sip;

import java.nio.charset.StandardCharsets;

/**
 * Bytes to text and back without loss: sipgw treats received octets as ISO-8859-1 characters, so a
 * String holds the exact bytes (UTF-8 included) and writes them back unchanged.
 */
public final class Text {
  private Text() { }

  public static String of(byte[] buf, int from, int to) {
    return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
  }

  public static byte[] bytes(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

  /** The text of a header value with folding (CRLF or LF followed by white space) turned into one SP. */
  public static String unfold(byte[] buf, int from, int to) {
    int i = from;
    while (i < to && buf[i] != '\r' && buf[i] != '\n') i++;
    if (i == to) return of(buf, from, to);
    StringBuilder sb = new StringBuilder(to - from);
    int p = from;
    while (p < to) {
      byte b = buf[p];
      if (b == '\r' || b == '\n') {
        while (p < to && (buf[p] == '\r' || buf[p] == '\n')) p++;
        while (p < to && (buf[p] == ' ' || buf[p] == '\t')) p++;
        int len = sb.length();
        while (len > 0 && (sb.charAt(len - 1) == ' ' || sb.charAt(len - 1) == '\t')) len--;
        sb.setLength(len);
        if (len > 0) sb.append(' '); // a value that starts on a continuation line has no leading LWS (§7.3.1)
      } else {
        sb.append((char) (b & 0xff));
        p++;
      }
    }
    return sb.toString();
  }

  public static boolean isTokenChar(char c) {
    // RFC 3261 §25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') return true;
    switch (c) {
      case '-': case '.': case '!': case '%': case '*': case '_': case '+': case '`': case '\'': case '~':
        return true;
      default:
        return false;
    }
  }

  /** Whether every character is an ASCII digit (true for the empty string). */
  public static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return false;
    }
    return true;
  }

  public static boolean isWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
}
