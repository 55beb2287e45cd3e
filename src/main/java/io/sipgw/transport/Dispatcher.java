package io.sipgw.transport;

import io.sipgw.metrics.Metrics;
import io.sipgw.sip.MessageParser;
import io.sipgw.sip.ResponseBuilder;
import io.sipgw.sip.SipMessage;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * From received bytes to the routing loop that owns the Call-ID: parses the message, answers what
 * cannot be parsed (400, 505, 513 … with a reason naming the fault), and sends the rest over the event
 * bus to the routing instance chosen by a hash of the Call-ID, so one Call-ID always runs on one loop —
 * except a request that a {@link #onReceivingLoop local handler} takes on the loop that received it
 * (a REGISTER that needs no routing state).
 */
public final class Dispatcher {
  private static final Logger LOG = Logger.getLogger("sipgw.transport");
  public static final String ROUTING_ADDRESS = "sipgw.routing.";

  private final EventBus bus;
  private final Transports transports;
  private final String[] addresses;
  private final DeliveryOptions local = new DeliveryOptions().setCodecName(InboundCodec.NAME).setLocalOnly(true);
  private volatile BiPredicate<SipRequest, Flow> onReceivingLoop = (r, f) -> false;
  private volatile Predicate<String> admitSource = ip -> true;
  private volatile BiPredicate<SipRequest, Flow> admitRequest = (r, f) -> true;

  public Dispatcher(Vertx vertx, Transports transports, int routingInstances) {
    this.bus = vertx.eventBus();
    this.transports = transports;
    this.addresses = new String[routingInstances];
    for (int i = 0; i < routingInstances; i++) addresses[i] = ROUTING_ADDRESS + i;
    transports.dispatcher(this);
  }

  /**
   * What takes a request on the loop that received it: called there with every parsed request, it
   * returns true for one it has taken (never to be sent to routing) and false for the rest. Quick,
   * never blocking, never throwing.
   */
  public void onReceivingLoop(BiPredicate<SipRequest, Flow> handler) { this.onReceivingLoop = handler; }

  /** What decides, before parsing, whether a message from a source address is handled at all (bans). */
  public void admitSource(Predicate<String> admit) { this.admitSource = admit; }

  /** What decides, once a request is parsed, whether it is handled at all (scanners); false: dropped unanswered. */
  public void admitRequest(BiPredicate<SipRequest, Flow> admit) { this.admitRequest = admit; }

  /** The routing address for a Call-ID. */
  public String addressFor(String callId) {
    int h = callId == null ? 0 : callId.hashCode();
    return addresses[(h & 0x7fffffff) % addresses.length];
  }

  /** Handles the bytes of one datagram or one framed stream message. */
  public void receive(byte[] bytes, int length, Flow flow, boolean datagram) {
    Metrics metrics = transports.metrics();
    if (!admitSource.test(flow.remoteHost())) { // banned: dropped unparsed and unanswered
      metrics.dropped(Metrics.Drop.BANNED);
      return;
    }
    MessageTap tap = transports.tap;
    if (tap != null) tap.received(flow, bytes, length);
    SipMessage m;
    try {
      m = MessageParser.parse(bytes, 0, length, datagram);
    } catch (SipParseException e) {
      metrics.dropped(Metrics.Drop.UNPARSABLE);
      reject(bytes, length, e.status(), e.reason(), flow);
      return;
    }
    metrics.received(m);
    if (m instanceof SipRequest r) {
      if (!admitRequest.test(r, flow)) {
        metrics.dropped(Metrics.Drop.SCANNER);
        return;
      }
      if (onReceivingLoop.test(r, flow)) return;
    }
    bus.send(addressFor(m.callId()), new InboundMessage(m, flow, System.nanoTime()), local);
  }

  /**
   * Hands a request made by this node ({@code flow}: one of {@link Transports#internalFlow}'s) to
   * the routing loop of its Call-ID, as if received: no ban or scanner check, no receiving-loop handler.
   */
  public void inject(SipRequest request, Flow flow) {
    bus.send(addressFor(request.callId()), new InboundMessage(request, flow, System.nanoTime()), local);
  }

  /** Answers a request that could not be parsed, if enough of it can be read to address a response. */
  public Future<Void> reject(byte[] bytes, int length, int status, String reason, Flow flow) {
    SipRequest r = MessageParser.salvageRequest(bytes, 0, length);
    if (r == null) {
      LOG.info("dropped unparsable message from " + flow + ": " + reason);
      return Future.succeededFuture();
    }
    LOG.info("rejected " + r.method() + " from " + flow + " with " + status + ": " + reason + " (Call-ID " + r.callId() + ")");
    String phrase = status == 400 ? "Bad Request (" + reason + ")" : reason;
    Buffer response = ResponseBuilder.of(r, status, phrase).toBuffer();
    transports.metrics().responseSent(r.method(), response, 0);
    return transports.send(flow, response);
  }
}
