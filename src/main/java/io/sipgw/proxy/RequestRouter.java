package io.sipgw.proxy;

import io.sipgw.config.Failover;
import io.sipgw.rules.DefaultRules;
import io.sipgw.rules.RuleSet;
import io.sipgw.dns.SipResolver;
import io.sipgw.media.MediaRelay;
import io.sipgw.registrar.Registrar;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.MessageValidator;
import io.sipgw.sip.Methods;
import io.sipgw.sip.NameAddr;
import io.sipgw.sip.ResponseBuilder;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipUri;
import io.sipgw.sip.Via;
import io.sipgw.store.LocationStore;
import io.sipgw.transaction.InviteServerTransaction;
import io.sipgw.transaction.ServerTransaction;
import io.sipgw.transaction.TransactionKey;
import io.sipgw.transaction.TransactionTable;
import io.sipgw.transport.Flow;
import io.sipgw.transport.FlowToken;
import io.sipgw.transport.Transports;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The routing core for requests (RFC 3261 §16): validation, the transaction layer's part, Route
 * preprocessing (§16.4), then the route rules ({@link RoutedRequest}), whose steps it offers: loose
 * routing, authentication, Max-Forwards and loop detection, and through {@link LocalUsers}, {@link
 * Relay} and {@link RouteTargets} the registrar, location, forwarding and load balancing. Requests
 * it forwards get a server transaction and a {@link ResponseContext} (stateful, §16.2); ACK and
 * REGISTER are handled without state, as is a CANCEL that matches no transaction (§16.10).
 * One instance per routing event loop: its transaction table is that loop's.
 */
public final class RequestRouter {
  private static final Logger LOG = Logger.getLogger("sipgw.proxy");
  static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, PRACK, UPDATE, INFO, REFER, NOTIFY, SUBSCRIBE, MESSAGE";

  private final Transports transports;
  private final Supplier<RoutingSettings> settings;
  private final Responder responder;
  private final RequestForwarder forwarder;
  private final TransactionTable table;
  private final OverloadLog overload = new OverloadLog();
  private final Authentication authentication;
  private final RouteTargets targets;
  private final LocalUsers users;
  private final Relay relay;

  public RequestRouter(Transports transports, Supplier<RoutingSettings> settings, Registrar registrar, LocationStore store,
      SipResolver resolver, TransactionTable table, MediaRelay media, Authentication authentication, OfflineStorage offline,
      PresenceService presence, DialogEvents dialogs, RouteTargets targets) {
    this.transports = transports;
    this.settings = settings;
    this.table = table;
    this.responder = new Responder(transports);
    this.forwarder = new RequestForwarder(transports, settings, resolver);
    Registrations registrations = new Registrations(transports, settings, registrar, authentication);
    this.authentication = authentication;
    this.targets = targets;
    this.users = new LocalUsers(this, transports, settings, store, registrations, offline, presence);
    this.relay = new Relay(this, transports, settings, forwarder, table, media, registrar, dialogs, store);
  }

  /**
   * Handles one received request, parsed at {@code parsedNanos} ({@link System#nanoTime}). Never
   * throws: a bad request is answered, a lost one logged.
   */
  public void route(SipRequest req, Flow flow, long parsedNanos) {
    IncomingRequest in = new IncomingRequest(req, flow, null);
    try {
      MessageValidator.validateRequest(req);
      in = transaction(req, flow, parsedNanos);
    } catch (SipParseException e) {
      reject(in, e.status(), e.status() == 400 ? "Bad Request (" + e.reason() + ")" : e.reason());
      return;
    } catch (RuntimeException e) {
      failed(in, e);
      return;
    }
    if (in == null) return;
    handleGuarded(in);
    // §17.2.1: 100 Trying at once, unless the rules' first steps answered or dropped the INVITE
    if (in.tx() instanceof InviteServerTransaction invite) invite.trying();
  }

