package io.sipgw.proxy;

import io.sipgw.config.Failover;
import io.sipgw.config.FailureRoute;
import io.sipgw.config.ProxyConfig;
import io.sipgw.media.MediaPolicy;
import io.sipgw.media.NgException;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.MessageEdit;
import io.sipgw.sip.Methods;
import io.sipgw.sip.RequestBuilder;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipResponse;
import io.sipgw.sip.SipUri;
import io.sipgw.store.Binding;
import io.sipgw.transaction.ClientTransaction;
import io.sipgw.transaction.Scheduler;
import io.sipgw.transaction.ServerTransaction;
import io.sipgw.transaction.TransactionTable;
import io.sipgw.transport.Listener;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The response context of one statefully proxied request (RFC 3261 §16.7): its branches, in one
 * group (parallel forking) or in groups of falling q (serial forking, §16.6); provisional and 2xx
 * responses forwarded at once, the best final response chosen when every branch has ended (6xx
 * first, then the lowest class; a 503 goes up as 500); the other branches cancelled after a 2xx or
 * a 6xx, or when the caller cancels (§16.10); Timer C per INVITE branch (§16.8); and one failure
 * route for a local user, when the best response is one the config names.
 */
final class ResponseContext implements ClientTransaction.User {
  private static final Logger LOG = Logger.getLogger("sipgw.proxy");
  /** Absorbs the responses to the CANCELs this proxy sends (§16.10: they are not forwarded). */
  private static final ClientTransaction.User CANCEL_USER = new ClientTransaction.User() {
    @Override public void response(ClientTransaction tx, SipResponse response) { }

    @Override public void timeout(ClientTransaction tx) { }

    @Override public void transportError(ClientTransaction tx, String reason) { }
  };

  private final RequestForwarder forwarder;
  private final TransactionTable table;
  private final ProxyConfig config;
  private final String callId;
  private final String method;
  private final boolean invite;
  private final String aor;
  private final ServerTransaction server;
  private final Function<SipUri, Future<List<BranchTarget>>> targetsOf;
  /** The SDP through the media relay; null when the request's SDP is none of its business. */
  private final MediaLeg media;
  private final BiConsumer<Binding, String> flowFailed;
  /**
   * With a media leg, what goes up to the caller goes in this order: a response waiting for its SDP to
   * be rewritten holds back the ones after it (a 200 must not overtake the 183 before it).
   */
  private Future<Void> upstream = Future.succeededFuture();
  private IncomingRequest in;
  private ForwardPlan plan;
  private List<ProxyBranch> branches = new ArrayList<>(2);
  private List<List<BranchTarget>> groups = List.of();
  private int nextGroup;
  private boolean cancelled;
  private boolean sixx;
  private boolean finalSent;
  private boolean failureRouted;
  private final BestResponse best = new BestResponse();
  /** Destinations in turn (a dispatcher set, LCR gateways): when the next goes, and the no-answer timeout; null: forking as configured. */
  private Failover failover;
  /** The status the last branch to end ended with. */
  private int lastStatus;
  /** A route rule's failure route, run when the request would end in failure; null: none. */
  private FailureHandler failureHandler;
  private int failureRuns;
  /** Told of a call that was answered on a counted destination: it ends with its BYE. */
  private BiConsumer<String, CallLoad> established = (c, l) -> l.ended();
  /** Failure routes run one after another at most this often per request (each may set the next). */
  private static final int MAX_FAILURE_ROUTES = 8;

