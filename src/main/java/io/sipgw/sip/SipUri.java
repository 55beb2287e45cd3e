package io.sipgw.sip;

import java.util.Locale;

/**
 * A URI as SIP carries it (RFC 3261 §19.1, §25.1): sip and sips parsed into parts, any other scheme
 * (tel, unknown ones) kept opaque. Immutable; {@link #toString()} gives the text as received, and the
 * {@code with…} methods give a changed copy.
 */
public final class SipUri {
  private final String text;
  private final String scheme;
  private final String user;
  private final String password;
  private final String host;
  private final int port;
  private final Params params;
  private final String headers;

  private SipUri(String text, String scheme, String user, String password, String host, int port, Params params, String headers) {
    this.text = text;
    this.scheme = scheme;
    this.user = user;
    this.password = password;
    this.host = host;
    this.port = port;
    this.params = params;
    this.headers = headers;
  }

  public static SipUri parse(String text) throws SipParseException {
    int colon = text.indexOf(':');
    if (colon <= 0) throw new SipParseException("malformed URI: no scheme in '" + shorten(text) + "'");
    String scheme = colon == 3 && text.regionMatches(true, 0, "sip", 0, 3) ? "sip"
        : colon == 4 && text.regionMatches(true, 0, "sips", 0, 4) ? "sips"
        : text.substring(0, colon).toLowerCase(Locale.ROOT);
    for (int i = 0; i < colon; i++) {
      char c = text.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.') || !Character.isLetter(text.charAt(0))) {
        throw new SipParseException("malformed URI: bad scheme in '" + shorten(text) + "'");
      }
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= ' ' || c == '<' || c == '>' || c == '"' || c >= 0x7f) {
        throw new SipParseException("malformed URI: character 0x" + Integer.toHexString(c) + " not allowed in '" + shorten(text) + "'");
      }
    }
    if (!scheme.equals("sip") && !scheme.equals("sips")) {
      if (colon == text.length() - 1) throw new SipParseException("malformed URI: empty " + scheme + " URI");
      return new SipUri(text, scheme, null, null, null, -1, new Params(), null);
    }
    int at = text.lastIndexOf('@');
    String user = null, password = null;
    int hostStart = colon + 1;
    if (at > colon) {
      String userinfo = text.substring(colon + 1, at);
      int pw = userinfo.indexOf(':');
      user = pw < 0 ? userinfo : userinfo.substring(0, pw);
      password = pw < 0 ? null : userinfo.substring(pw + 1);
      if (user.isEmpty()) throw new SipParseException("malformed URI: empty user part in '" + shorten(text) + "'");
      hostStart = at + 1;
    }
    int q = text.indexOf('?', hostStart);
    String headers = q < 0 ? null : text.substring(q + 1);
    String hostPart = q < 0 ? text.substring(hostStart) : text.substring(hostStart, q);
    ValueScanner sc = new ValueScanner(hostPart, "URI");
    String host = sc.expectHost();
    int port = -1;
    if (sc.consumeChar(':')) {
      String digits = sc.consumeUntil(";");
      if (digits.isEmpty() || digits.length() > 5 || !Text.isDigits(digits)) {
        throw new SipParseException("malformed URI: bad port in '" + shorten(text) + "'");
      }
      port = Integer.parseInt(digits);
      if (port > 65535) throw new SipParseException("malformed URI: port out of range in '" + shorten(text) + "'");
    }
    Params params = new Params();
    String rest = sc.consumeUntil("");
    if (!rest.isEmpty()) {
      if (rest.charAt(0) != ';') throw new SipParseException("malformed URI: unexpected '" + rest.charAt(0) + "' after host in '" + shorten(text) + "'");
      for (String p : rest.substring(1).split(";", -1)) {
        if (p.isEmpty()) throw new SipParseException("malformed URI: empty parameter in '" + shorten(text) + "'");
        int eq = p.indexOf('=');
        String name = eq < 0 ? p : p.substring(0, eq);
        String value = eq < 0 ? null : p.substring(eq + 1);
        if (name.isEmpty() || !isParamText(name) || value != null && !isParamText(value)) {
          throw new SipParseException("malformed URI: bad parameter '" + p + "'");
        }
        params.add(name, value);
      }
    }
    return new SipUri(text, scheme, user, password, host, port, params, headers);
  }

  private static boolean isParamText(String s) {
    // paramchar = param-unreserved / unreserved / escaped (§25.1)
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isLetterOrDigit(c) && c < 0x80) continue;
      if ("[]/:&+$-_.!~*'()%".indexOf(c) >= 0) continue;
      return false;
    }
    return true;
  }

  private static String shorten(String s) { return s.length() > 60 ? s.substring(0, 60) + "…" : s; }

  public String scheme() { return scheme; }

  /** sip or sips: the parts below are known. */
  public boolean isSip() { return scheme.equals("sip") || scheme.equals("sips"); }

  public boolean isSecure() { return scheme.equals("sips"); }

  /** The user part as received (escapes kept), or null. */
  public String user() { return user; }

  public String password() { return password; }

  /** The host as received; IPv6 in brackets. Null for a non-SIP URI. */
  public String host() { return host; }

  /** The port, or -1 if none was given. */
  public int port() { return port; }

  public Params params() { return params; }

  public String param(String name) { return params.get(name); }

  public boolean hasParam(String name) { return params.has(name); }

  /** The {@code ?headers} part, or null. */
  public String headers() { return headers; }

  /** The transport parameter as a Transport, or null if absent or unknown. */
  public Transport transport() { return Transport.parse(params.get("transport")); }

  public boolean isLooseRouter() { return params.has("lr"); }

  /** user@host with the user unescaped once, host lower-cased: the key of an address of record. */
  public String aor() {
    String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
    return user == null ? h : Escapes.unescape(user) + "@" + h;
  }

  /** A copy without URI parameters and headers that compare when looking up a binding. */
  public SipUri withoutHeaders() {
    if (headers == null) return this;
    return build(scheme, user, password, host, port, params, null);
  }

  public SipUri withParam(String name, String value) {
    Params p = params.copy();
    p.set(name, value);
    return build(scheme, user, password, host, port, p, headers);
  }

  public SipUri withoutParam(String name) {
    if (!params.has(name)) return this;
    Params p = params.copy();
    p.remove(name);
    return build(scheme, user, password, host, port, p, headers);
  }

  public SipUri withHostPort(String newHost, int newPort) {
    return build(scheme, user, password, Hosts.forUri(newHost), newPort, params, headers);
  }

  /** A new sip/sips URI from parts. */
  public static SipUri build(String scheme, String user, String password, String host, int port, Params params, String headers) {
    StringBuilder sb = new StringBuilder(64).append(scheme).append(':');
    if (user != null) {
      sb.append(user);
      if (password != null) sb.append(':').append(password);
      sb.append('@');
    }
    sb.append(host);
    if (port > 0) sb.append(':').append(port);
    params.appendTo(sb);
    if (headers != null) sb.append('?').append(headers);
    return new SipUri(sb.toString(), scheme, user, password, host, port, params, headers);
  }

  @Override
  public String toString() { return text; }

  @Override
  public boolean equals(Object o) { return o instanceof SipUri u && u.text.equals(text); }

  @Override
  public int hashCode() { return text.hashCode(); }
}
