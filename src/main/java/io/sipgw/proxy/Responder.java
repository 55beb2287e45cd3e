package io.sipgw.proxy;

import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.Via;
import io.sipgw.transaction.Wire;
import io.sipgw.transport.Flow;
import io.sipgw.transport.Target;
import io.sipgw.transport.Transports;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.logging.Logger;

/**
 * Sends this server's responses where RFC 3261 §18.2.2 and RFC 3581 §4 say: back over the
 * connection a request came on; over UDP to the source address and port when the client asked for
 * rport, else to the source address and the Via's sent-by port.
 */
final class Responder {
  private static final Logger LOG = Logger.getLogger("sipgw.proxy");

  private final Transports transports;

  Responder(Transports transports) { this.transports = transports; }

  /** The way back for the responses to {@code req}, worked out once (a server transaction keeps it). */
  Wire wireFor(SipRequest req, Flow flow) {
    if (flow.transport().reliable()) return data -> transports.send(flow, data);
    int port = flow.remotePort();
    try {
      Via v = req.topVia();
      if (!v.hasRport()) port = v.port() > 0 ? v.port() : 5060;
    } catch (SipParseException e) {
      // no usable Via: the source port is all there is
    }
    Target to = new Target(flow.transport(), flow.remoteHost(), port);
    return data -> transports.send(to, data);
  }

  Future<Void> send(SipRequest req, Flow flow, Buffer response) { return send(req, flow, response, 0); }

  /**
   * Sends a response statelessly, counted in the node's metrics; {@code receivedNanos} ({@link System#nanoTime},
   * 0: unknown): when the request came in, for the latency of a first response.
   */
  Future<Void> send(SipRequest req, Flow flow, Buffer response, long receivedNanos) {
    transports.metrics().responseSent(req.method(), response, receivedNanos);
    return wireFor(req, flow).send(response)
        .onFailure(e -> LOG.info("could not send response to " + flow + ": " + e.getMessage() + " (Call-ID " + req.callId() + ")"));
  }
}