  /**
   * The route rules' {@code authenticate}: true when the request proved who sent it, false when it
   * need not (auth off, a trusted source, in a dialog …), null when it was answered 401, 407 or 403
   * (a REGISTER proves it at the registrar's door, {@link Registrations}).
   */
  Future<Boolean> authenticate(RoutedRequest x) {
    IncomingRequest in = x.in;
    if (in.req().isMethod(Methods.REGISTER)) return Future.succeededFuture(false);
    Future<Authentication.Refusal> admitted = authentication.check(in.req(), in.flow(), settings.get().domains());
    if (admitted.succeeded()) return Future.succeededFuture(admitted(in, admitted.result()));
    return admitted.transform(ar -> {
      if (ar.succeeded()) return Future.succeededFuture(admitted(in, ar.result()));
      LOG.fine(() -> in.req().method() + " from " + in.flow() + ": credentials unavailable: " + ar.cause().getMessage()
          + " (Call-ID " + in.callId() + ")");
      // as a call to a local user while the location service is out: try again later (RFC 3261 §21.5.4)
      send(in, 503, ResponseBuilder.of(in.req(), 503, "Service Unavailable (credentials unavailable)")
          .header(HeaderName.RETRY_AFTER, Integer.toString(table.timing().retryAfter())).toBuffer());
      return Future.succeededFuture(null);
    });
  }

  private Boolean admitted(IncomingRequest in, Authentication.Refusal r) {
    if (r == null) return false;
    if (r == Authentication.AUTHENTICATED) return true;
    send(in, r.status(), r.response());
    return null;
  }

  private void handleGuarded(IncomingRequest in) {
    try {
      handle(in);
    } catch (SipParseException e) {
      reject(in, e.status(), e.status() == 400 ? "Bad Request (" + e.reason() + ")" : e.reason());
    } catch (RuntimeException e) {
      failed(in, e);
    }
  }

  private void failed(IncomingRequest in, RuntimeException e) {
    SipRequest req = in.req();
    LOG.severe("error routing " + req.method() + " from " + in.flow() + ": " + e + " (Call-ID " + req.callId() + ")");
    if (!req.isMethod(Methods.ACK)) send(in, 500, ResponseBuilder.of(req, 500).toBuffer());
  }

  /**
   * The transaction layer's part (§17.2.3): a retransmission is answered by its transaction, the
   * ACK of a non-2xx absorbed, a CANCEL matched to its INVITE (§9.2); anything else to be handled
   * gets a server transaction, unless the table is full or the loop overloaded (503). Returns null
   * when nothing is left to do.
   */
  private IncomingRequest transaction(SipRequest req, Flow flow, long parsedNanos) throws SipParseException {
    String method = req.method();
    if (method.equals(Methods.ACK)) {
      ServerTransaction st = table.server(TransactionKey.server(req, Methods.INVITE));
      if (st instanceof InviteServerTransaction invite && invite.ack()) return null;
      return new IncomingRequest(req, flow, null); // the ACK of a 2xx goes end to end (§13.2.2.4)
    }
    // The registrar answers statelessly, as Kamailio's save() does: a retransmitted REGISTER is
    // recognised by its Call-ID and CSeq and answered again.
    if (method.equals(Methods.REGISTER)) return new IncomingRequest(req, flow, null);
    String key = TransactionKey.server(req, method);
    if (table.retransmission(key)) return null;
    if (method.equals(Methods.CANCEL)) {
      ServerTransaction invite = table.server(TransactionKey.server(req, Methods.INVITE));
      if (invite == null) return new IncomingRequest(req, flow, null); // §16.10: forwarded statelessly
      ServerTransaction st = table.newServer(key, req, flow.remoteHost(), flow.transport().reliable(), responder.wireFor(req, flow), true,
          parsedNanos);
      st.respond(200, ResponseBuilder.of(req, 200).toBuffer());
      invite.cancel();
      return null;
    }
    boolean inDialog = req.to().tag() != null;
    String source = flow.remoteHost();
    String overloaded = table.full(inDialog) ? "transaction table full"
        : table.fullFor(source, inDialog) ? "too many transactions from this address"
        : shed(req, parsedNanos) ? "overloaded" : null;
    if (overloaded != null) {
      int retry = table.timing().retryAfter();
      overload.rejected(req, flow, overloaded, table.serverCount(), table.serverCount(source));
      responder.send(req, flow, ResponseBuilder.of(req, 503, "Service Unavailable (" + overloaded + ")")
          .header(HeaderName.RETRY_AFTER, Integer.toString(retry)).toBuffer(), parsedNanos);
      return null;
    }
    // an INVITE's 100 Trying goes once the route rules have seen it (route): a rule may drop it unanswered
    return new IncomingRequest(req, flow, table.newServer(key, req, source, flow.transport().reliable(), responder.wireFor(req, flow), false,
        parsedNanos));
  }

