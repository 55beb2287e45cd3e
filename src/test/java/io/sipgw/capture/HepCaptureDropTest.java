package io.sipgw.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.CaptureConfig;
import io.sipgw.it.HepReceiver;
import io.sipgw.sip.Transport;
import io.sipgw.transport.Flow;
import io.sipgw.transport.Listener;
import io.sipgw.transport.Transports;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A capture whose socket cannot keep up drops packets and counts them, and never makes the caller
 * wait: every message is either sent (and reaches the collector) or counted as dropped.
 */
@Timeout(30)
class HepCaptureDropTest {
  private static final int MESSAGES = 2000;

  @Test
  void pastTheLimitPacketsAreDroppedAndCountedWithoutWaiting() throws Exception {
    Vertx vertx = Vertx.vertx();
    Listener l = new Listener("udp:127.0.0.1:5060", Transport.UDP, "127.0.0.1", 5060, "127.0.0.1", 5060);
    Transports transports = new Transports(vertx, List.of(l), 65_535, 10);
    try (HepReceiver collector = new HepReceiver()) {
      String[] hp = collector.address().split(":");
      HepCapture capture = HepCapture.create(vertx, transports,
          new CaptureConfig(hp[0], Integer.parseInt(hp[1]), true, 9, null), 2);
      Flow flow = new Flow(Transport.UDP, l, "127.0.0.1", 40000, 0);
      byte[] message = "OPTIONS sip:x@y SIP/2.0\r\nCall-ID: drop\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      long start = System.nanoTime();
      for (int i = 0; i < MESSAGES; i++) capture.received(flow, message, message.length);
      long took = System.nanoTime() - start;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (capture.inFlight() > 0 && System.nanoTime() < deadline) Thread.sleep(10);
      long sent = capture.sentPackets();
      long dropped = capture.droppedPackets();
      assertEquals(MESSAGES, sent + dropped, () -> "sent " + sent + " dropped " + dropped);
      assertTrue(dropped > 0, "a burst past a limit of 2 in flight drops some");
      assertTrue(took < Duration.ofSeconds(5).toNanos(), "the caller never waits for the socket");
      int received = 0;
      while (collector.next(Duration.ofMillis(500)) != null) received++;
      assertEquals(sent, received, "every packet counted as sent reaches the collector");
      capture.close();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
