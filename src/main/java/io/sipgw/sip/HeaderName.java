package io.sipgw.sip;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The header names sipgw reads or writes, with their compact forms (RFC 3261 §7.3.3, §20).
 * Recognised from the received bytes without building a String.
 */
public enum HeaderName {
  VIA("Via", 'v'),
  FROM("From", 'f'),
  TO("To", 't'),
  CALL_ID("Call-ID", 'i'),
  CSEQ("CSeq", (char) 0),
  CONTACT("Contact", 'm'),
  MAX_FORWARDS("Max-Forwards", (char) 0),
  CONTENT_LENGTH("Content-Length", 'l'),
  CONTENT_TYPE("Content-Type", 'c'),
  ROUTE("Route", (char) 0),
  RECORD_ROUTE("Record-Route", (char) 0),
  EXPIRES("Expires", (char) 0),
  MIN_EXPIRES("Min-Expires", (char) 0),
  PATH("Path", (char) 0),
  REQUIRE("Require", (char) 0),
  PROXY_REQUIRE("Proxy-Require", (char) 0),
  SUPPORTED("Supported", 'k'),
  UNSUPPORTED("Unsupported", (char) 0),
  ALLOW("Allow", (char) 0),
  ACCEPT("Accept", (char) 0),
  SUBJECT("Subject", 's'),
  EVENT("Event", 'o'),
  USER_AGENT("User-Agent", (char) 0),
  SERVER("Server", (char) 0),
  DATE("Date", (char) 0),
  RETRY_AFTER("Retry-After", (char) 0),
  AUTHORIZATION("Authorization", (char) 0),
  PROXY_AUTHORIZATION("Proxy-Authorization", (char) 0),
  WWW_AUTHENTICATE("WWW-Authenticate", (char) 0),
  PROXY_AUTHENTICATE("Proxy-Authenticate", (char) 0),
  WARNING("Warning", (char) 0),
  REFER_TO("Refer-To", 'r'),
  REFERRED_BY("Referred-By", 'b'),
  SESSION_EXPIRES("Session-Expires", 'x'),
  ALLOW_EVENTS("Allow-Events", 'u'),
  CONTENT_ENCODING("Content-Encoding", 'e'),
  ACCEPT_CONTACT("Accept-Contact", 'a'),
  REJECT_CONTACT("Reject-Contact", 'j'),
  REQUEST_DISPOSITION("Request-Disposition", 'd'),
  IDENTITY("Identity", 'y');

  private static final HeaderName[] VALUES = values();
  private static final HeaderName[] BY_COMPACT = new HeaderName[128];

  static {
    for (HeaderName h : VALUES) if (h.compact != 0) BY_COMPACT[h.compact] = h;
  }

  private final String canonical;
  private final byte[] lower;
  private final char compact;

  HeaderName(String canonical, char compact) {
    this.canonical = canonical;
    this.lower = canonical.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1);
    this.compact = compact;
  }

  /** The name as sipgw writes it, e.g. {@code Call-ID}. */
  public String canonical() { return canonical; }

  /** The compact form, or 0 if it has none. */
  public char compact() { return compact; }

  /** Recognises the header name at {@code buf[from, to)}; null if it is not one sipgw knows. */
  public static HeaderName lookup(byte[] buf, int from, int to) {
    int len = to - from;
    if (len == 1) {
      int c = (buf[from] & 0xff) | 0x20;
      return c < 128 ? BY_COMPACT[c] : null;
    }
    int first = buf[from] | 0x20;
    for (HeaderName h : VALUES) {
      byte[] l = h.lower;
      if (l.length == len && l[0] == first && equalsIgnoreCase(l, buf, from)) return h;
    }
    return null;
  }

  /** Recognises a header name given as text. */
  public static HeaderName lookup(String name) {
    byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
    return b.length == 0 ? null : lookup(b, 0, b.length);
  }

  private static boolean equalsIgnoreCase(byte[] lower, byte[] buf, int from) {
    for (int i = 1; i < lower.length; i++) {
      int c = buf[from + i];
      if (c >= 'A' && c <= 'Z') c |= 0x20;
      if (c != lower[i]) return false;
    }
    return true;
  }
}