  /**
   * Whether a new call is refused because this loop is behind: the INVITE waited longer than
   * {@code transaction.maxQueueDelay} for it. Only initial INVITEs are shed; requests of calls in
   * progress (and their CANCEL, ACK and BYE) and registrations go on.
   */
  private boolean shed(SipRequest req, long parsedNanos) throws SipParseException {
    int max = table.timing().maxQueueDelay();
    return max > 0 && req.isMethod(Methods.INVITE) && System.nanoTime() - parsedNanos > max * 1_000_000L && req.to().tag() == null;
  }

  void send(IncomingRequest in, int status, Buffer response) {
    if (in.tx() != null) in.tx().respond(status, response);
    else responder.send(in.req(), in.flow(), response);
  }

  void reject(IncomingRequest in, int status, String reason) {
    SipRequest req = in.req();
    Flow flow = in.flow();
    try {
      if (!flow.transport().reliable()) req.topVia();
    } catch (SipParseException e) {
      // Over UDP a response goes where the top Via says (§18.2.2); with no usable Via the request is
      // dropped. Over a connection the response goes back on it, Via or not.
      LOG.info("dropped " + req.method() + " from " + flow + ": " + reason + "; " + e.reason() + " (Call-ID " + req.callId() + ")");
      return;
    }
    LOG.info("rejected " + req.method() + " from " + flow + " with " + status + " " + reason + " (Call-ID " + req.callId() + ")");
    if (!req.isMethod(Methods.ACK)) send(in, status, ResponseBuilder.of(req, status, reason).toBuffer());
  }

