package io.sipgw.proxy;

import io.sipgw.registrar.Registrar;
import io.sipgw.sip.Escapes;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.MessageValidator;
import io.sipgw.sip.Methods;
import io.sipgw.sip.ResponseBuilder;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipUri;
import io.sipgw.transport.Flow;
import io.sipgw.transport.Transports;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A REGISTER for one of this server's domains (RFC 3261 §10.3): the checks before the registrar (a
 * domain of this registrar in To, Require), the registrar, and the answer, sent statelessly as
 * Kamailio's save() does (a retransmission is recognised by its Call-ID and CSeq and answered again).
 *
 * <p>A REGISTER that needs nothing else — no Route, a Request-URI of a local domain — is handled on
 * the event loop that received it ({@link #onReceivingLoop}): it keeps no transaction or dialog state,
 * so it gains nothing from its Call-ID's routing loop, and the two hops there and back (to the routing
 * loop, then to the socket's loop for the 200) are saved. The REGISTERs of one client still come in
 * order: one flow is read by one loop. Anything else goes the usual way, through routing.
 */
public final class Registrations {
  private static final Logger LOG = Logger.getLogger("sipgw.proxy");

  private final Supplier<RoutingSettings> settings;
  private final Registrar registrar;
  private final Authentication authentication;
  private final Responder responder;
  private final Transports transports;

  public Registrations(Transports transports, Supplier<RoutingSettings> settings, Registrar registrar, Authentication authentication) {
    this.transports = transports;
    this.settings = settings;
    this.registrar = registrar;
    this.authentication = authentication;
    this.responder = new Responder(transports);
  }

  /**
   * On the loop that received {@code req}: handles it if it is a REGISTER with no Route for a local
   * Request-URI and valid; false for anything else, which then goes to its routing loop (where an
   * invalid one is answered).
   */
  public boolean onReceivingLoop(SipRequest req, Flow flow) {
    if (!req.isMethod(Methods.REGISTER)) return false;
    try {
      if (!req.fields(HeaderName.ROUTE).isEmpty()) return false;
      MessageValidator.validateRequest(req);
      SipUri ruri = req.requestUri();
      LocalDomains domains = settings.get().domains();
      if (!ruri.isSip() || !domains.isLocal(ruri)) return false;
      register(req, flow, domains, transports.metrics().enabled() ? System.nanoTime() : 0);
      return true;
    } catch (SipParseException | RuntimeException e) {
      return false; // routing answers it, with the reason
    }
  }



  /** A REGISTER whose Request-URI is local: to the registrar, unless its To or its Require rules it out. */
  void register(SipRequest req, Flow flow, LocalDomains domains) throws SipParseException { register(req, flow, domains, 0); }

  /** As {@link #register(SipRequest, Flow, LocalDomains)}, for a REGISTER received at {@code at} ({@link System#nanoTime}; 0: unknown). */
  void register(SipRequest req, Flow flow, LocalDomains domains, long at) throws SipParseException {
    SipUri to = req.to().uri();
    if (to.isSip() && !domains.isLocal(to.host())) {
      LOG.info("rejected REGISTER from " + flow + " with 403 Forbidden (not a domain of this registrar) (Call-ID " + req.callId() + ")");
      responder.send(req, flow, ResponseBuilder.of(req, 403, "Forbidden (not a domain of this registrar)").toBuffer(), at);
      return;
    }
    String unsupported = unsupported(req.header(HeaderName.REQUIRE), "path", "outbound");
    if (unsupported != null) {
      LOG.info("rejected REGISTER from " + flow + " with 420: Require " + unsupported + " (Call-ID " + req.callId() + ")");
      responder.send(req, flow, ResponseBuilder.of(req, 420).header(HeaderName.UNSUPPORTED, unsupported).toBuffer(), at);
      return;
    }
    String aor = to.isSip() ? Escapes.unescape(to.user() == null ? "" : to.user()) + "@" + domains.canonical(to.host()) : null;
    Future<Authentication.Refusal> admitted = authentication.check(req, flow, domains);
    if (admitted.succeeded() && admitted.result() == null) { // auth off, or done at once: no callback
      registrar.register(req, flow, aor).onSuccess(resp -> responder.send(req, flow, resp, at));
      return;
    }
    admitted.onComplete(ar -> {
      if (ar.failed()) {
        LOG.fine(() -> "REGISTER from " + flow + ": credentials unavailable: " + ar.cause().getMessage() + " (Call-ID " + req.callId() + ")");
        responder.send(req, flow, ResponseBuilder.of(req, 500, "Server Internal Error (credentials unavailable)").toBuffer(), at);
      } else if (ar.result() != null && ar.result() != Authentication.AUTHENTICATED) {
        responder.send(req, flow, ar.result().response(), at);
      } else {
        registrar.register(req, flow, aor).onSuccess(resp -> responder.send(req, flow, resp, at));
      }
    });
  }

  /** The option tags of a Require / Proxy-Require value that are not among {@code supported}; null when none. */
  static String unsupported(String value, String... supported) {
    if (value == null) return null;
    List<String> out = new ArrayList<>();
    for (String tag : value.split(",")) {
      String t = tag.trim();
      if (t.isEmpty()) continue;
      boolean ok = false;
      for (String s : supported) ok |= s.equalsIgnoreCase(t);
      if (!ok) out.add(t);
    }
    return out.isEmpty() ? null : String.join(", ", out);
  }
}
