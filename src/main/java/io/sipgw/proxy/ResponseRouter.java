package io.sipgw.proxy;

import io.sipgw.metrics.Metrics;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.Hosts;
import io.sipgw.sip.MessageValidator;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipResponse;
import io.sipgw.sip.Transport;
import io.sipgw.sip.Via;
import io.sipgw.transaction.TransactionTable;
import io.sipgw.transport.Flow;
import io.sipgw.transport.Target;
import io.sipgw.transport.Transports;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Hands a response to the client transaction it matches (§17.1.3); one that matches none (a 2xx
 * retransmitted after its transaction ended, or the answer to a request forwarded without state) is
 * forwarded by its Via (§16.7 step 1, §16.11): our top Via is removed and the response goes to the next one — over the connection the request came on when it
 * came on one (§18.2.2), else to its received/rport address (RFC 3581 §4) or sent-by.
 */
public final class ResponseRouter {
  private static final Logger LOG = Logger.getLogger("sipgw.proxy");

  private final Transports transports;
  private final TransactionTable table;
  /** Takes the answers to requests the gateway sends of its own accord (the NAT pinger's OPTIONS). */
  private final Predicate<SipResponse> ownRequests;

  public ResponseRouter(Transports transports, TransactionTable table) {
    this(transports, table, resp -> false);
  }

  public ResponseRouter(Transports transports, TransactionTable table, Predicate<SipResponse> ownRequests) {
    this.transports = transports;
    this.table = table;
    this.ownRequests = ownRequests;
  }

  /** Handles one received response. Never throws: what cannot be forwarded is logged and dropped. */
  public void forward(SipResponse resp, Flow flow) {
    try {
      route(resp, flow);
    } catch (RuntimeException e) {
      LOG.severe("error routing " + resp.status() + " response from " + flow + ": " + e + " (Call-ID " + resp.callId() + ")");
    }
  }

  private void route(SipResponse resp, Flow flow) {
    List<Via> vias;
    try {
      MessageValidator.validateResponse(resp);
      if (table.receive(resp) || ownRequests.test(resp)) return;
      vias = resp.vias();
    } catch (SipParseException e) {
      LOG.info("dropped response from " + flow + ": " + e.reason() + " (Call-ID " + resp.callId() + ")");
      return;
    }
    Via top = vias.get(0);
    if (!transports.isLocal(top.host(), top.port())) {
      LOG.info("dropped " + resp.status() + " response from " + flow + ": top Via " + top.host() + " is not this proxy (Call-ID " + resp.callId() + ")");
      return;
    }
    if (vias.size() < 2) {
      LOG.fine(() -> "response " + resp.status() + " to a request of this server's own, dropped (Call-ID " + resp.callId() + ")");
      return;
    }
    Via next = vias.get(1);
    Buffer data = resp.edit().removeFirstValue(HeaderName.VIA, top.toString()).toBuffer();
    String fid = top.params().get(RequestForwarder.FLOW_PARAM);
    if (fid != null) {
      Flow back = transports.openFlow(parseId(fid));
      if (back != null) {
        send(resp, transports.send(back, data), back.toString(), transports);
        return;
      }
    }
    Transport t = next.transport();
    String host = next.received() != null ? next.received() : Hosts.bare(next.host());
    if (t == null || !transports.supports(t)) {
      LOG.info("dropped " + resp.status() + " response: cannot send over " + next.transportName() + " (Call-ID " + resp.callId() + ")");
      return;
    }
    if (host.equals("255.255.255.255") || host.endsWith(".255") && host.startsWith("255.")) {
      // RFC 4475 §3.3.10: never forward to a broadcast address.
      LOG.info("dropped " + resp.status() + " response addressed to broadcast " + host + " (Call-ID " + resp.callId() + ")");
      return;
    }
    int port = next.rport() > 0 ? next.rport() : next.port() > 0 ? next.port() : t == Transport.TLS ? 5061 : 5060;
    Target target = new Target(t, Hosts.bare(host), port);
    send(resp, transports.send(target, data), target.toString(), transports);
  }

  private static long parseId(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A response forwarded statelessly (no client transaction of ours matched it): counted as sent. */
  private static void send(SipResponse resp, io.vertx.core.Future<Void> sent, String to, Transports transports) {
    Metrics m = transports.metrics();
    if (m.enabled()) {
      try {
        m.responseSent(Metrics.methodIndex(resp.cseq().method()), resp.status());
      } catch (SipParseException e) {
        // validated before: not reached
      }
    }
    sent.onFailure(e -> LOG.info("could not forward " + resp.status() + " response to " + to + ": " + e.getMessage() + " (Call-ID " + resp.callId() + ")"));
  }
}
