package io.sipgw.proxy;

import io.sipgw.config.Failover;
import io.sipgw.config.MediaMode;
import io.sipgw.rules.Action;
import io.sipgw.rules.Exchange;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.Methods;
import io.sipgw.sip.NameAddr;
import io.sipgw.sip.ResponseBuilder;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipUri;
import io.sipgw.transport.Flow;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One request going through the route rules: what RFC 3261 §16.4's Route preprocessing found (the
 * Route values naming this proxy, the next Route, the Request-URI a strict router hid), what the
 * rules changed, and the proxy's operations the rules call. After a forward whose answer is a
 * failure, a failure route runs on it again: its forwards then go into the same response context.
 */
final class RoutedRequest implements Exchange {
  private static final Logger LOG = Logger.getLogger("sipgw.proxy");

  private final RequestRouter router;
  final IncomingRequest in;
  final List<NameAddr> routes;
  final Set<Integer> removed;
  /** The first Route value that does not name this proxy (routes.size(): none). */
  final int first;
  private final SipUri received;
  private SipUri target;
  private HeaderEdits headers = HeaderEdits.NONE;
  private Boolean recordRoute;
  private MediaMode mediaMode;
  private boolean authenticated;
  private Action failureRoute;
  private int failureStatus;
  private Map<String, Object> attributes;
  /** While a failure route runs: the response context its forwards go into; null otherwise. */
  private ResponseContext retry;
  /** The failure route sent the request on or answered it. */
  private boolean retried;

  RoutedRequest(RequestRouter router, IncomingRequest in, List<NameAddr> routes, Set<Integer> removed, int first, SipUri received, SipUri target) {
    this.router = router;
    this.in = in;
    this.routes = routes;
    this.removed = removed;
    this.first = first;
    this.received = received;
    this.target = target;
  }

  @Override public SipRequest request() { return in.req(); }

  @Override public Flow flow() { return in.flow(); }

  @Override public SipUri requestUri() { return target; }

  @Override public void requestUri(SipUri uri) { target = uri; }

  @Override public void addHeader(String name, String value) { headers = headers.add(name, value); }

  @Override public void setHeader(String name, String value) { headers = headers.set(name, value); }

  @Override public void removeHeader(String name) { headers = headers.remove(name); }

  @Override public void recordRoute(boolean on) { recordRoute = on; }

  @Override public void mediaMode(MediaMode mode) { mediaMode = mode; }

  /** The media mode the rules chose for this request; null: {@code media.mode}. */
  MediaMode mediaMode() { return mediaMode; }

  @Override public boolean authenticated() { return authenticated; }

  @Override public boolean isLocalDomain(String host) { return router.domains().isLocal(host); }

  @Override public boolean isLocal(SipUri uri) { return router.domains().isLocal(uri); }

  @Override public int failureStatus() { return failureStatus; }

  @Override public void failureRoute(Action block) { failureRoute = block; }

  /** Whether a failure route is set. */
  boolean hasFailureRoute() { return failureRoute != null; }

  @Override
  public Map<String, Object> attributes() {
    if (attributes == null) attributes = new HashMap<>();
    return attributes;
  }

  /** The Request-URI copies get: null when it is the one received. */
  String newRequestUri() { return target == received ? null : target.toString(); }

  /** The plan of a forward of this request with loop key {@code loopKey}. */
  ForwardPlan plan(String loopKey, String lastRoute, String requestUri) {
    return new ForwardPlan(new RouteRemoval(in.req(), removed), loopKey, requestUri, lastRoute, headers, recordRoute);
  }

  @Override
  public Future<Boolean> authenticate() {
    if (retry != null) return Action.NEXT;
    Future<Boolean> checked = router.authenticate(this);
    if (checked.succeeded()) return admitted(checked.result()); // auth off, or done at once: no new future
    return checked.map(this::admitted).compose(go -> go);
  }

  /** {@code ok}: true authenticated, false not asked to, null answered (401, 407, 403, 503). */
  private Future<Boolean> admitted(Boolean ok) {
    if (ok == Boolean.TRUE) authenticated = true;
    return ok != null ? Action.NEXT : Action.END;
  }

  @Override
  public boolean looseRoute() { return retry == null && router.looseRoute(this); }

  @Override
  public boolean save() {
    if (retry != null || !in.req().isMethod(Methods.REGISTER) || !target.isSip() || !isLocal(target)) return false;
    router.users().register(this);
    return true;
  }

  @Override
  public Future<Boolean> presence() {
    if (retry != null || !target.isSip() || target.user() == null || !isLocal(target)) return Future.succeededFuture(false);
    return Future.succeededFuture(router.users().presence(this));
  }

