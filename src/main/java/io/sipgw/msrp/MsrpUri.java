package io.sipgw.msrp;

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
    String transport = rest.substring(semi + 1).toLowerCase(Locale.ROOT);
    int slash = rest.indexOf('/');
    String authority = rest.substring(0, slash >= 0 && slash < semi ? slash : semi);
    String session = slash >= 0 && slash < semi ? rest.substring(slash + 1, semi) : "";
    int at = authority.lastIndexOf('@');
    if (at >= 0) authority = authority.substring(at + 1);
    String host;
    int port;
    try {
      if (authority.startsWith("[")) {
        int close = authority.indexOf(']');
        host = authority.substring(1, close);
        port = authority.length() > close + 1 ? Integer.parseInt(authority.substring(close + 2)) : 2855;
      } else {
        int colon = authority.lastIndexOf(':');
        host = colon < 0 ? authority : authority.substring(0, colon);
        port = colon < 0 ? 2855 : Integer.parseInt(authority.substring(colon + 1));
      }
    } catch (RuntimeException e) {
      return null;
    }
    if (host.isEmpty() || port < 1 || port > 65535 || !(transport.equals("tcp") || transport.equals("ws"))) return null;
    return new MsrpUri(secure, host.toLowerCase(Locale.ROOT), port, session, transport);
  }

  /** {@code host:port;transport}: which connection reaches it. */
  public String authority() { return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + ";" + transport + (secure ? ";s" : ""); }

  @Override
  public String toString() {
    return (secure ? "msrps://" : "msrp://") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port
        + (session.isEmpty() ? "" : "/" + session) + ";" + transport;
  }
}
