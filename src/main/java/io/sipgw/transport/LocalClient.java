package io.sipgw.transport;

import io.sipgw.sip.MessageParser;
import io.sipgw.sip.SipMessage;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * Requests this node makes itself (stored messages delivered, NOTIFYs), sent through routing as a
 * client's would be, on an internal flow ({@link Transports#internalFlow}), so that they reach every
 * binding over any transport; each one's final status comes back as a future. Owned by one event
 * loop: made, used and answered on the context it was made on.
 */
public final class LocalClient {
  /** Longer than routing's own bound on a non-INVITE request (Timer F, 64*T1), which answers 408 first. */
  static final long ANSWER_MILLIS = 40_000;

  private final Vertx vertx;
  private final Context context;
  private final Dispatcher dispatcher;
  private final Flow flow;
  private final String prefix;
  private final Map<String, Promise<Integer>> awaiting = new HashMap<>();
  private long sequence;

  /** On the context of the caller, which must be an event loop's. */
  public LocalClient(Vertx vertx, Transports transports, Dispatcher dispatcher, String name) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.dispatcher = dispatcher;
    this.flow = transports.internalFlow(this::answered);
    this.prefix = name + "-" + Long.toHexString(new SecureRandom().nextLong() >>> 24) + "-";
  }

  /** The address and port this node's requests name in Via (its first listener's). */
  public String sentBy() { return flow.listener().sentBy(); }

  /** A Call-ID, branch and tag part unique to this client: {@code <name>-<random>-<n>}. */
  public String nextId() { return prefix + (++sequence); }

  /** The Call-ID host part to use: this node's address. */
  public String host() { return flow.listener().sentByHost(); }

  /**
   * Sends {@code head} (the request line and headers, each ending in CRLF, without Content-Length)
   * with {@code body} through routing; its final status (408 when none comes in time). Fails when the
   * request does not parse. Two requests in flight at once differ in Call-ID or CSeq.
   */
  public Future<Integer> send(String head, byte[] body) {
    byte[] h = (head + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[h.length + body.length];
    System.arraycopy(h, 0, bytes, 0, h.length);
    System.arraycopy(body, 0, bytes, h.length, body.length);
    SipRequest req;
    String key;
    try {
      req = (SipRequest) MessageParser.parse(bytes, 0, bytes.length, false);
      key = req.callId() + " " + req.cseq().number();
    } catch (SipParseException | ClassCastException e) {
      return Future.failedFuture("cannot build a request: " + e.getMessage());
    }
    Promise<Integer> answer = Promise.promise();
    awaiting.put(key, answer);
    long timer = vertx.setTimer(ANSWER_MILLIS, id -> {
      if (awaiting.remove(key) != null) answer.tryComplete(408);
    });
    dispatcher.inject(req, flow);
    return answer.future().andThen(x -> vertx.cancelTimer(timer));
  }

  /** What routing sent back on the internal flow (on a routing loop): handed to this client's loop. */
  private Future<Void> answered(Buffer data) {
    context.runOnContext(v -> {
      SipMessage m;
      try {
        m = MessageParser.parse(data.getBytes(), 0, data.length(), false);
      } catch (SipParseException e) {
        return; // routing sends only what it built
      }
      try {
        if (m instanceof SipResponse resp && resp.status() >= 200) {
          Promise<Integer> p = awaiting.remove(resp.callId() + " " + resp.cseq().number());
          if (p != null) p.tryComplete(resp.status());
        }
      } catch (SipParseException e) {
        // routing sends only what it built
      }
    });
    return Future.succeededFuture();
  }
}
