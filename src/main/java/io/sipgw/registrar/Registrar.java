package io.sipgw.registrar;

import io.sipgw.config.RegistrarConfig;
import io.sipgw.nat.NatDetection;
import io.sipgw.sip.HeaderField;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.NameAddr;
import io.sipgw.sip.ResponseBuilder;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipUri;
import io.sipgw.sip.Transport;
import io.sipgw.store.Binding;
import io.sipgw.store.BindingChange;
import io.sipgw.store.LocationStore;
import io.sipgw.transport.Transports;
import io.sipgw.transport.Flow;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The registrar (RFC 3261 §10.3): adds, refreshes and removes the bindings of an address of record
 * from a REGISTER (the caller names the AOR, with the domain in its canonical form) and answers with every current binding and its remaining time. Keeps with each
 * binding the source address and flow it came from, and its Path (RFC 3327).
 */
public final class Registrar {
  private static final Logger LOG = Logger.getLogger("sipgw.registrar");

  private final LocationStore store;
  private final Supplier<RegistrarConfig> settings;
  private final LongSupplier clock;
  private final FlowBindings flowBindings = new FlowBindings();
  private final RegistrationListener listener;
  private final StringPool userAgents = new StringPool(1024);
  /** The node whose connections the bindings it saves name (see {@link Binding.Source#node}); null: none. */
  private final Transports transports;

  public Registrar(LocationStore store, Supplier<RegistrarConfig> settings, LongSupplier clock) {
    this(store, settings, clock, RegistrationListener.NONE, null);
  }

  /**
   * A registrar of the node whose transports are {@code transports} that tells {@code listener} what
   * each accepted REGISTER left (for the NAT pinger). Its bindings name that node, and those that can
   * only be reached over their connection carry the node's route to it for the other nodes.
   */
  public Registrar(LocationStore store, Supplier<RegistrarConfig> settings, LongSupplier clock, RegistrationListener listener,
      Transports transports) {
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
    this.transports = transports;
  }

  private String node() { return transports == null ? null : transports.node(); }

  /** Handles a REGISTER for one of this server's domains; the future holds the response to send. */
  public Future<Buffer> register(SipRequest req, Flow flow, String aor) {
    RegistrarConfig cfg = settings.get();
    String callId = req.callId();
    List<Binding> requested;
    boolean wildcard;
    long cseq;
    try {
      SipUri to = req.to().uri();
      if (!to.isSip() || aor == null) return reply(req, 400, "Bad Request (To is not a SIP or SIPS URI)", null);
      cseq = req.cseq().number();
      long headerExpires = req.expires();
      List<HeaderField> contactFields = req.fields(HeaderName.CONTACT);
      wildcard = contactFields.size() == 1 && contactFields.get(0).value().equals("*");
      if (wildcard) {
        // §10.3 step 6: "*" only with Expires: 0 and as the only Contact.
        if (headerExpires != 0) return reply(req, 400, "Bad Request (Contact * needs Expires: 0)", null);
        requested = List.of();
      } else {
        requested = new ArrayList<>();
        long now = clock.getAsLong();
        List<String> path = pathOf(req);
        String ua = userAgents.share(req.header(HeaderName.USER_AGENT));
        // Kamailio's fix_nated_register: a UDP phone whose Via shows a NAT is reached at its source
        boolean viaBehindNat = flow.transport() == Transport.UDP && NatDetection.viaBehindNat(req.topVia(), flow.remoteHost(), flow.remotePort());
        for (NameAddr c : req.addresses(HeaderName.CONTACT)) {
          ContactRequest cr = ContactRequest.of(c, headerExpires, cfg.defaultExpires());
          long expires = cr.expires();
          if (expires != 0 && expires < cfg.minExpires()) {
            return reply(req, 423, null, ResponseBuilder.of(req, 423).header(HeaderName.MIN_EXPIRES, Integer.toString(cfg.minExpires())));
          }
          expires = Math.min(expires, cfg.maxExpires());
          Binding b = new Binding(aor, c.uri().toString(), expires == 0 ? 0 : now + expires * 1000, cr.q(), callId, cseq,
              new Binding.Source(flow.transport().uriParam(), flow.listener().name(), flow.remoteHost(), flow.remotePort(), flow.connectionId(),
                  viaBehindNat, node(), null),
              path, cr.instanceId(), cr.regId(), ua);
          // another node reaches a connection-only binding through this one (RFC 5626 §5.2 flow token)
          String route = transports != null && FlowBindings.boundToFlow(b) ? transports.nodeRoute(flow) : null;
          requested.add(route == null ? b : b.withSource(b.source().withRoute(route)));
        }
      }
    } catch (SipParseException e) {
      return reply(req, 400, "Bad Request (" + e.reason() + ")", null);
    }
    int maxContacts = cfg.maxContacts();
    Future<RegistrationOutcome> outcome;
    boolean[] offline = {false}; // whether the AOR had no live binding before: set by the last try of the update
    if (wildcard) {
      outcome = store.update(aor, current -> BindingRules.removeAll(current, callId, cseq));
    } else if (requested.isEmpty()) {
      outcome = store.lookup(aor).map(r -> RegistrationOutcome.ok(r.bindings()));
    } else {
      long now = clock.getAsLong();
      outcome = store.update(aor, current -> {
        offline[0] = current.stream().noneMatch(b -> b.expiresAtMillis() > now);
        return BindingRules.apply(current, requested, maxContacts);
      });
    }
    return outcome.map(o -> {
      if (o.refused()) {
        LOG.info("REGISTER " + aor + " from " + flow + " refused: " + o.status() + " " + o.reason() + " (Call-ID " + callId + ")");
        return ResponseBuilder.of(req, o.status(), o.reason()).toBuffer();
      }
      LOG.fine(() -> "REGISTER " + aor + " from " + flow + ": " + o.bindings().size() + " binding(s) (Call-ID " + callId + ")");
      if (flow.connectionId() != 0) flowBindings.saved(aor, o.bindings());
      listener.saved(req, flow, aor, o.bindings(), offline[0] && !o.bindings().isEmpty());
      return ok(req, o.bindings());
    }).recover(e -> {
      // a shared store logs its outage once; per REGISTER only at FINE
      LOG.fine(() -> "REGISTER " + aor + ": location store failed: " + e.getMessage() + " (Call-ID " + callId + ")");
      return Future.succeededFuture(ResponseBuilder.of(req, 500, "Server Internal Error (location store unavailable)")
          .header(HeaderName.RETRY_AFTER, "5").toBuffer());
    });
  }

