package io.sipgw.sip;

import java.util.Locale;

/** A SIP transport as named in Via (RFC 3261 §18, §20.42; RFC 7118 for WS/WSS). */
public enum Transport {
  UDP(false, false), TCP(true, false), TLS(true, true), SCTP(true, false), WS(true, false), WSS(true, true);

  private final boolean reliable;
  private final boolean secure;
  private final String uriParam;

  Transport(boolean reliable, boolean secure) {
    this.reliable = reliable;
    this.secure = secure;
    this.uriParam = name().toLowerCase(Locale.ROOT);
  }

  /** Reliable transports carry no retransmissions and frame by Content-Length. */
  public boolean reliable() { return reliable; }

  public boolean secure() { return secure; }

  /** The token used in a Via sent-protocol, e.g. {@code UDP}. */
  public String viaName() { return name(); }

  /** The value of a URI {@code transport=} parameter, e.g. {@code tcp}. */
  public String uriParam() { return uriParam; }

  /** Parses a transport name case-insensitively; returns null for an unknown one. */
  public static Transport parse(CharSequence s) {
    if (s == null) return null;
    String u = s.toString().trim().toUpperCase(Locale.ROOT);
    for (Transport t : values()) if (t.name().equals(u)) return t;
    return null;
  }
}
