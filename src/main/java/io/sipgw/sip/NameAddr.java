package io.sipgw.sip;

import java.util.ArrayList;
import java.util.List;

/**
 * One value of From, To, Contact, Route, Record-Route or Path: an optional display name, a URI and
 * header parameters (RFC 3261 §20.10, §25.1 name-addr / addr-spec). Keeps the text it was parsed from
 * so an unchanged value is written back byte for byte.
 */
public final class NameAddr {
  private final String text;
  private final String displayName;
  private final SipUri uri;
  private final boolean angled;
  private final Params params;

  private NameAddr(String text, String displayName, SipUri uri, boolean angled, Params params) {
    this.text = text;
    this.displayName = displayName;
    this.uri = uri;
    this.angled = angled;
    this.params = params;
  }

  /** Parses a header value that holds exactly one name-addr or addr-spec. */
  public static NameAddr parse(String value, String header) throws SipParseException {
    ValueScanner sc = new ValueScanner(value, header);
    sc.skipLws();
    NameAddr na = parse(sc);
    sc.skipLws();
    if (!sc.atEnd()) {
      throw sc.fail(sc.peek() == ',' ? "more than one value" : "unexpected '" + sc.peek() + "'");
    }
    return na;
  }

  /** Parses a comma-separated list of name-addr / addr-spec values. */
  public static List<NameAddr> parseList(String value, String header) throws SipParseException {
    return new ValueScanner(value, header).list(NameAddr::parse);
  }

  /** Parses one value at the scanner's position (LWS skipped before). */
  public static NameAddr parse(ValueScanner sc) throws SipParseException {
    int start = sc.position();
    String display = null;
    boolean angled;
    SipUri uri;
    String quoted = sc.consumeQuoted();
    if (quoted != null) {
      display = quoted;
      sc.skipLws();
      if (!sc.consumeChar('<')) throw sc.fail("'<' expected after display name");
      angled = true;
    } else if (sc.consumeChar('<')) {
      angled = true;
    } else {
      // Either display-name tokens followed by <, or an addr-spec. RFC 4475 §3.1.1.6: accept no LWS before <.
      int save = sc.position();
      StringBuilder tokens = new StringBuilder();
      while (true) {
        String t = sc.consumeToken();
        if (t == null) break;
        if (tokens.length() > 0) tokens.append(' ');
        tokens.append(t);
        sc.skipLws();
      }
      if (tokens.length() > 0 && sc.consumeChar('<')) {
        display = tokens.toString();
        angled = true;
      } else {
        sc.reset(save);
        angled = false;
      }
    }
    if (angled) {
      String u = sc.consumeUntil(">");
      if (!sc.consumeChar('>')) throw sc.fail("'>' expected");
      if (u.isEmpty() || Text.isWhitespace(u.charAt(0)) || Text.isWhitespace(u.charAt(u.length() - 1))) {
        throw sc.fail("white space inside <>");
      }
      uri = SipUri.parse(u);
    } else {
      // addr-spec: the URI ends at ';', ',' or white space; ';' begins header params (§20.10).
      String u = sc.consumeUntil(";, \t\r\n");
      if (u.isEmpty()) throw sc.fail("URI expected");
      if (u.indexOf('?') >= 0) throw sc.fail("a URI with headers must be enclosed in <>");
      uri = SipUri.parse(u);
    }
    Params params = new Params();
    sc.consumeParams(params);
    String text = sc.text().substring(start, sc.position());
    return new NameAddr(text, display, uri, angled, params);
  }

  /** A new value {@code <uri>;params}. */
  public static NameAddr of(SipUri uri, Params params) {
    StringBuilder sb = new StringBuilder(80).append('<').append(uri).append('>');
    params.appendTo(sb);
    return new NameAddr(sb.toString(), null, uri, true, params);
  }

  public String displayName() { return displayName; }

  public SipUri uri() { return uri; }

  public Params params() { return params; }

  public String param(String name) { return params.get(name); }

  public String tag() { return params.get("tag"); }

  /** The text as received (or as built). */
  @Override
  public String toString() { return text; }

  /** Whether the URI was in angle brackets. */
  public boolean angled() { return angled; }

  /** Written in name-addr form with the given header parameters. */
  public NameAddr withParams(Params newParams) {
    StringBuilder sb = new StringBuilder(80);
    if (displayName != null) sb.append(displayName).append(' ');
    sb.append('<').append(uri).append('>');
    newParams.appendTo(sb);
    return new NameAddr(sb.toString(), displayName, uri, true, newParams);
  }
}