  private Buffer ok(SipRequest req, List<Binding> bindings) {
    long now = clock.getAsLong();
    ResponseBuilder rb = ResponseBuilder.of(req, 200);
    for (Binding b : bindings) {
      StringBuilder c = new StringBuilder(96).append('<').append(b.contact()).append(">;expires=").append(b.remainingSeconds(now));
      if (b.q() != 1.0f) c.append(";q=").append(b.q());
      if (b.instanceId() != null) {
        c.append(";+sip.instance=").append(b.instanceId());
        if (b.regId() != 0) c.append(";reg-id=").append(b.regId());
      }
      rb.header(HeaderName.CONTACT, c.toString());
    }
    // RFC 3327 §5.3: the Path is echoed when the UA said it supports it.
    String supported = req.header(HeaderName.SUPPORTED);
    if (supported != null && supported.toLowerCase(Locale.ROOT).contains("path")) {
      for (HeaderField f : req.fields(HeaderName.PATH)) rb.header(HeaderName.PATH, f.value());
    }
    // RFC 5626 §6: a registrar that kept an outbound flow (a Contact with reg-id) says so.
    if (supported != null && supported.toLowerCase(Locale.ROOT).contains("outbound") && hasRegId(bindings, req.callId())) {
      rb.header(HeaderName.REQUIRE, "outbound");
    }
    return rb.toBuffer();
  }

  private static boolean hasRegId(List<Binding> bindings, String callId) {
    for (Binding b : bindings) if (b.regId() != 0 && b.callId().equals(callId)) return true;
    return false;
  }

  /**
   * A connection closed: the bindings that could only be reached over it (WebSocket, RFC 5626 flows)
   * are removed at once, so a call to them gets 480 rather than waiting for a timeout.
   */
  public void flowClosed(Flow flow) {
    for (String aor : flowBindings.closed(flow.connectionId())) {
      store.update(aor, current -> {
        List<Binding> kept = new ArrayList<>(current.size());
        for (Binding b : current) {
          boolean dead = b.source().connectionId() == flow.connectionId() && b.source().listener().equals(flow.listener().name())
              && b.source().onNode(node()) && FlowBindings.boundToFlow(b);
          if (!dead) kept.add(b);
        }
        int removed = current.size() - kept.size();
        // the result: how many went, and whether none is left
        return removed == 0 ? BindingChange.unchanged(new int[] {0, 0}) : new BindingChange<>(kept, new int[] {removed, kept.size()});
      }).onComplete(ar -> {
        if (ar.failed()) {
          LOG.warning("bindings of " + aor + " on closed connection " + flow + " not removed: " + ar.cause().getMessage());
        } else if (ar.result()[0] > 0) {
          LOG.info("removed " + ar.result()[0] + " binding(s) of " + aor + ": connection " + flow + " closed");
          if (ar.result()[1] == 0) listener.wentOffline(aor);
        }
      });
    }
  }

  /**
   * The flow {@code b} was reached over has failed (RFC 5626 §5.3, §11.5): a request to it was
   * answered 430 (a connection of another node that has closed, or of a node's last run), or the node
   * that held it no longer answers. The binding is removed, unless a REGISTER renewed it meanwhile, so
   * the next request does not try it.
   */
  public void flowFailed(Binding b, String callId) {
    store.update(b.aor(), current -> BindingChange.without(current, b)).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warning("binding " + b.contact() + " of " + b.aor() + " answered 430 but not removed: location store failed: "
            + ar.cause().getMessage() + " (Call-ID " + callId + ")");
      } else if (ar.result()) {
        LOG.info("binding " + b.contact() + " of " + b.aor() + " removed: its flow failed (Call-ID " + callId + ")");
      }
    });
  }

  private static List<String> pathOf(SipRequest req) throws SipParseException {
    List<NameAddr> path = req.addresses(HeaderName.PATH);
    if (path.isEmpty()) return List.of();
    List<String> out = new ArrayList<>(path.size());
    for (NameAddr p : path) out.add(p.toString());
    return out;
  }

  private static Future<Buffer> reply(SipRequest req, int status, String reason, ResponseBuilder prepared) {
    ResponseBuilder rb = prepared != null ? prepared : ResponseBuilder.of(req, status, reason);
    LOG.info("REGISTER refused: " + status + (reason != null ? " " + reason : "") + " (Call-ID " + req.callId() + ")");
    return Future.succeededFuture(rb.toBuffer());
  }

}