  /**
   * §16.4's Route preprocessing (Route values naming this proxy removed; the Request-URI a strict
   * router hid restored), then the route rules: the operator's, or the built-in ones for the
   * requests this node makes itself. A request no rule ended gets 404.
   */
  private void handle(IncomingRequest in) throws SipParseException {
    SipRequest req = in.req();
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
    RoutedRequest x = new RoutedRequest(this, in, routes, removed, first, ruri, target);
    RuleSet rules = transports.isInternal(in.flow()) ? DefaultRules.rules() : settings.get().rules();
    Future<Boolean> ran;
    try {
      ran = rules.run(x);
    } catch (RuntimeException e) {
      ran = Future.failedFuture(e);
    }
    if (ran.succeeded() && !ran.result()) return;
    ran.onComplete(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof RuntimeException e) failed(in, e);
        else failed(in, new IllegalStateException(ar.cause()));
      } else if (ar.result()) {
        LOG.info("no route rule ended the routing of " + req.method() + " " + x.requestUri() + " from " + in.flow() + ": 404 (Call-ID " + req.callId() + ")");
        if (!req.isMethod(Methods.ACK)) send(in, 404, ResponseBuilder.of(req, 404, "Not Found (no route)").toBuffer());
      }
    });
  }

  LocalDomains domains() { return settings.get().domains(); }

  /** The users of the local domains: registrar, presence, location. */
  LocalUsers users() { return users; }

  /** Seconds a client is asked to wait (Retry-After) when a service it needs is out. */
  int retryAfter() { return table.timing().retryAfter(); }

  /** Sends routed requests on. */
  Relay relay() { return relay; }

  /** Where dispatch, lcr and enum send requests. */
  RouteTargets targets() { return targets; }

  /**
   * The rules' {@code looseRoute}: a request with a Route to follow (§16.6 step 6), a flow our Route
   * names (RFC 5626 §5.3), or an in-dialog request that came along our Record-Route (as Kamailio's
   * loose_route() then t_relay()) is forwarded there; true when so.
   */
  boolean looseRoute(RoutedRequest x) {
    IncomingRequest in = x.in;
    SipRequest req = in.req();
    List<NameAddr> routes = x.routes;
    Set<Integer> removed = x.removed;
    int first = x.first;
    try {
      if (first == routes.size() && !removed.isEmpty()) {
        // RFC 5626 §5.3: our route named a flow (a browser's WebSocket): the request goes out on it,
        // unless it came from that flow, in which case it goes on as routed.
        FlowHop flowHop = flowHop(in, routes, removed);
        if (flowHop != null) {
          String loopKey = mayForward(in);
          if (loopKey == null) return true;
          if (flowHop.flow() == null) {
            reject(in, 430, "Flow Failed");
            return true;
          }
          relay.relay(x, x.plan(loopKey, null, x.newRequestUri()), List.of(BranchTarget.via(null, NextHop.of(flowHop.flow()), 1.0f)), null, null);
          return true;
        }
      }
      if (first < routes.size() && !removed.contains(first)) {
        // §16.6 step 6: the request goes to the next Route. A loose router gets it as it is; a strict
        // router (no lr) gets its own URI as Request-URI, and the Request-URI goes last in the Route set.
        SipUri next = routes.get(first).uri();
        String lastRoute = null;
        String requestUri = x.newRequestUri();
        if (!next.isLooseRouter()) {
          removed.add(first);
          lastRoute = x.requestUri().toString();
          requestUri = next.toString();
        }
        String loopKey = mayForward(in);
        if (loopKey == null) return true;
        relay.relay(x, x.plan(loopKey, lastRoute, requestUri), List.of(BranchTarget.resolve(null, next, null, 1.0f)), null, null);
        return true;
      }
      if (!removed.isEmpty() && req.to().tag() != null) {
        if (!x.requestUri().isSip()) {
          reject(in, 416, "Unsupported URI Scheme");
          return true;
        }
        forward(x, List.of(BranchTarget.resolve(null, x.requestUri(), null, 1.0f)), null);
        return true;
      }
      return false;
    } catch (SipParseException e) {
      reject(in, e.status(), e.status() == 400 ? "Bad Request (" + e.reason() + ")" : e.reason());
      return true;
    }
  }

  /** Forwards {@code x} to {@code targets}, in turn as {@code failover} says (null: at once, as forking is configured). */
  void forward(RoutedRequest x, List<BranchTarget> targets, Failover failover) {
    try {
      String loopKey = mayForward(x.in);
      if (loopKey == null) return;
      relay.relay(x, x.plan(loopKey, null, x.newRequestUri()), targets, null, failover);
    } catch (SipParseException e) {
      reject(x.in, e.status(), e.status() == 400 ? "Bad Request (" + e.reason() + ")" : e.reason());
    }
  }




  /**
   * Whether a URI names this proxy itself: its Record-Route or Path (no user part, or a flow token)
   * or an address with no user part.
   */
  private boolean isOwnUri(SipUri uri) {
    return uri.isSip() && (uri.user() == null || FlowToken.looksLike(uri.user())) && transports.isLocal(uri.host(), uri.port());
  }

  /** A flow named by a token in our removed routes: open (flow set) or closed (flow null). */
  private record FlowHop(Flow flow) { }

  /**
   * The flow the removed routes name by a flow token, other than the one the request came on; null
   * when they name none. A token this process did not make is ignored and logged.
   */
  private FlowHop flowHop(IncomingRequest in, List<NameAddr> routes, Set<Integer> removed) {
    FlowHop closed = null;
    for (int i : removed) {
      String user = routes.get(i).uri().user();
      if (!FlowToken.looksLike(user)) continue;
      long id = FlowToken.connectionId(user);
      if (id < 0) {
        // made by an earlier run of this node (its connections died with it) or forged: the flow it
        // names is not there, RFC 5626 §5.3
        LOG.info("flow token in the Route of " + in.req().method() + " from " + in.flow() + " is not this node's:"
            + " 430 (Call-ID " + in.req().callId() + ")");
        closed = new FlowHop(null);
        continue;
      }
      if (id == in.flow().connectionId()) continue;
      Flow f = transports.openFlow(id);
      if (f != null) return new FlowHop(f);
      closed = new FlowHop(null);
    }
    return closed;
  }

  /**
   * The checks of §16.3 that decide whether a request may be forwarded at all: Max-Forwards (483),
   * loop detection (482), Proxy-Require (420). Returns the request's loop key (the first part of
   * every branch it is forwarded with), or answers and returns null.
   */
  String mayForward(IncomingRequest in) throws SipParseException {
    SipRequest req = in.req();
    if (req.maxForwards() == 0) {
      reject(in, 483, "Too Many Hops");
      return null;
    }
    String loopKey = Branches.loopKey(req);
    if (isLoop(req, loopKey)) {
      reject(in, 482, "Loop Detected");
      return null;
    }
    String unsupported = Registrations.unsupported(req.header(HeaderName.PROXY_REQUIRE));
    if (unsupported != null && !req.isMethod(Methods.ACK) && !req.isMethod(Methods.CANCEL)) {
      LOG.info("rejected " + req.method() + " from " + in.flow() + " with 420: Proxy-Require " + unsupported + " (Call-ID " + req.callId() + ")");
      send(in, 420, ResponseBuilder.of(req, 420).header(HeaderName.UNSUPPORTED, unsupported).toBuffer());
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


}
