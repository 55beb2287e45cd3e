package io.sipgw.msrp;

import io.sipgw.sip.Hosts;
import java.util.Locale;

/**
 * An MSRP URI (RFC 4975 §6, RFC 7977 §4): {@code msrp://host:port/session;tcp}, {@code msrps://…}
 * over TLS, {@code …;ws} over a WebSocket.
 *
 * @param session the session id (the path), empty for a relay's own URI
 * @param transport {@code tcp} or {@code ws}
 */
public record MsrpUri(boolean secure, String host, int port, String session, String transport) {
  /** The URI read, or null when it is not one. */
  public static MsrpUri parse(String s) {
    String rest;
    boolean secure;
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith("msrp://")) {
      secure = false;
      rest = s.substring(7);
    } else if (lower.startsWith("msrps://")) {
      secure = true;
      rest = s.substring(8);
    } else {
      return null;
    }
    int semi = rest.indexOf(';');
    if (semi < 0) return null;
    // ";" transport *( ";" URI-parameter ) (RFC 4975 §9): the parameters after the transport are not kept
    int params = rest.indexOf(';', semi + 1);
    String transport = rest.substring(semi + 1, params < 0 ? rest.length() : params).toLowerCase(Locale.ROOT);
    int slash = rest.indexOf('/');
    String authority = rest.substring(0, slash >= 0 && slash < semi ? slash : semi);
    String session = slash >= 0 && slash < semi ? rest.substring(slash + 1, semi) : "";
    int at = authority.lastIndexOf('@');
    if (at >= 0) authority = authority.substring(at + 1);
    String host;
    String port;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) return null;
      host = authority.substring(1, close);
      if (!Hosts.isIpv6(host)) return null;
      if (close + 1 < authority.length() && authority.charAt(close + 1) != ':') return null;
      port = close + 1 < authority.length() ? authority.substring(close + 2) : null;
    } else {
      int colon = authority.indexOf(':');
      host = colon < 0 ? authority : authority.substring(0, colon);
      if (!isHostName(host)) return null;
      port = colon < 0 ? null : authority.substring(colon + 1);
    }
    int p = port == null ? 2855 : port(port);
    if (p < 1 || !(transport.equals("tcp") || transport.equals("ws"))) return null;
    return new MsrpUri(secure, host.toLowerCase(Locale.ROOT), p, session, transport);
  }

  /** An IPv4 address or a host name: letters, digits, '-', '_' and '.'. */
  private static boolean isHostName(String h) {
    if (h.isEmpty()) return false;
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_' || c == '.')) return false;
    }
    return true;
  }

  /** 1..65535 written in digits, else -1. */
  private static int port(String s) {
    if (s.isEmpty() || s.length() > 5) return -1;
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return -1;
    int p = Integer.parseInt(s);
    return p <= 65535 ? p : -1;
  }

  /** {@code host:port;transport}: which connection reaches it. */
  public String authority() { return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + ";" + transport + (secure ? ";s" : ""); }

  @Override
  public String toString() {
    return (secure ? "msrps://" : "msrp://") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port
        + (session.isEmpty() ? "" : "/" + session) + ";" + transport;
  }
}
