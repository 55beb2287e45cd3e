package io.sipgw.sip;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the grammar of a header value (RFC 3261 §25.1). {@code consumeX} returns whether it matched
 * and does not move on failure; {@code expectX} throws {@link SipParseException} naming what was
 * expected and where.
 */
public final class ValueScanner {
  private final String s;
  private final String what;
  private int pos;

  public ValueScanner(String s, String what) {
    this.s = s;
    this.what = what;
  }

  public int position() { return pos; }

  /** Moves back to a position returned by {@link #position()}. */
  public void reset(int position) { pos = position; }

  public String text() { return s; }

  public boolean atEnd() { return pos >= s.length(); }

  public char peek() { return pos < s.length() ? s.charAt(pos) : 0; }

  public void skipLws() {
    while (pos < s.length() && Text.isWhitespace(s.charAt(pos))) pos++;
  }

  /** Consumes {@code c} with any LWS around it (SEMI, COMMA, EQUAL, SLASH, COLON of §25.1). */
  public boolean consumeSeparator(char c) {
    int save = pos;
    skipLws();
    if (pos < s.length() && s.charAt(pos) == c) {
      pos++;
      skipLws();
      return true;
    }
    pos = save;
    return false;
  }

  public void expectSeparator(char c) throws SipParseException {
    if (!consumeSeparator(c)) throw fail("'" + c + "' expected");
  }

  public boolean consumeChar(char c) {
    if (pos < s.length() && s.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  /** A token, or null (position unchanged) if none starts here. */
  public String consumeToken() {
    int start = pos;
    while (pos < s.length() && Text.isTokenChar(s.charAt(pos))) pos++;
    return pos == start ? null : s.substring(start, pos);
  }

  public String expectToken(String name) throws SipParseException {
    String t = consumeToken();
    if (t == null) throw fail(name + " expected");
    return t;
  }

  /** A quoted-string with its quotes, escapes kept as received; null if none starts here. */
  public String consumeQuoted() throws SipParseException {
    if (peek() != '"') return null;
    int start = pos++;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == '\\') {
        if (pos + 1 >= s.length()) break;
        pos += 2;
      } else if (c == '"') {
        pos++;
        return s.substring(start, pos);
      } else {
        pos++;
      }
    }
    pos = start;
    throw fail("unterminated quoted string");
  }

  /** Characters up to (not including) the first of {@code stops} or end; may be empty. */
  public String consumeUntil(String stops) {
    int start = pos;
    while (pos < s.length() && stops.indexOf(s.charAt(pos)) < 0) pos++;
    return s.substring(start, pos);
  }

  /** A host (name, IPv4 or [IPv6]) per §25.1 hostport. */
  public String expectHost() throws SipParseException {
    int start = pos;
    if (peek() == '[') {
      int end = s.indexOf(']', pos);
      if (end < 0) throw fail("unterminated IPv6 reference");
      pos = end + 1;
      String h = s.substring(start, pos);
      if (!Hosts.isIpv6Reference(h)) throw fail("bad IPv6 reference");
      return h;
    }
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') pos++;
      else break;
    }
    if (pos == start) throw fail("host expected");
    return s.substring(start, pos);
  }

  /** An optional ":port" after a host; -1 if absent. */
  public int consumePort() throws SipParseException {
    if (!consumeSeparatorNoLws(':')) return -1;
    int start = pos;
    while (pos < s.length() && Character.isDigit(s.charAt(pos)) && pos - start < 6) pos++;
    if (pos == start || pos - start > 5) throw fail("bad port");
    int port = Integer.parseInt(s, start, pos, 10);
    if (port > 65535) throw fail("port out of range");
    return port;
  }

  private boolean consumeSeparatorNoLws(char c) {
    int save = pos;
    skipLws();
    if (consumeChar(c)) {
      skipLws();
      return true;
    }
    pos = save;
    return false;
  }

  /** Generic parameters {@code *( SEMI generic-param )} into {@code params}. */
  public void consumeParams(Params params) throws SipParseException {
    while (consumeSeparator(';')) {
      String name = expectToken("parameter name");
      String value = null;
      if (consumeSeparator('=')) {
        value = consumeQuoted();
        if (value == null) value = expectParamValue(name);
      }
      params.add(name, value);
    }
  }

  /** gen-value: a token, or a host (an IPv6 address, bracketed or not as in Via received, §20.42). */
  private String expectParamValue(String name) throws SipParseException {
    int start = pos;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (Text.isTokenChar(c) || c == ':' || c == '[' || c == ']') pos++;
      else break;
    }
    if (pos == start) throw fail("value of parameter " + name + " expected");
    return s.substring(start, pos);
  }

  /** Reads one element of a comma-separated list at the scanner's position. */
  public interface Element<T> {
    T parse(ValueScanner sc) throws SipParseException;
  }

  /** A whole value as a comma-separated list (§7.3.1): one element or more, nothing after the last. */
  public <T> List<T> list(Element<T> element) throws SipParseException {
    List<T> out = new ArrayList<>(2);
    skipLws();
    do {
      out.add(element.parse(this));
    } while (consumeSeparator(','));
    skipLws();
    if (!atEnd()) throw fail("unexpected '" + peek() + "'");
    return out;
  }

  public SipParseException fail(String problem) {
    return new SipParseException("malformed " + what + ": " + problem, pos);
  }
}
