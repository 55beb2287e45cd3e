package io.sipgw.proxy;

import io.sipgw.config.DomainMode;
import io.sipgw.sip.Escapes;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.Methods;
import io.sipgw.sip.ResponseBuilder;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipUri;
import io.sipgw.store.Binding;
import io.sipgw.store.LocationStore;
import io.sipgw.transport.Transports;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * What the rules do for the users of the local domains: {@code save} (the registrar), {@code presence}
 * (the presence server), {@code lookup} (the location service: forking to the bindings, 404, 480, a
 * stored MESSAGE, a redirect) and {@code options} (the server itself). One per routing loop.
 */
final class LocalUsers {
  private static final Logger LOG = Logger.getLogger("sipgw.proxy");

  private final RequestRouter router;
  private final Transports transports;
  private final Supplier<RoutingSettings> settings;
  private final LocationStore store;
  private final Registrations registrations;
  private final BindingTargets bindingTargets;
  private final OfflineStorage offline;
  private final PresenceService presence;

  LocalUsers(RequestRouter router, Transports transports, Supplier<RoutingSettings> settings, LocationStore store,
      Registrations registrations, OfflineStorage offline, PresenceService presence) {
    this.router = router;
    this.transports = transports;
    this.settings = settings;
    this.store = store;
    this.registrations = registrations;
    this.bindingTargets = new BindingTargets(transports);
    this.offline = offline;
    this.presence = presence;
  }

  /** The rules' {@code save}: the REGISTER goes to the registrar. */
  void register(RoutedRequest x) {
    try {
      registrations.register(x.in.req(), x.in.flow(), settings.get().domains());
    } catch (SipParseException e) {
      router.reject(x.in, e.status(), e.status() == 400 ? "Bad Request (" + e.reason() + ")" : e.reason());
    }
  }

  /** The rules' {@code presence}: true when the presence server takes the request (it then answers it). */
  boolean presence(RoutedRequest x) {
    IncomingRequest in = x.in;
    if (in.tx() == null || !presence.takes(in.req())) return false;
    LocalDomains domains = settings.get().domains();
    SipUri target = x.requestUri();
    try {
      answerForPresence(in, Escapes.unescape(target.user()) + "@" + domains.canonical(target.host()), Relay.localAor(in.req().from().uri(), domains));
    } catch (SipParseException e) {
      router.reject(in, 400, "Bad Request (" + e.reason() + ")");
    }
    return true;
  }

  /**
   * The rules' {@code lookup}: the location service's bindings of the local user the Request-URI
   * names, forked to; 404 for a user it does not know, 480 for one with no reachable binding (after
   * the failure routes), a stored MESSAGE (RFC 3428 §7), or a 302 in a redirect domain.
   */
  void lookup(RoutedRequest x) {
    IncomingRequest in = x.in;
    SipRequest req = in.req();
    String loopKey;
    try {
      loopKey = router.mayForward(in);
    } catch (SipParseException e) {
      router.reject(in, e.status(), e.status() == 400 ? "Bad Request (" + e.reason() + ")" : e.reason());
      return;
    }
    if (loopKey == null) return;
    ForwardPlan plan = x.plan(loopKey, null, x.newRequestUri());
    LocalDomains domains = settings.get().domains();
    SipUri target = x.requestUri();
    String aor = Escapes.unescape(target.user()) + "@" + domains.canonical(target.host());
    DomainMode mode = domains.mode(target.host());
    store.lookup(aor).onComplete(ar -> {
      if (ar.failed()) {
        // the store logs the outage once; per request only at FINE
        LOG.fine(() -> "location lookup of " + aor + " failed: " + ar.cause().getMessage() + " (Call-ID " + req.callId() + ")");
        if (!req.isMethod(Methods.ACK)) {
          router.send(in, 503, ResponseBuilder.of(req, 503, "Service Unavailable (location service unavailable)")
              .header(HeaderName.RETRY_AFTER, Integer.toString(router.retryAfter())).toBuffer());
        }
        return;
      }
      List<Binding> bindings = ar.result().bindings();
      // bindings whose connection has closed (a browser's WebSocket) are unreachable: 480, not a timeout
      List<BranchTarget> targets = mode == DomainMode.REDIRECT ? null : bindingTargets.of(bindings);
      boolean unreachable = bindings.isEmpty() || targets != null && targets.isEmpty();
      if (unreachable && in.tx() != null && req.isMethod(Methods.MESSAGE) && !transports.isInternal(in.flow())) {
        // RFC 3428 §7: a proxy may store and forward; one of our own deliveries is never stored again
        offline.keep(req, aor, ar.result().known()).onComplete(kept -> {
          if (kept.succeeded() && kept.result() != null) {
            Buffer answer = kept.result();
            router.send(in, statusOf(answer), answer);
          } else {
            notFoundOrUnavailable(x, plan, aor, ar.result().known());
          }
        });
      } else if (!ar.result().known() || unreachable) {
        notFoundOrUnavailable(x, plan, aor, ar.result().known());
      } else if (mode == DomainMode.REDIRECT) {
        redirect(in, bindings);
      } else {
        router.relay().relay(x, plan, targets, aor, null);
      }
    });
  }

