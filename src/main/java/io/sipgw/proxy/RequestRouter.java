package io.sipgw.proxy;

import io.sipgw.config.DomainMode;
import io.sipgw.dns.SipResolver;
import io.sipgw.registrar.Registrar;
import io.sipgw.sip.Escapes;
import io.sipgw.sip.HeaderField;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.Hosts;
import io.sipgw.sip.MessageEdit;
import io.sipgw.sip.MessageValidator;
import io.sipgw.sip.Methods;
import io.sipgw.sip.NameAddr;
import io.sipgw.sip.ResponseBuilder;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipUri;
import io.sipgw.sip.Transport;
import io.sipgw.sip.Via;
import io.sipgw.store.Binding;
import io.sipgw.store.LocationStore;
import io.sipgw.transport.Flow;
import io.sipgw.transport.Listener;
import io.sipgw.transport.Target;
import io.sipgw.transport.Transports;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The routing core for requests (RFC 3261 §16): validation, Route preprocessing, REGISTER to the
 * registrar, location lookup for local users (404, 480, redirect with 302, or forwarding to every
 * binding), RFC 3263 forwarding for other domains, Max-Forwards, loop detection and Record-Route.
 * Forwarding is stateless (§16.11) in this release; a transaction layer goes in front of {@link #route}.
 */
public final class RequestRouter {
  private static final Logger LOG = Logger.getLogger("sipgw.proxy");
  static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, PRACK, UPDATE, INFO, REFER, NOTIFY, SUBSCRIBE, MESSAGE";
  /** Our Via parameter naming the connection a request arrived on, so its responses go back on it (§18.2.2). */
  static final String FLOW_PARAM = "fid";

  private final Transports transports;
  private final Supplier<RoutingSettings> settings;
  private final Registrar registrar;
  private final LocationStore store;
  private final SipResolver resolver;
  private final Responder responder;

  public RequestRouter(Transports transports, Supplier<RoutingSettings> settings, Registrar registrar, LocationStore store,
      SipResolver resolver) {
    this.transports = transports;
    this.settings = settings;
    this.registrar = registrar;
    this.store = store;
    this.resolver = resolver;
    this.responder = new Responder(transports);
  }

  /** Handles one received request. Never throws: a bad request is answered, a lost one logged. */
  public void route(SipRequest req, Flow flow) {
    try {
      MessageValidator.validateRequest(req);
      handle(req, flow);
    } catch (SipParseException e) {
      reject(req, flow, e.status(), e.status() == 400 ? "Bad Request (" + e.reason() + ")" : e.reason());
    } catch (RuntimeException e) {
      LOG.severe("error routing " + req.method() + " from " + flow + ": " + e + " (Call-ID " + req.callId() + ")");
      if (!req.isMethod(Methods.ACK)) responder.reply(req, flow, 500, "Server Internal Error");
    }
  }

  private void reject(SipRequest req, Flow flow, int status, String reason) {
    try {
      if (!flow.transport().reliable()) req.topVia();
    } catch (SipParseException e) {
      // Over UDP a response goes where the top Via says (§18.2.2); with no usable Via the request is
      // dropped. Over a connection the response goes back on it, Via or not.
      LOG.info("dropped " + req.method() + " from " + flow + ": " + reason + "; " + e.reason() + " (Call-ID " + req.callId() + ")");
      return;
    }
    LOG.info("rejected " + req.method() + " from " + flow + " with " + status + " " + reason + " (Call-ID " + req.callId() + ")");
    if (!req.isMethod(Methods.ACK)) responder.reply(req, flow, status, reason);
  }

  private void handle(SipRequest req, Flow flow) throws SipParseException {
    RoutingSettings s = settings.get();
    SipUri ruri = req.requestUri();
    List<NameAddr> routes = req.addresses(HeaderName.ROUTE);
    Set<Integer> removed = new HashSet<>();
    SipUri target = ruri;
    // §16.4: a strict router before us put our Record-Route URI in the Request-URI: the real one is
    // the last Route value.
    if (isOwnUri(ruri) && !routes.isEmpty()) {
      int last = routes.size() - 1;
      target = routes.get(last).uri();
      removed.add(last);
    }
    // §16.4: Route values naming this proxy are removed (two when we record-routed twice).
    int first = 0;
    while (first < routes.size() && !removed.contains(first) && isOwnUri(routes.get(first).uri())) removed.add(first++);
    RouteRemoval removal = new RouteRemoval(req, removed);
    String newRequestUri = target == ruri ? null : target.toString();

    if (first < routes.size() && !removed.contains(first)) {
      // Loose routing (§16.6 step 6): the Request-URI stays, the request goes to the next Route.
      SipUri next = routes.get(first).uri();
      String loopKey = mayForward(req, flow);
      if (loopKey == null) return;
      resolveAndForward(req, flow, new ForwardPlan(removal, loopKey), newRequestUri, next, null);
      return;
    }
    if (!target.isSip()) {
      reject(req, flow, 416, "Unsupported URI Scheme");
      return;
    }
    LocalDomains domains = s.domains();
    // An in-dialog request that came along our Record-Route goes to its Request-URI, the remote
    // target of the dialog, without a location lookup (as Kamailio's loose_route() then t_relay()).
    boolean inDialogRouted = !removed.isEmpty() && req.to().tag() != null;
    if (inDialogRouted || !isLocal(domains, target)) {
      String loopKey = mayForward(req, flow);
      if (loopKey == null) return;
      resolveAndForward(req, flow, new ForwardPlan(removal, loopKey), newRequestUri, target, null);
      return;
    }
    if (req.isMethod(Methods.REGISTER)) {
      register(req, flow, domains);
      return;
    }
    if (target.user() == null) {
      toServer(req, flow);
      return;
    }
    String loopKey = mayForward(req, flow);
    if (loopKey == null) return;
    ForwardPlan plan = new ForwardPlan(removal, loopKey);
    String aor = Escapes.unescape(target.user()) + "@" + domains.canonical(target.host());
    DomainMode mode = domains.mode(target.host());
    store.lookup(aor).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warning("location lookup of " + aor + " failed: " + ar.cause().getMessage() + " (Call-ID " + req.callId() + ")");
        reject(req, flow, 500, "Server Internal Error (location service unavailable)");
        return;
      }
      if (!ar.result().known()) {
        reject(req, flow, 404, "Not Found");
      } else if (ar.result().bindings().isEmpty()) {
        reject(req, flow, 480, "Temporarily Unavailable");
      } else if (mode == DomainMode.REDIRECT) {
        redirect(req, flow, ar.result().bindings());
      } else {
        forwardToBindings(req, flow, plan, ar.result().bindings());
      }
    });
  }

  /**
   * Whether a Request-URI is for this server: its host is a local domain or one of our addresses,
   * and an explicit port, if any, is one we listen on for an IP host (a phone's Contact on this
   * machine, {@code sip:bob@127.0.0.1:5070}, is not ours).
   */
  private boolean isLocal(LocalDomains domains, SipUri uri) {
    if (!domains.isLocal(uri.host())) return false;
    if (uri.port() <= 0) return true;
    String h = Hosts.bare(uri.host());
    boolean ip = Hosts.isIpv4(h) || Hosts.isIpv6(h);
    return !ip || transports.isLocal(uri.host(), uri.port());
  }

  /** Whether a URI names this proxy itself (its Record-Route or an address with no user part). */
  private boolean isOwnUri(SipUri uri) {
    return uri.isSip() && uri.user() == null && transports.isLocal(uri.host(), uri.port());
  }

  private void register(SipRequest req, Flow flow, LocalDomains domains) throws SipParseException {
    SipUri to = req.to().uri();
    if (to.isSip() && !domains.isLocal(to.host())) {
      reject(req, flow, 403, "Forbidden (not a domain of this registrar)");
      return;
    }
    String unsupported = unsupported(req.header(HeaderName.REQUIRE), "path", "outbound");
    if (unsupported != null) {
      LOG.info("rejected REGISTER from " + flow + " with 420: Require " + unsupported + " (Call-ID " + req.callId() + ")");
      responder.send(req, flow, ResponseBuilder.of(req, 420).header(HeaderName.UNSUPPORTED, unsupported).toBuffer());
      return;
    }
    String aor = to.isSip() ? Escapes.unescape(to.user() == null ? "" : to.user()) + "@" + domains.canonical(to.host()) : null;
    registrar.register(req, flow, aor).onSuccess(resp -> responder.send(req, flow, resp));
  }

  /** A request addressed to the server itself (no user part): OPTIONS is answered, the rest is not served. */
  private void toServer(SipRequest req, Flow flow) {
    if (req.isMethod(Methods.OPTIONS)) {
      responder.send(req, flow, ResponseBuilder.of(req, 200).header(HeaderName.ALLOW, ALLOW)
          .header(HeaderName.ACCEPT, "application/sdp").toBuffer());
    } else {
      reject(req, flow, 404, "Not Found");
    }
  }

  private void redirect(SipRequest req, Flow flow, List<Binding> bindings) {
    if (req.isMethod(Methods.ACK)) return;
    long now = System.currentTimeMillis();
    ResponseBuilder rb = ResponseBuilder.of(req, 302);
    for (Binding b : sortedByQ(bindings)) {
      rb.header(HeaderName.CONTACT, "<" + b.contact() + ">" + (b.q() != 1.0f ? ";q=" + b.q() : "") + ";expires=" + b.remainingSeconds(now));
    }
    LOG.fine(() -> "redirected " + req.method() + " to " + bindings.size() + " contact(s) (Call-ID " + req.callId() + ")");
    responder.send(req, flow, rb.toBuffer());
  }

  private static List<Binding> sortedByQ(List<Binding> bindings) {
    List<Binding> sorted = new ArrayList<>(bindings);
    sorted.sort(Comparator.comparingDouble((Binding b) -> -b.q()));
    return sorted;
  }

  /** Forwards to every binding, highest q first (parallel forking; serial forking needs state). */
  private void forwardToBindings(SipRequest req, Flow flow, ForwardPlan plan, List<Binding> bindings) {
    for (Binding b : sortedByQ(bindings)) {
      SipUri contact;
      try {
        contact = SipUri.parse(b.contact());
      } catch (SipParseException e) {
        LOG.warning("binding " + b.contact() + " of " + b.aor() + " is not a valid URI: " + e.reason());
        continue;
      }
      Binding.Source src = b.source();
      List<String> path = b.path();
      if (!path.isEmpty()) {
        // RFC 3327 §5.3: the stored Path becomes the Route set toward the contact.
        try {
          SipUri first = NameAddr.parse(path.get(0), "Path").uri();
          resolveAndForward(req, flow, plan, contact.toString(), first, path);
        } catch (SipParseException e) {
          LOG.warning("stored Path of " + b.aor() + " is not valid: " + e.reason());
        }
        continue;
      }
      Flow open = src.connectionId() != 0 ? transports.openFlow(src.connectionId()) : null;
      if (open != null) {
        forward(req, flow, plan, contact.toString(), NextHop.of(open), null);
      } else if (NatDetection.behindNat(contact.host(), src.host())) {
        Transport t = Transport.parse(src.transport());
        forward(req, flow, plan, contact.toString(), NextHop.of(new Target(t, src.host(), src.port())), null);
      } else {
        resolveAndForward(req, flow, plan, contact.toString(), contact, null);
      }
    }
  }

  private void resolveAndForward(SipRequest req, Flow flow, ForwardPlan plan, String newRequestUri, SipUri next, List<String> routeSet) {
    resolver.resolve(next, transports.supportedTransports()).onComplete(ar -> {
      if (ar.failed() || ar.result().isEmpty()) {
        reject(req, flow, 404, "Not Found (cannot resolve " + next.host() + ")");
        return;
      }
      forward(req, flow, plan, newRequestUri, NextHop.of(ar.result().get(0)), routeSet);
    });
  }

  /** Forwards one copy of the request (RFC 3261 §16.6 steps 1-8, stateless). */
  private void forward(SipRequest req, Flow in, ForwardPlan plan, String newRequestUri, NextHop hop, List<String> routeSet) {
    try {
      boolean ack = req.isMethod(Methods.ACK);
      int maxForwards = req.maxForwards();
      Target target = hop.target();
      Listener out = hop.flow() != null ? hop.flow().listener() : transports.listenerFor(target.transport(), target.isIpv6());
      if (out == null) {
        reject(req, in, 503, "Service Unavailable (no " + target.transport() + " listener)");
        return;
      }
      MessageEdit edit = req.edit();
      plan.removal().applyTo(edit);
      if (newRequestUri != null) edit.requestUri(newRequestUri);
      HeaderField mf = req.field(HeaderName.MAX_FORWARDS);
      if (mf != null) edit.replace(mf, Integer.toString(maxForwards - 1));
      else edit.append(HeaderName.MAX_FORWARDS.canonical(), "70");
      if (routeSet != null) edit.prepend(HeaderName.ROUTE, String.join(", ", routeSet));
      if (settings.get().proxy().recordRoute() && isDialogInitial(req)) {
        edit.prepend(HeaderName.RECORD_ROUTE, in.listener().routeUri());
        // Two Record-Route entries when the request leaves by another listener, so each side of the
        // call sees one it can reach (as Kamailio's double record-routing does).
        if (!out.equals(in.listener())) edit.prepend(HeaderName.RECORD_ROUTE, out.routeUri());
      }
      Via top = req.topVia();
      Via marked = receivedAndRport(top, in);
      if (marked != null) edit.replaceFirstValue(HeaderName.VIA, top.toString(), marked.toString());
      String branch = Branches.branch(plan.loopKey(), req, hop.toString());
      String via = "SIP/2.0/" + out.transport().viaName() + " " + out.sentBy() + ";branch=" + branch
          + (in.connectionId() != 0 ? ";" + FLOW_PARAM + "=" + in.connectionId() : "");
      edit.prepend(HeaderName.VIA, via);
      Buffer data = edit.toBuffer();
      Future<Void> sent = hop.flow() != null ? transports.send(hop.flow(), data) : transports.send(target, data);
      sent.onComplete(ar -> {
        if (ar.succeeded()) {
          LOG.fine(() -> "forwarded " + req.method() + " from " + in + " to " + hop + " (Call-ID " + req.callId() + ")");
        } else {
          LOG.info("could not forward " + req.method() + " to " + hop + ": " + ar.cause().getMessage() + " (Call-ID " + req.callId() + ")");
          if (!ack) responder.reply(req, in, 503, "Service Unavailable (next hop unreachable)");
        }
      });
    } catch (SipParseException e) {
      reject(req, in, 400, "Bad Request (" + e.reason() + ")");
    }
  }

  /**
   * The checks of §16.3 that decide whether a request may be forwarded at all: Max-Forwards (483),
   * loop detection (482), Proxy-Require (420). Returns the request's loop key (the first part of
   * every branch it is forwarded with), or answers and returns null.
   */
  private String mayForward(SipRequest req, Flow in) throws SipParseException {
    if (req.maxForwards() == 0) {
      reject(req, in, 483, "Too Many Hops");
      return null;
    }
    String loopKey = Branches.loopKey(req);
    if (isLoop(req, loopKey)) {
      reject(req, in, 482, "Loop Detected");
      return null;
    }
    String unsupported = unsupported(req.header(HeaderName.PROXY_REQUIRE));
    if (unsupported != null && !req.isMethod(Methods.ACK) && !req.isMethod(Methods.CANCEL)) {
      LOG.info("rejected " + req.method() + " from " + in + " with 420: Proxy-Require " + unsupported + " (Call-ID " + req.callId() + ")");
      responder.send(req, in, ResponseBuilder.of(req, 420).header(HeaderName.UNSUPPORTED, unsupported).toBuffer());
      return null;
    }
    return loopKey;
  }

  /** §16.3 step 4: one of our Vias with this request's loop key means it came back unchanged. */
  private boolean isLoop(SipRequest req, String loopKey) throws SipParseException {
    String prefix = Via.MAGIC_COOKIE + loopKey + ".";
    for (Via v : req.vias()) {
      String b = v.branch();
      if (b != null && b.startsWith(prefix) && transports.isLocal(v.host(), v.port())) return true;
    }
    return false;
  }

  /** RFC 3261 §18.2.1 received, RFC 3581 §4 rport: the source address the response must go to. */
  private static Via receivedAndRport(Via top, Flow in) {
    boolean needReceived = !Hosts.canonicalIp(top.host()).equalsIgnoreCase(in.remoteHost());
    if (top.hasRport()) return top.withParam("received", in.remoteHost()).withParam("rport", Integer.toString(in.remotePort()));
    return needReceived ? top.withParam("received", in.remoteHost()) : null;
  }

  /** Requests that may create a dialog get Record-Route: no To tag, and not REGISTER, CANCEL or ACK. */
  private static boolean isDialogInitial(SipRequest req) throws SipParseException {
    if (req.isMethod(Methods.REGISTER) || req.isMethod(Methods.CANCEL) || req.isMethod(Methods.ACK)) return false;
    return req.to().tag() == null;
  }

  /** The option tags of a Require/Proxy-Require value that are not in {@code supported}, or null. */
  private static String unsupported(String value, String... supported) {
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
