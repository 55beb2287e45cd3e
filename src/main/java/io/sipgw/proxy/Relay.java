package io.sipgw.proxy;

import io.sipgw.config.Failover;
import io.sipgw.config.MediaConfig;
import io.sipgw.media.MediaRelay;
import io.sipgw.registrar.Registrar;
import io.sipgw.sip.Escapes;
import io.sipgw.sip.Methods;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipUri;
import io.sipgw.store.LocationStore;
import io.sipgw.transaction.TransactionTable;
import io.sipgw.transport.Listener;
import io.sipgw.transport.Transports;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Sends a routed request on (RFC 3261 §16.6): with a server transaction through a {@link
 * ResponseContext} (forking, failover, failure routes, media), without one copy by copy (§16.11);
 * and what a BYE ends (media, dialog-info, a counted call). One per routing loop.
 */
final class Relay {
  private static final Logger LOG = Logger.getLogger("sipgw.proxy");
  private static final int MAX_CALLS = 10_000;

  private final RequestRouter router;
  private final Supplier<RoutingSettings> settings;
  private final RequestForwarder forwarder;
  private final TransactionTable table;
  private final MediaRelay media;
  private final Registrar registrar;
  private final DialogEvents dialogs;
  private final LocationStore store;
  private final BindingTargets bindingTargets;

  Relay(RequestRouter router, Transports transports, Supplier<RoutingSettings> settings, RequestForwarder forwarder, TransactionTable table,
      MediaRelay media, Registrar registrar, DialogEvents dialogs, LocationStore store) {
    this.router = router;
    this.settings = settings;
    this.forwarder = forwarder;
    this.table = table;
    this.media = media;
    this.registrar = registrar;
    this.dialogs = dialogs;
    this.store = store;
    this.bindingTargets = new BindingTargets(transports);
  }