  @Override
  public boolean options() {
    if (retry != null || !target.isSip() || target.user() != null || !isLocal(target)) return false;
    router.users().toServer(in);
    return true;
  }

  @Override
  public boolean lookup() {
    if (!target.isSip() || target.user() == null || !router.domains().isLocal(target)) return false;
    if (retry != null) {
      retried = true;
      router.relay().targetsOf(target).onComplete(ar -> retarget(ar.succeeded() ? ar.result() : List.of(), null));
      return true;
    }
    router.users().lookup(this);
    return true;
  }

  @Override
  public void forward(SipUri to, Failover failover) {
    if (to == null && !target.isSip()) {
      if (retry != null) retarget(List.of(), failover);
      else router.reject(in, 416, "Unsupported URI Scheme");
      return;
    }
    BranchTarget t = BranchTarget.resolve(retry != null ? target.toString() : null, to != null ? to : target, null, 1.0f);
    forward(List.of(t), failover);
  }

  /** Forwards to {@code targets} in turn (or, in a failure route, sends the request on to them). */
  void forward(List<BranchTarget> targets, Failover failover) {
    if (retry != null) {
      retarget(targets, failover);
      return;
    }
    router.forward(this, targets, failover);
  }

  @Override
  public boolean dispatch(String set) {
    List<BranchTarget> targets = router.targets().dispatch(set, this);
    if (targets.isEmpty()) return false;
    forward(targets, router.targets().dispatchFailover(set));
    return true;
  }

  @Override
  public boolean lcr() {
    List<BranchTarget> targets = router.targets().lcr(this);
    if (targets.isEmpty()) return false;
    forward(targets, router.targets().lcrFailover());
    return true;
  }

  @Override
  public Future<Boolean> enumRoute(String suffix) {
    String number = target.isSip() ? target.user() : null;
    if (number == null || !number.startsWith("+")) return Future.succeededFuture(false);
    return router.targets().enumLookup(number, suffix).transform(ar -> {
      if (ar.failed()) {
        LOG.fine(() -> "ENUM: no URI for " + number + ": " + ar.cause().getMessage() + " (Call-ID " + callId() + ")");
        return Future.succeededFuture(false);
      }
      SipUri uri = ar.result();
      LOG.fine(() -> "ENUM: " + number + " is " + uri + " (Call-ID " + callId() + ")");
      target = uri;
      if (!lookup()) forward((SipUri) null, Failover.DEFAULT);
      return Future.succeededFuture(true);
    });
  }

  @Override
  public void redirect(int status, List<SipUri> contacts) {
    if (in.req().isMethod(Methods.ACK)) return;
    ResponseBuilder rb = ResponseBuilder.of(in.req(), status);
    for (SipUri c : contacts) rb.header(HeaderName.CONTACT, "<" + c + ">");
    answer(status, rb);
  }

  @Override
  public void reply(int status, String reason) {
    if (in.req().isMethod(Methods.ACK)) return;
    answer(status, reason == null ? ResponseBuilder.of(in.req(), status) : ResponseBuilder.of(in.req(), status, reason));
  }

  private void answer(int status, ResponseBuilder rb) {
    if (retry != null) {
      retried = true;
      retry.answer(status, rb.toBuffer());
    } else {
      router.send(in, status, rb.toBuffer());
    }
  }

  @Override
  public void drop() {
    if (retry != null) return; // nothing more is sent: the best response goes up
    LOG.fine(() -> "dropped " + in.req().method() + " from " + in.flow() + " by the route rules (Call-ID " + callId() + ")");
    if (in.tx() != null) in.tx().drop();
  }

  /** The failure route of {@code context}, whose request would end with {@code status}. */
  void failed(ResponseContext context, int status) {
    Action block = failureRoute;
    failureRoute = null;
    failureStatus = status;
    retry = context;
    retried = false;
    LOG.fine(() -> in.req().method() + " failed with " + status + ": running the failure route (Call-ID " + callId() + ")");
    Future<Boolean> ran;
    try {
      ran = block.run(this);
    } catch (RuntimeException e) {
      ran = Future.failedFuture(e);
    }
    ran.onComplete(ar -> {
      if (ar.failed()) {
        LOG.warning("failure route of " + in.req().method() + " failed: " + ar.cause() + " (Call-ID " + callId() + ")");
      }
      if (!retried) context.giveUp();
    });
  }

  private void retarget(List<BranchTarget> targets, Failover failover) {
    retried = true;
    if (failureRoute != null) retry.onFailure(this::failed);
    // the copies carry what the failure route changed too (headers, record-routing)
    ForwardPlan p = retry.plan();
    retry.retarget(targets, failover, new ForwardPlan(p.removal(), p.loopKey(), p.requestUri(), p.lastRoute(), headers, recordRoute));
  }
}
