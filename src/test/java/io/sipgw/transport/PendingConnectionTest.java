package io.sipgw.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.sip.Transport;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What is sent to a connection while it opens is written in order, before anything sent after. */
class PendingConnectionTest {
  private final List<String> wire = new ArrayList<>();
  private final Listener listener = new Listener("tcp:127.0.0.1:5060", Transport.TCP, "127.0.0.1", 5060, "127.0.0.1", 5060);
  private final Connection connection = new Connection(new Connection.Channel() {
    @Override
    public Future<Void> write(Buffer message) {
      wire.add(message.toString());
      return Future.succeededFuture();
    }

    @Override
    public void close() { }
  }, new Flow(Transport.TCP, listener, "127.0.0.1", 5070, 1));

  @Test
  void whatWaitedIsWrittenFirstInOrderThenTheRest() {
    PendingConnection pending = new PendingConnection();
    Future<Void> invite = pending.send(Buffer.buffer("INVITE"));
    Future<Void> ack = pending.send(Buffer.buffer("ACK"));
    assertTrue(wire.isEmpty(), "nothing is written before the connection is open");
    assertFalse(invite.isComplete());

    pending.opened(connection);
    Future<Void> bye = pending.send(Buffer.buffer("BYE"));

    assertEquals(List.of("INVITE", "ACK", "BYE"), wire);
    assertTrue(invite.succeeded() && ack.succeeded() && bye.succeeded());
  }

  @Test
  void aFailedOpenFailsWhatWaitedAndWhatComesAfter() {
    PendingConnection pending = new PendingConnection();
    Future<Void> waiting = pending.send(Buffer.buffer("INVITE"));
    pending.failed(new IllegalStateException("connection refused"));
    Future<Void> later = pending.send(Buffer.buffer("BYE"));

    assertTrue(waiting.failed());
    assertEquals("connection refused", later.cause().getMessage());
    assertTrue(wire.isEmpty());
  }
}