  /**
   * Late offers whose 2xx went up, for the ACK that brings the answer, by Call-ID: this loop's own,
   * until the BYE. Bounded: a call that never ends leaves its entry until newer ones push it out.
   */
  private final Map<String, MediaLeg> awaitingAck = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, MediaLeg> eldest) { return size() > MAX_CALLS; }
  };

  /**
   * Calls answered by a dispatcher destination counted for least-calls, by Call-ID, until their BYE
   * (this loop's own). Bounded: a call whose BYE never comes is let go when newer ones push it out.
   */
  private final Map<String, CallLoad> answeredCalls = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, CallLoad> eldest) {
      if (size() <= MAX_CALLS) return false;
      eldest.getValue().ended();
      return true;
    }
  };

  /**
   * Forwards to the targets: through a response context when the request has a server transaction,
   * else each copy on its own, without state (§16.11).
   */
  void relay(RoutedRequest x, ForwardPlan plan, List<BranchTarget> targets, String aor, Failover failover) {
    IncomingRequest in = x.in;
    if (in.req().isMethod(Methods.BYE)) {
      byeEnds(in.req());
      CallLoad load = answeredCalls.remove(in.callId());
      if (load != null) load.ended();
    }
    if (in.req().isMethod(Methods.BYE) && media != null) {
      endMedia(in.req());
      awaitingAck.remove(in.callId());
    }
    if (in.tx() != null) {
      ResponseContext c = context(x, plan, aor);
      if (failover == null) c.start(targets, 0, null);
      else c.startInTurn(targets, failover);
      return;
    }
    // kept until the BYE: an ACK sent again (its 2xx was retransmitted) is answered the same way
    MediaLeg late = in.req().isMethod(Methods.ACK) ? awaitingAck.get(in.callId()) : null;
    if (late != null) {
      // the ACK of a late offer's 2xx brings the answer (RFC 3261 §13.2.1): through the relay first
      late.ackAnswer(in.req()).onComplete(sdp -> {
        for (BranchTarget t : targets) forwardStateless(in, plan, t, sdp.result());
      });
      return;
    }
    for (BranchTarget t : targets) forwardStateless(in, plan, t, null);
  }

  ResponseContext context(RoutedRequest x, ForwardPlan plan, String aor) {
    IncomingRequest in = x.in;
    RoutingSettings s = settings.get();
    MediaConfig mediaConfig = x.mediaMode() == null ? s.media() : s.media().withMode(x.mediaMode());
    ResponseContext c = new ResponseContext(forwarder, table, s.proxy(), in, plan, aor, this::targetsOf,
        MediaLeg.of(media, mediaConfig, in, awaitingAck::put), registrar::flowFailed);
    if (x.hasFailureRoute()) c.onFailure(x::failed);
    c.onEstablished(answeredCalls::put);
    if (dialogs.wanted() && in.req().isMethod(Methods.INVITE)) {
      try {
        SipRequest req = in.req();
        String caller = localAor(req.from().uri(), s.domains());
        if (req.to().tag() == null && (caller != null || aor != null)) {
          c.report(new DialogReport(dialogs, req.callId(), caller, aor, req.from().tag()));
        }
      } catch (SipParseException e) {
        // validated before: not reached
      }
    }
    return c;
  }

  /** {@code user@domain} for a URI of a local domain with a user; null for any other. */
  static String localAor(SipUri uri, LocalDomains domains) {
    if (!uri.isSip() || uri.user() == null || !domains.isLocal(uri.host())) return null;
    return Escapes.unescape(uri.user()) + "@" + domains.canonical(uri.host());
  }

  /** A BYE ends the call for the local users on either side (dialog-info). */
  private void byeEnds(SipRequest bye) {
    if (!dialogs.wanted()) return;
    try {
      LocalDomains domains = settings.get().domains();
      String from = localAor(bye.from().uri(), domains);
      String to = localAor(bye.to().uri(), domains);
      if (from != null || to != null) dialogs.state(bye.callId(), from, to, "terminated", bye.from().tag(), bye.to().tag());
    } catch (SipParseException e) {
      // validated before: not reached
    }
  }

  /** A BYE ends the call's media, whichever side sent it (either tag names the call to rtpengine). */
  private void endMedia(SipRequest bye) {
    try {
      String tag = bye.from().tag();
      if (tag != null) media.delete(bye.callId(), tag);
    } catch (SipParseException e) {
      // validated before: cannot happen; the BYE goes on regardless
    }
  }

  /**
   * Where a URI leads (a failure route's target): the bindings of a local user, forked as any call to
   * that user would be; any other URI as it is, resolved (RFC 3263) when forwarded.
   */
  Future<List<BranchTarget>> targetsOf(SipUri uri) {
    LocalDomains domains = settings.get().domains();
    if (uri.user() == null || !domains.isLocal(uri)) {
      return Future.succeededFuture(List.of(BranchTarget.resolve(uri.toString(), uri, null, 1.0f)));
    }
    String aor = Escapes.unescape(uri.user()) + "@" + domains.canonical(uri.host());
    return store.lookup(aor).map(r -> bindingTargets.of(r.bindings()));
  }

  /** Forwards one copy without state; its SDP replaced by {@code sdp} unless that is null. */
  private void forwardStateless(IncomingRequest in, ForwardPlan plan, BranchTarget t, String sdp) {
    SipRequest req = in.req();
    forwarder.hopFor(t).onComplete(ar -> {
      if (ar.failed()) {
        router.reject(in, 404, "Not Found (cannot resolve " + t + ")");
        return;
      }
      NextHop hop = ar.result();
      Listener out = forwarder.listenerFor(hop);
      if (out == null) {
        router.reject(in, 503, "Service Unavailable (no " + hop.target().transport() + " listener)");
        return;
      }
      Buffer data;
      try {
        data = forwarder.build(in, plan, t, out, Branches.branch(plan.loopKey(), req, hop.toString()), sdp);
      } catch (SipParseException e) {
        router.reject(in, 400, "Bad Request (" + e.reason() + ")");
        return;
      }
      forwarder.wireTo(hop).send(data).onComplete(sent -> {
        if (sent.succeeded()) {
          LOG.fine(() -> "forwarded " + req.method() + " statelessly to " + hop + " (Call-ID " + req.callId() + ")");
        } else {
          LOG.info("could not forward " + req.method() + " to " + hop + ": " + sent.cause().getMessage() + " (Call-ID " + req.callId() + ")");
          if (!req.isMethod(Methods.ACK)) router.reject(in, 503, "Service Unavailable (next hop unreachable)");
        }
      });
    });
  }
}