  /**
   * @param aor the local user the request is for (failure routes apply), or null
   * @param targetsOf where a failure route's URI leads: a local user's bindings, else the URI itself
   * @param media the request's SDP through the media relay, or null
   * @param flowFailed told of a binding whose branch was answered 430 (its flow has failed)
   */
  ResponseContext(RequestForwarder forwarder, TransactionTable table, ProxyConfig config, IncomingRequest in, ForwardPlan plan, String aor,
      Function<SipUri, Future<List<BranchTarget>>> targetsOf, MediaLeg media, BiConsumer<Binding, String> flowFailed) {
    this.forwarder = forwarder;
    this.table = table;
    this.config = config;
    this.in = in;
    this.plan = plan;
    this.aor = aor;
    this.callId = in.callId();
    this.method = in.req().method();
    this.invite = in.req().isMethod(Methods.INVITE);
    this.server = in.tx();
    this.targetsOf = targetsOf;
    this.media = media;
    this.flowFailed = flowFailed;
  }

  /**
   * Forwards to {@code targets}: all at once, or highest q first when forking is serial. With no
   * target, {@code status} is the answer unless a failure route takes the request elsewhere.
   */
  void start(List<BranchTarget> targets, int status, String reason) {
    server.onCancel(this::cancel);
    if (cancelled) {
      // the CANCEL came while the request was being looked up: nothing goes out (§16.10)
      best.consider(487, null, "Request Terminated");
      allEnded();
      return;
    }
    if (targets.isEmpty()) {
      best.consider(status, null, reason);
      allEnded();
      return;
    }
    groups = config.serialForking() ? byFallingQ(targets) : List.of(targets);
    startGroup();
  }

  /**
   * Forwards to {@code targets} one after another: the next when one ends with a status {@code f}
   * names, a transport error or a timeout (or {@code f.timeout()} ms without an answer).
   */
  void startInTurn(List<BranchTarget> targets, Failover f) {
    failover = f;
    List<List<BranchTarget>> serial = new ArrayList<>(targets.size());
    for (BranchTarget t : targets) serial.add(List.of(t));
    server.onCancel(this::cancel);
    if (cancelled) {
      best.consider(487, null, "Request Terminated");
      allEnded();
      return;
    }
    groups = serial;
    nextGroup = 0;
    startGroup();
  }

  /** The failure route to run when the request would end in failure; null: none. */
  void onFailure(FailureHandler h) { failureHandler = h; }

  /** Where answered calls to counted destinations are kept until their BYE. */
  void onEstablished(BiConsumer<String, CallLoad> e) { established = e; }

  /**
   * From a failure route: the request goes on to {@code targets} in turn, in this transaction, its
   * copies made as {@code next} says (the header changes and record-routing the failure route made).
   */
  void retarget(List<BranchTarget> targets, Failover f, ForwardPlan next) {
    if (cancelled || targets.isEmpty()) {
      giveUp();
      return;
    }
    plan = next;
    best.clear();
    failover = f;
    if (f == null) {
      // a local user's bindings (lookup): forked as any call to that user is
      groups = config.serialForking() ? byFallingQ(targets) : List.of(targets);
    } else {
      List<List<BranchTarget>> serial = new ArrayList<>(targets.size());
      for (BranchTarget t : targets) serial.add(List.of(t));
      groups = serial;
    }
    nextGroup = 0;
    startGroup();
  }

  /** From a failure route: {@code response} is the answer. */
  void answer(int status, Buffer response) {
    finalSent = true;
    if (report != null) report.answered(status, null);
    if (media != null) media.failed();
    upstream = upstream.andThen(x -> server.respond(status, response));
    release();
  }

  /** From a failure route that sent the request nowhere: the best response goes up. */
  void giveUp() {
    sendBest();
    release();
  }

  /** The request this context forwards (null once released). */
  IncomingRequest incoming() { return in; }

  ForwardPlan plan() { return plan; }

