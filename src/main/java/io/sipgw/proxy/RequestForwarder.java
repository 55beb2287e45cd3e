package io.sipgw.proxy;

import io.sipgw.dns.SipResolver;
import io.sipgw.sip.HeaderField;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.Hosts;
import io.sipgw.auth.DigestResponse;
import io.sipgw.sip.HeaderField;
import io.sipgw.sip.MessageEdit;
import io.sipgw.sip.Methods;
import io.sipgw.sip.NameAddr;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipUri;
import io.sipgw.sip.Transport;
import io.sipgw.sip.Via;
import io.sipgw.transaction.Wire;
import io.sipgw.transport.Flow;
import io.sipgw.transport.FlowToken;
import io.sipgw.transport.Listener;
import io.sipgw.transport.Transports;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Makes the copy of a request that goes to one target (RFC 3261 §16.6 steps 1-8): Request-URI, Route
 * removal and a stored Path, Max-Forwards, Record-Route, received/rport on the sender's Via and our
 * Via on top; and finds the next hop of a target (RFC 3263).
 */
final class RequestForwarder {
  /** Our Via parameter naming the connection a request arrived on, so its responses go back on it (§18.2.2). */
  static final String FLOW_PARAM = "fid";

  private final Transports transports;
  private final Supplier<RoutingSettings> settings;
  private final SipResolver resolver;

  RequestForwarder(Transports transports, Supplier<RoutingSettings> settings, SipResolver resolver) {
    this.transports = transports;
    this.settings = settings;
    this.resolver = resolver;
  }

  /** The next hop of a target: known already, or the first RFC 3263 result for its URI. */
  Future<NextHop> hopFor(BranchTarget t) { return hopsFor(t).map(list -> list.get(0)); }

  /** The next hops of a target, to be tried in turn: known already, or every RFC 3263 result for its URI (§4.3). */
  Future<List<NextHop>> hopsFor(BranchTarget t) {
    if (t.hop() != null) return Future.succeededFuture(List.of(t.hop()));
    return resolver.resolve(t.next(), transports.supportedTransports()).compose(list -> {
      if (list.isEmpty()) return Future.failedFuture("no address for " + t.next().host());
      List<NextHop> hops = new java.util.ArrayList<>(list.size());
      for (io.sipgw.transport.Target x : list) hops.add(NextHop.of(x));
      return Future.succeededFuture(hops);
    });
  }

  /** The listener a request to {@code hop} leaves from, or null when there is none for its transport. */
  Listener listenerFor(NextHop hop) {
    return hop.flow() != null ? hop.flow().listener() : transports.listenerFor(hop.target().transport(), hop.target().isIpv6());
  }

  /** How to send to {@code hop}: over its open flow, or to its address (a connection reused or opened). */
  Wire wireTo(NextHop hop) {
    Flow f = hop.flow();
    return f != null ? data -> transports.send(f, data) : data -> transports.send(hop.target(), data);
  }

  /**
   * Credentials for one of this server's realms stop here (Kamailio's consume_credentials()); those
   * for other realms go on, as RFC 3261 §22.3 says a proxy must leave them.
   */
  private void consumeCredentials(SipRequest req, MessageEdit edit) {
    List<HeaderField> fields = req.fields(HeaderName.PROXY_AUTHORIZATION);
    if (fields.isEmpty()) return;
    LocalDomains domains = settings.get().domains();
    for (HeaderField f : fields) {
      DigestResponse d = DigestResponse.parse(f.value());
      if (d != null && d.realm() != null && domains.isLocal(d.realm())) edit.remove(f);
    }
  }

  /** The copy of {@code in}'s request for {@code target}, leaving by {@code out} with our {@code branch}. */
  Buffer build(IncomingRequest in, ForwardPlan plan, BranchTarget target, Listener out, String branch) throws SipParseException {
    return build(in, plan, target, out, branch, null);
  }

