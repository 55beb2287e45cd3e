package io.sipgw.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.sip.SipMessage;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.Transport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One Call-ID, one event loop (DESIGN.md): whichever loop receives a message, the dispatcher hands it
 * to the routing instance of its Call-ID, so every message of a call runs on the same context, in
 * the order received.
 */
@ExtendWith(VertxExtension.class)
class DispatcherTest {
  private static final int INSTANCES = 3;
  private static final int CALLS = 40;
  private static final int PER_CALL = 25;

  /** Stands in for a routing verticle: records the context and CSeq of every message it gets. */
  static final class Recorder extends VerticleBase {
    private final String address;
    private final Map<String, Set<Context>> contexts;
    private final Map<String, List<Long>> order;
    private final AtomicInteger received;

    Recorder(String address, Map<String, Set<Context>> contexts, Map<String, List<Long>> order, AtomicInteger received) {
      this.address = address;
      this.contexts = contexts;
      this.order = order;
      this.received = received;
    }

    @Override
    public Future<?> start() {
      return vertx.eventBus().<InboundMessage>localConsumer(address, m -> {
        SipMessage msg = m.body().message();
        // each delivery runs on a duplicate of the verticle's context; the unwrapped one is the verticle's
        contexts.computeIfAbsent(msg.callId(), k -> ConcurrentHashMap.newKeySet())
            .add(((io.vertx.core.internal.ContextInternal) Vertx.currentContext()).unwrap());
        try {
          order.computeIfAbsent(msg.callId(), k -> new ArrayList<>()).add(msg.cseq().number());
        } catch (SipParseException e) {
          throw new IllegalStateException(e);
        }
        received.incrementAndGet();
      }).completion();
    }
  }

  @Test
  void everyMessageOfACallIdRunsOnOneContextInOrder(Vertx vertx, VertxTestContext test) throws Exception {
    try {
      vertx.eventBus().registerDefaultCodec(InboundMessage.class, new InboundCodec());
    } catch (IllegalStateException already) {
      // registered by another test on this Vert.x
    }
    Map<String, Set<Context>> contexts = new ConcurrentHashMap<>();
    Map<String, List<Long>> order = new ConcurrentHashMap<>();
    AtomicInteger received = new AtomicInteger();
    List<Future<String>> deployed = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      deployed.add(vertx.deployVerticle(new Recorder(Dispatcher.ROUTING_ADDRESS + i, contexts, order, received)));
    }
    Future.all(deployed).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    Listener listener = new Listener("udp:127.0.0.1:5060", Transport.UDP, "127.0.0.1", 5060, "127.0.0.1", 5060);
    Transports transports = new Transports(vertx, List.of(listener), 65535, 100);
    Dispatcher dispatcher = new Dispatcher(vertx, transports, INSTANCES);
    // Two receiving loops, as two UDP sockets of one listener would be; each call's messages are
    // sent from one of them in CSeq order.
    Context[] receivers = {vertx.getOrCreateContext(), ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext()};
    for (int call = 0; call < CALLS; call++) {
      Context rx = receivers[call % receivers.length];
      String callId = "call-" + call + "@dispatcher-test";
      rx.runOnContext(v -> {
        for (int cseq = 1; cseq <= PER_CALL; cseq++) {
          byte[] bytes = request(callId, cseq);
          dispatcher.receive(bytes, bytes.length, new Flow(Transport.UDP, listener, "127.0.0.1", 5070, 0), true);
        }
      });
    }
    long deadline = System.currentTimeMillis() + 10_000;
    while (received.get() < CALLS * PER_CALL && System.currentTimeMillis() < deadline) Thread.sleep(10);

    assertEquals(CALLS * PER_CALL, received.get());
    Map<Context, Integer> callsPerContext = new HashMap<>();
    List<Long> expected = new ArrayList<>();
    for (long c = 1; c <= PER_CALL; c++) expected.add(c);
    for (int call = 0; call < CALLS; call++) {
      String callId = "call-" + call + "@dispatcher-test";
      assertEquals(1, contexts.get(callId).size(), callId + " ran on more than one context");
      assertEquals(expected, order.get(callId), callId + " out of order");
      callsPerContext.merge(contexts.get(callId).iterator().next(), 1, Integer::sum);
    }
    assertTrue(callsPerContext.size() > 1, "calls are spread over the routing instances: " + callsPerContext.values());
    test.completeNow();
  }

  private static byte[] request(String callId, int cseq) {
    return ("OPTIONS sip:bob@localhost SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-" + callId.hashCode() + "-" + cseq + "\r\n"
        + "From: <sip:alice@localhost>;tag=1\r\nTo: <sip:bob@localhost>\r\n"
        + "Call-ID: " + callId + "\r\nCSeq: " + cseq + " OPTIONS\r\nMax-Forwards: 70\r\n"
        + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }
}
