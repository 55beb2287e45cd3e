package io.sipgw.sip;

import java.util.ArrayList;
import java.util.List;

/** One Via value (RFC 3261 §20.42): sent-protocol, sent-by and parameters. */
public final class Via {
  /** The RFC 3261 branch magic cookie (§8.1.1.7). */
  public static final String MAGIC_COOKIE = "z9hG4bK";

  private final String text;
  private final String protocol;
  private final String transport;
  private final String host;
  private final int port;
  private final Params params;

  private Via(String text, String protocol, String transport, String host, int port, Params params) {
    this.text = text;
    this.protocol = protocol;
    this.transport = transport;
    this.host = host;
    this.port = port;
    this.params = params;
  }

  public static List<Via> parseList(String value) throws SipParseException {
    return new ValueScanner(value, "Via").list(Via::parse);
  }

  /** Parses the first Via value of a header value (the rest, if any, is not read). */
  public static Via parseFirst(String value) throws SipParseException {
    ValueScanner sc = new ValueScanner(value, "Via");
    sc.skipLws();
    Via v = parse(sc);
    sc.skipLws();
    if (!sc.atEnd() && sc.peek() != ',') throw sc.fail("unexpected '" + sc.peek() + "'");
    return v;
  }

  static Via parse(ValueScanner sc) throws SipParseException {
    int start = sc.position();
    String name = sc.expectToken("protocol name");
    sc.expectSeparator('/');
    String version = sc.expectToken("protocol version");
    sc.expectSeparator('/');
    String transport = sc.expectToken("transport");
    if (!name.equalsIgnoreCase("SIP")) throw sc.fail("protocol is not SIP");
    String protocol = name + "/" + version;
    sc.skipLws();
    String host = sc.expectHost();
    int port = sc.consumePort();
    Params params = new Params();
    sc.consumeParams(params);
    return new Via(sc.text().substring(start, sc.position()), protocol, transport, host, port, params);
  }

  /** A new Via value for a request this element sends. */
  public static Via of(Transport transport, String host, int port, String branch) {
    String text = "SIP/2.0/" + transport.viaName() + " " + Hosts.forUri(host) + (port > 0 ? ":" + port : "") + ";branch=" + branch;
    Params p = new Params();
    p.add("branch", branch);
    return new Via(text, "SIP/2.0", transport.viaName(), Hosts.forUri(host), port, p);
  }

  /** e.g. {@code SIP/2.0}. */
  public String protocol() { return protocol; }

  /** The transport token as received, e.g. {@code UDP}. */
  public String transportName() { return transport; }

  public Transport transport() { return Transport.parse(transport); }

  /** sent-by host as received (IPv6 in brackets). */
  public String host() { return host; }

  /** sent-by port, or -1. */
  public int port() { return port; }

  public Params params() { return params; }

  public String branch() { return params.get("branch"); }

  public String received() { return params.get("received"); }

  public boolean hasRport() { return params.has("rport"); }

  /** The rport value, or -1 when absent or empty. */
  public int rport() {
    String v = params.get("rport");
    if (v == null) return -1;
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether the branch carries the RFC 3261 magic cookie and something after it. */
  public boolean hasRfc3261Branch() {
    String b = branch();
    return b != null && b.length() > MAGIC_COOKIE.length() && b.startsWith(MAGIC_COOKIE);
  }

  /** The value with a parameter set (added or replaced), other text kept. */
  public Via withParam(String name, String value) {
    Params p = params.copy();
    p.set(name, value);
    StringBuilder sb = new StringBuilder(text.length() + 32).append(protocol).append('/').append(transport).append(' ').append(host);
    if (port > 0) sb.append(':').append(port);
    p.appendTo(sb);
    return new Via(sb.toString(), protocol, transport, host, port, p);
  }

  @Override
  public String toString() { return text; }
}