  /** The same, with the body replaced by {@code sdp} (rewritten by the media relay) unless that is null. */
  Buffer build(IncomingRequest in, ForwardPlan plan, BranchTarget target, Listener out, String branch, String sdp) throws SipParseException {
    SipRequest req = in.req();
    Flow from = in.flow();
    int maxForwards = req.maxForwards();
    MessageEdit edit = req.edit();
    plan.removal().applyTo(edit);
    consumeCredentials(req, edit);
    plan.headers().applyTo(req, edit);
    String requestUri = target.requestUri() != null ? target.requestUri() : plan.requestUri();
    if (requestUri != null) edit.requestUri(requestUri);
    if (plan.lastRoute() != null) {
      // §16.6 step 6: the next hop is a strict router; the Request-URI goes last in the Route set.
      edit.append(HeaderName.ROUTE.canonical(), "<" + plan.lastRoute() + ">");
    }
    HeaderField mf = req.field(HeaderName.MAX_FORWARDS);
    if (mf != null) edit.replace(mf, Integer.toString(maxForwards - 1));
    else edit.append(HeaderName.MAX_FORWARDS.canonical(), "70");
    if (target.routeSet() != null) edit.prepend(HeaderName.ROUTE, String.join(", ", target.routeSet()));
    boolean recordRoute = plan.recordRoute() != null ? plan.recordRoute() : settings.get().proxy().recordRoute();
    if (recordRoute && isDialogInitial(req)) {
      String inToken = tokenFor(from, req);
      Flow toFlow = target.hop() != null ? target.hop().flow() : null;
      String outToken = toFlow != null && onlyByFlow(toFlow, target.requestUri()) ? FlowToken.of(toFlow) : null;
      edit.prepend(HeaderName.RECORD_ROUTE, from.listener().routeUri(inToken));
      // Two Record-Route entries when the request leaves by another listener, so each side of the
      // call sees one it can reach (as Kamailio's double record-routing does); and when a side is a
      // flow, so each entry can name its side's connection (RFC 5626 §5.3).
      if (!out.equals(from.listener()) || inToken != null || outToken != null) {
        edit.prepend(HeaderName.RECORD_ROUTE, out.routeUri(outToken));
      }
    }
    if (req.isMethod(Methods.REGISTER)) {
      // RFC 3327 §4, RFC 5626 §5.1: a registration relayed to another registrar from a flow gets a
      // Path naming that flow, so requests for the user come back to it.
      String token = tokenFor(from, req);
      if (token != null) edit.prepend(HeaderName.PATH, out.routeUri(token));
    }
    Via top = req.topVia();
    Via marked = receivedAndRport(top, from);
    if (marked != null) edit.replaceFirstValue(HeaderName.VIA, top.toString(), marked.toString());
    String via = "SIP/2.0/" + out.transport().viaName() + " " + out.sentBy() + ";branch=" + branch
        + (from.connectionId() != 0 ? ";" + FLOW_PARAM + "=" + from.connectionId() : "");
    edit.prepend(HeaderName.VIA, via);
    if (sdp != null) edit.body(sdp);
    return edit.toBuffer();
  }

  /**
   * The flow token for the connection a dialog-creating request came on, when requests of the dialog
   * must come back on it: a WebSocket (RFC 7118 §5), or a UA that asked with {@code ;ob} in its
   * Contact (RFC 5626 §5.4). Null otherwise.
   */
  private static String tokenFor(Flow from, SipRequest req) throws SipParseException {
    if (from.connectionId() == 0) return null;
    if (from.transport() == Transport.WS || from.transport() == Transport.WSS) return FlowToken.of(from);
    List<NameAddr> contacts = req.addresses(HeaderName.CONTACT);
    return !contacts.isEmpty() && contacts.get(0).uri().hasParam("ob") ? FlowToken.of(from) : null;
  }

  /**
   * Whether a callee reached over {@code flow} can be reached over it only: a WebSocket client, or a
   * Contact with {@code ;ob} (RFC 5626 §5.3) or an {@code .invalid} host. A plain TCP phone is not:
   * its dialog's requests may open a new connection to its Contact.
   */
  private static boolean onlyByFlow(Flow flow, String contact) {
    if (flow.connectionId() == 0) return false;
    if (flow.transport() == Transport.WS || flow.transport() == Transport.WSS) return true;
    if (contact == null) return false;
    try {
      SipUri uri = SipUri.parse(contact);
      return uri.hasParam("ob") || uri.host().toLowerCase(Locale.ROOT).endsWith(".invalid");
    } catch (SipParseException e) {
      return false;
    }
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
}
