package io.sipgw.rules;

import io.sipgw.config.Failover;
import io.sipgw.config.MediaMode;
import io.sipgw.sip.MessageParser;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipUri;
import io.sipgw.sip.Transport;
import io.sipgw.transport.Flow;
import io.sipgw.transport.Listener;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A unit-test {@link Exchange}: a parsed request from a given source, the domain {@code localhost}
 * (and 127.0.0.1) as local, and every operation the rules call written to {@link #ops} as a line
 * such as {@code forward sip:a@b} or {@code reply 404 null}. What the proxy's operations answer
 * (whether {@code lookup} found someone, whether a dispatcher set has a destination up …) is set per test.
 */
public final class FakeExchange implements Exchange {
  public static final Set<String> LOCAL = Set.of("localhost", "127.0.0.1");

  public final List<String> ops = new ArrayList<>();
  private final SipRequest request;
  private final Flow flow;
  private SipUri ruri;
  public boolean authenticated;
  /** What {@code authenticate} answers: null to answer at once (as auth would), a promise to answer later. */
  public Promise<Boolean> authentication;
  public boolean lookupFinds = true;
  public boolean dispatchFinds;
  public boolean lcrFinds;
  public int failureStatus;
  public Action failureRoute;
  public final Map<String, Object> attributes = new HashMap<>();

  public FakeExchange(String request, Transport transport, String sourceIp) {
    this.request = parse(request);
    this.flow = new Flow(transport, new Listener("l0", transport, "127.0.0.1", 5060, "127.0.0.1", 5060), sourceIp, 5070,
        transport.reliable() ? 1 : 0);
    try {
      this.ruri = this.request.requestUri();
    } catch (SipParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** An INVITE (or {@code method}) for {@code ruri} from alice@{@code fromHost}, over UDP from 127.0.0.1. */
  public static FakeExchange of(String method, String ruri) { return new FakeExchange(request(method, ruri), Transport.UDP, "127.0.0.1"); }

  /** The text of a request, with {@code extra} header lines. */
  public static String request(String method, String ruri, String... extra) {
    StringBuilder s = new StringBuilder(method + " " + ruri + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:alice@example.com>;tag=a1\r\n"
        + "To: <sip:bob@localhost>\r\n"
        + "Call-ID: c1@test\r\n"
        + "CSeq: 1 " + method + "\r\n");
    for (String e : extra) s.append(e).append("\r\n");
    return s.append("Content-Length: 0\r\n\r\n").toString();
  }

  static SipRequest parse(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    try {
      return (SipRequest) MessageParser.parse(b, 0, b.length, true);
    } catch (SipParseException e) {
      throw new IllegalArgumentException("bad test request: " + e.reason() + "\n" + text, e);
    }
  }

  @Override public SipRequest request() { return request; }

  @Override public Flow flow() { return flow; }

  @Override public SipUri requestUri() { return ruri; }

  @Override
  public void requestUri(SipUri uri) {
    ops.add("ruri " + uri);
    ruri = uri;
  }

  @Override public void addHeader(String name, String value) { ops.add("addHeader " + name + ": " + value); }

  @Override public void setHeader(String name, String value) { ops.add("setHeader " + name + ": " + value); }

  @Override public void removeHeader(String name) { ops.add("removeHeader " + name); }

  @Override public void recordRoute(boolean on) { ops.add("recordRoute " + on); }

  @Override public void mediaMode(MediaMode mode) { ops.add("mediaMode " + mode.configName()); }

  @Override public boolean authenticated() { return authenticated; }

  @Override public boolean isLocalDomain(String host) { return LOCAL.contains(host.toLowerCase(java.util.Locale.ROOT)); }

  @Override public boolean isLocal(SipUri uri) { return isLocalDomain(uri.host()); }

  @Override public int failureStatus() { return failureStatus; }

  @Override
  public void failureRoute(Action block) {
    ops.add("failureRoute " + block);
    failureRoute = block;
  }

  @Override public Map<String, Object> attributes() { return attributes; }

  @Override
  public Future<Boolean> authenticate() {
    ops.add("authenticate");
    if (authentication != null) return authentication.future();
    return Future.succeededFuture(true);
  }

  @Override
  public boolean looseRoute() {
    ops.add("looseRoute");
    return false;
  }

  @Override
  public boolean save() {
    ops.add("save");
    return request.isMethod("REGISTER");
  }

  @Override
  public Future<Boolean> presence() {
    ops.add("presence");
    return Future.succeededFuture(false);
  }

  @Override
  public boolean options() {
    ops.add("options");
    return ruri.user() == null;
  }

  @Override
  public boolean lookup() {
    ops.add("lookup");
    return lookupFinds;
  }

  @Override public void forward(SipUri to, Failover failover) { ops.add("forward " + (to == null ? ruri : to)); }

  @Override
  public boolean dispatch(String set) {
    ops.add("dispatch " + set);
    return dispatchFinds;
  }

  @Override
  public boolean lcr() {
    ops.add("lcr");
    return lcrFinds;
  }

  @Override
  public Future<Boolean> enumRoute(String suffix) {
    ops.add("enum " + suffix);
    return Future.succeededFuture(false);
  }

  @Override public void redirect(int status, List<SipUri> contacts) { ops.add("redirect " + status + " " + contacts); }

  @Override public void reply(int status, String reason) { ops.add("reply " + status + " " + reason); }

  @Override public void drop() { ops.add("drop"); }
}