  private static List<List<BranchTarget>> byFallingQ(List<BranchTarget> targets) {
    List<BranchTarget> sorted = new ArrayList<>(targets);
    sorted.sort(Comparator.comparingDouble((BranchTarget t) -> -t.q()));
    List<List<BranchTarget>> out = new ArrayList<>();
    for (BranchTarget t : sorted) {
      List<BranchTarget> last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.get(0).q() == t.q()) last.add(t);
      else out.add(new ArrayList<>(List.of(t)));
    }
    return out;
  }

  private void startGroup() {
    List<BranchTarget> group = groups.get(nextGroup++);
    List<ProxyBranch> started = new ArrayList<>(group.size());
    for (BranchTarget t : group) {
      ProxyBranch b = new ProxyBranch(t);
      branches.add(b);
      started.add(b);
    }
    for (ProxyBranch b : started) startBranch(b);
  }

  private void startBranch(ProxyBranch b) {
    forwarder.hopsFor(b.target).onComplete(ar -> {
      if (!b.pending()) return;
      if (b.cancelWanted) {
        ended(b, 487, null, "Request Terminated");
        return;
      }
      if (ar.failed()) {
        LOG.info("cannot resolve " + b.target + ": " + ar.cause().getMessage() + " (Call-ID " + callId + ")");
        ended(b, 404, null, "Not Found (cannot resolve " + b.target + ")");
        return;
      }
      b.hops = ar.result();
      b.hop = 0;
      if (b.target.load() != null) {
        b.counted = true;
        b.target.load().started();
      }
      toHop(b);
    });
  }

  /** Sends the branch to its hop in use (the first, or the next after one failed, RFC 3263 §4.3). */
  private void toHop(ProxyBranch b) {
    NextHop hop = b.hops.get(b.hop);
    Listener out = forwarder.listenerFor(hop);
    if (out == null) {
      if (nextHop(b, "no " + hop.target().transport() + " listener")) return;
      ended(b, 503, null, "Service Unavailable (no " + hop.target().transport() + " listener)");
      return;
    }
    if (media == null) {
      send(b, hop, out, null);
      return;
    }
    // the offer is rewritten for the side this branch goes to: its transport says whether that is a browser
    media.offerToward(hop.target().transport()).onComplete(offer -> {
      if (!b.pending()) return;
      if (b.cancelWanted) {
        ended(b, 487, null, "Request Terminated");
      } else if (offer.failed()) {
        boolean down = offer.cause() instanceof NgException e && e.unreachable();
        LOG.warning("media relay " + (down ? "not reachable" : "refused the offer") + ": " + offer.cause().getMessage()
            + "; " + method + " to " + b.target + " not sent (Call-ID " + callId + ")");
        if (down) ended(b, 503, null, "Service Unavailable (media relay not reachable)");
        else ended(b, 500, null, "Server Internal Error (media relay refused the offer)");
      } else {
        MediaLeg.Offer o = offer.result();
        b.media = o == null ? null : o.bridge();
        send(b, hop, out, o == null ? null : o.sdp());
      }
    });
  }

  /**
   * RFC 3263 §4.3, RFC 3261 §16.7 step 5's "try the next": a hop that could not be reached, did not
   * answer or answered 503 gives way to the next address its target resolved to, in this same
   * transaction. False when none is left (or the branch is being cancelled).
   */
  private boolean nextHop(ProxyBranch b, String why) {
    if (!b.hasNextHop() || b.cancelWanted || cancelled) return false;
    table.scheduler().cancel(b.timerC);
    table.scheduler().cancel(b.noAnswer);
    b.timerC = b.noAnswer = Scheduler.NONE;
    if (b.tx != null && !b.tx.terminated()) b.tx.abandon();
    b.tx = null;
    b.provisional = false;
    NextHop failed = b.hops.get(b.hop++);
    LOG.info(method + " to " + failed + " " + why + "; trying " + b.hops.get(b.hop) + " (Call-ID " + callId + ")");
    toHop(b);
    return true;
  }

  /** Sends the branch's copy of the request, its SDP replaced by {@code sdp} unless that is null. */
  private void send(ProxyBranch b, NextHop hop, Listener out, String sdp) {
    String branch = Branches.stateful(plan.loopKey());
    Buffer data;
    try {
      data = forwarder.build(in, plan, b.target, out, branch, sdp);
    } catch (SipParseException e) {
      ended(b, 400, null, "Bad Request (" + e.reason() + ")");
      return;
    }
    b.tx = table.newClient(method, branch, data, callId, hop.target().transport().reliable(), forwarder.wireTo(hop), this);
    if (invite) b.timerC = table.scheduler().schedule(config.timerC() * 1000L, () -> timerC(b));
    if (failover != null && failover.timeout() > 0) b.noAnswer = table.scheduler().schedule(failover.timeout(), () -> noAnswer(b));
    LOG.fine(() -> "forwarded " + method + " to " + hop + " (Call-ID " + callId + ")");
    b.tx.start();
  }

  @Override
  public void response(ClientTransaction tx, SipResponse response) {
    ProxyBranch b = branchOf(tx);
    int status = response.status();
    if (b == null) {
      if (status >= 200 && status < 300) forward(response, status, null); // a 2xx retransmission after release()
      return;
    }
    if (b.noAnswer != Scheduler.NONE) {
      table.scheduler().cancel(b.noAnswer);
      b.noAnswer = Scheduler.NONE;
    }
    if (status < 200) {
      provisional(b, response);
      return;
    }
    if (status < 300) {
      // §16.7 step 5: every 2xx is forwarded at once, from every branch.
      boolean first = !finalSent;
      forward(response, status, b.media);
      finalSent = true;
      if (b.pending()) ended(b, status, null, null);
      if (first && invite) cancelPending(); // §16.7 step 10
      return;
    }
    if (!b.pending()) return;
    if (b.timedOut) {
      ended(b, 408, null, "Request Timeout");
      return;
    }
    if (status == 503 && nextHop(b, "answered 503")) return;
    if (status >= 600 && invite) {
      // §16.7 step 5: a 6xx ends the search: cancel the other branches, start no new one.
      sixx = true;
      cancelPending();
    }
    ended(b, status, response, null);
  }

  private void provisional(ProxyBranch b, SipResponse response) {
    if (!b.provisional) {
      b.provisional = true;
      if (b.cancelWanted && !b.cancelSent) sendCancel(b);
    }
    int status = response.status();
    if (status == 100 || !b.pending()) return;
    if (invite && !b.cancelSent) {
      // §16.7 step 2: a provisional other than 100 restarts Timer C.
      table.scheduler().cancel(b.timerC);
      b.timerC = table.scheduler().schedule(config.timerC() * 1000L, () -> timerC(b));
    }
    if (!finalSent) forward(response, status, b.media);
  }

  @Override
  public void timeout(ClientTransaction tx) {
    ProxyBranch b = branchOf(tx);
    if (b == null || !b.pending()) return;
    // a live node answers an INVITE with 100 Trying at once, whatever its client does
    if (!b.provisional && nextHop(b, "did not answer")) return;
    if (invite && !b.provisional) nodeGone(b, "did not answer the INVITE at all");
    ended(b, 408, null, "Request Timeout");
  }

  @Override
  public void transportError(ClientTransaction tx, String reason) {
    ProxyBranch b = branchOf(tx);
    if (b == null || !b.pending()) return;
    if (nextHop(b, "is unreachable (" + reason + ")")) return;
    LOG.info("could not forward " + method + " to " + b.target + ": " + reason + " (Call-ID " + callId + ")");
    nodeGone(b, "is unreachable (" + reason + ")");
    ended(b, 503, null, "Service Unavailable (next hop unreachable)");
  }

  /**
   * A branch to a binding whose flow is held by another node, and that node is gone: the flow went
   * with it (RFC 5626 §5.3), so the binding is removed rather than tried by every call until it
   * expires; the client registers a new flow through a node that is there.
   */
  private void nodeGone(ProxyBranch b, String why) {
    if (!b.target.throughNodeRoute()) return;
    Binding binding = b.target.binding();
    LOG.info(method + " to " + aor + ": the node holding the flow of binding " + binding.contact() + " " + why + " (Call-ID " + callId + ")");
    flowFailed.accept(binding, callId);
  }

  /**
   * §16.8: Timer C fired. A branch that answered provisionally is cancelled; one that did not is
   * given up (a CANCEL must wait for a provisional, §9.1). Either way it counts as 408.
   */
  private void timerC(ProxyBranch b) {
    b.timerC = Scheduler.NONE;
    if (!b.pending()) return;
    LOG.info("no final response from " + b.target + " in " + config.timerC() + " s (Timer C) (Call-ID " + callId + ")");
    b.timedOut = true;
    if (b.provisional) {
      sendCancel(b);
    } else {
      b.cancelWanted = true;
      ended(b, 408, null, "Request Timeout");
    }
  }

  /** The failover timeout: no response at all from this hop; the next one, or the branch ends as 408. */
  private void noAnswer(ProxyBranch b) {
    b.noAnswer = Scheduler.NONE;
    if (!b.pending() || b.provisional || b.tx == null) return;
    if (nextHop(b, "did not answer in " + failover.timeout() + " ms")) return;
    LOG.info(method + " to " + b.hops.get(b.hop) + ": no answer in " + failover.timeout() + " ms (Call-ID " + callId + ")");
    b.tx.abandon();
    ended(b, 408, null, "Request Timeout");
  }

  /** §16.10: the caller's CANCEL. */
  void cancel() {
    if (cancelled) return;
    cancelled = true;
    LOG.fine(() -> "CANCEL of " + method + ": cancelling " + branches.size() + " branch(es) (Call-ID " + callId + ")");
    cancelPending();
  }

  private void cancelPending() {
    for (ProxyBranch b : branches) {
      if (!b.pending() || b.cancelSent) continue;
      if (b.tx != null && b.provisional) sendCancel(b);
      else b.cancelWanted = true;
    }
  }

  /** Sends the CANCEL of a branch (§9.1), and gives the branch 64*T1 to end after it. */
  private void sendCancel(ProxyBranch b) {
    if (b.tx.terminated()) return;
    b.cancelSent = true;
    table.scheduler().cancel(b.timerC);
    b.timerC = Scheduler.NONE;
    try {
      Buffer cancel = RequestBuilder.cancel(b.tx.sentRequest());
      table.newClient(Methods.CANCEL, b.tx.branch(), cancel, callId, b.tx.reliable(), b.tx.wire(), CANCEL_USER).start();
    } catch (SipParseException | RuntimeException e) {
      LOG.warning("cannot build the CANCEL for " + b.target + ": " + e.getMessage() + " (Call-ID " + callId + ")");
    }
    b.cancelGuard = table.scheduler().schedule(table.timing().timeout(), () -> {
      if (!b.pending()) return;
      // §9.1: no final response 64*T1 after the CANCEL: the client transaction is considered gone.
      b.tx.abandon();
      ended(b, b.timedOut ? 408 : 487, null, b.timedOut ? "Request Timeout" : "Request Terminated");
    });
  }

  private void ended(ProxyBranch b, int status, SipResponse response, String reason) {
    b.finalStatus = status;
    lastStatus = status;
    table.scheduler().cancel(b.timerC);
    table.scheduler().cancel(b.cancelGuard);
    table.scheduler().cancel(b.noAnswer);
    b.timerC = b.cancelGuard = b.noAnswer = Scheduler.NONE;
    if (b.counted) {
      b.counted = false;
      if (invite && status < 300) established.accept(callId, b.target.load()); // counted until its BYE
      else b.target.load().ended();
    }
    Binding binding = b.target.binding();
    if (status == 430 && binding != null) {
      // RFC 5626 §5.3, §11.5: the flow this binding was reached over has failed (other flows of the
      // instance may not have); the binding goes, and the caller, for whom 430 means nothing, is told
      // the user is not reachable now
      LOG.info(method + " to " + aor + ": the flow of binding " + binding.contact() + " has failed (430) (Call-ID " + callId + ")");
      flowFailed.accept(binding, callId);
      best.consider(480, null, "Temporarily Unavailable");
    } else if (status >= 300) {
      best.consider(status, response, reason);
    }
    for (ProxyBranch x : branches) if (x.pending()) return;
    allEnded();
  }

  private void allEnded() {
    if (finalSent) {
      release();
      return;
    }
    if (!cancelled && !sixx && nextGroup < groups.size() && (failover == null || failover.failsOver(lastStatus))) {
      startGroup();
      return;
    }
    if (failureHandler != null && !cancelled && failureRuns < MAX_FAILURE_ROUTES) {
      FailureHandler h = failureHandler;
      failureHandler = null;
      failureRuns++;
      h.failed(this, best.status());
      return;
    }
    FailureRoute route = cancelled || failureRouted || aor == null ? null : config.failureRoute(best.status(), aor);
    if (route != null) {
      failureRouted = true;
      LOG.info(method + " to " + aor + " failed with " + best.status() + "; failure route to " + route.target() + " (Call-ID " + callId + ")");
      targetsOf.apply(route.target()).onComplete(ar -> {
        if (ar.failed() || ar.result().isEmpty() || cancelled) {
          LOG.info("failure route " + route.target() + " leads nowhere" + (ar.failed() ? " (" + ar.cause().getMessage() + ")" : "")
              + "; answering " + best.statusToSend() + " (Call-ID " + callId + ")");
          sendBest();
          release();
          return;
        }
        groups = List.of(ar.result());
        nextGroup = 0;
        best.clear();
        startGroup();
      });
      return;
    }
    sendBest();
    release();
  }

  private void sendBest() {
    finalSent = true;
    int status = best.statusToSend();
    if (report != null) report.answered(status, null);
    Buffer data;
    try {
      data = best.toSend(in.req());
    } catch (SipParseException e) {
      LOG.info("dropped " + status + " response: " + e.reason() + " (Call-ID " + callId + ")");
      return;
    }
    if (media == null) {
      server.respond(status, data);
      return;
    }
    media.failed(); // every final answer this proxy makes up is a failure (>= 300)
    upstream = upstream.andThen(x -> server.respond(status, data));
  }

  /**
   * Forwards a response upstream, our Via removed; with a media leg its SDP is first rewritten for
   * the caller when its branch was bridged ({@code bridge}, null for a 2xx retransmitted after release).
   */
  private void forward(SipResponse response, int status, MediaPolicy.Bridge bridge) {
    if (media == null) {
      respond(response, status, null);
      return;
    }
    if (bridge == null && status >= 200 && status < 300) media.answeredDirectly(response);
    upstream = upstream.compose(x -> media.answer(response, bridge)).transform(sdp -> {
      respond(response, status, sdp.succeeded() ? sdp.result() : null);
      return Future.succeededFuture();
    });
  }

  /** Told of the state of the call at each answer upstream (dialog-info); null: not reported. */
  private DialogReport report;

  void report(DialogReport r) { this.report = r; }

  private void respond(SipResponse response, int status, String sdp) {
    try {
      if (report != null) report.answered(status, response.to().tag());
      MessageEdit edit = response.edit().removeFirstValue(HeaderName.VIA, response.topVia().toString());
      if (sdp != null) edit.body(sdp);
      server.respond(status, edit.toBuffer());
    } catch (SipParseException e) {
      LOG.info("dropped " + status + " response: " + e.reason() + " (Call-ID " + callId + ")");
    }
  }

  private ProxyBranch branchOf(ClientTransaction tx) {
    for (ProxyBranch b : branches) if (b.tx == tx) return b;
    return null;
  }

  /**
   * Lets go of the request and the branches once the answer is out and every branch has ended: the
   * context then only forwards 2xx retransmissions, and lingers with its client transactions (64*T1).
   */
  private void release() {
    for (ProxyBranch b : branches) if (b.pending()) return;
    in = null;
    plan = null;
    best.clear();
    branches = List.of();
    groups = List.of();
  }
}