  /** The presence server answers (on its own loop); the answer leaves from this one, by the transaction. */
  private void answerForPresence(IncomingRequest in, String aor, String fromAor) {
    Context here = Vertx.currentContext();
    presence.answer(in.req(), in.flow(), aor, fromAor).onComplete(ar -> here.runOnContext(v -> {
      if (ar.succeeded()) {
        router.send(in, statusOf(ar.result()), ar.result());
      } else {
        LOG.warning(in.req().method() + " for " + aor + " not answered by the presence server: " + ar.cause().getMessage()
            + " (Call-ID " + in.callId() + ")");
        router.send(in, 500, ResponseBuilder.of(in.req(), 500).toBuffer());
      }
    }));
  }

  /** 404 for an AOR the location service does not know; 480 (after the failure routes) for one with no reachable binding. */
  private void notFoundOrUnavailable(RoutedRequest x, ForwardPlan plan, String aor, boolean known) {
    IncomingRequest in = x.in;
    if (!known) router.reject(in, 404, "Not Found");
    else if (in.tx() == null) router.reject(in, 480, "Temporarily Unavailable");
    else router.relay().context(x, plan, aor).start(List.of(), 480, "Temporarily Unavailable");
  }

  /** The status code of a response built here ({@code SIP/2.0 NNN …}). */
  private static int statusOf(Buffer response) {
    return (response.getByte(8) - '0') * 100 + (response.getByte(9) - '0') * 10 + (response.getByte(10) - '0');
  }

  /** A request addressed to the server itself (no user part): OPTIONS is answered, the rest is not served. */
  void toServer(IncomingRequest in) {
    SipRequest req = in.req();
    if (req.isMethod(Methods.OPTIONS)) {
      router.send(in, 200, ResponseBuilder.of(req, 200).header(HeaderName.ALLOW, RequestRouter.ALLOW)
          .header(HeaderName.ACCEPT, "application/sdp").toBuffer());
    } else {
      router.reject(in, 404, "Not Found");
    }
  }

  private void redirect(IncomingRequest in, List<Binding> bindings) {
    SipRequest req = in.req();
    if (req.isMethod(Methods.ACK)) return;
    long now = System.currentTimeMillis();
    ResponseBuilder rb = ResponseBuilder.of(req, 302);
    for (Binding b : BindingTargets.byFallingQ(bindings)) {
      rb.header(HeaderName.CONTACT, "<" + b.contact() + ">" + (b.q() != 1.0f ? ";q=" + b.q() : "") + ";expires=" + b.remainingSeconds(now));
    }
    LOG.fine(() -> "redirected " + req.method() + " to " + bindings.size() + " contact(s) (Call-ID " + req.callId() + ")");
    router.send(in, 302, rb.toBuffer());
  }

}
