package io.sipgw.im;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every {@link MessageStore} does, run on each implementation. */
abstract class MessageStoreContract {
  static final long NOW = 1_800_000_000_000L;

  abstract MessageStore store();

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static StoredMessage message(String aor, int n, long expires) {
    return new StoredMessage(String.format("%013d-test-%08d", NOW + n, n), aor, "\"Dave\" <sip:dave@localhost>",
        "Sat, 13 Nov 2010 23:29:0" + (n % 10) + " GMT", "text/plain", ("message " + n).getBytes(StandardCharsets.UTF_8), NOW + n, expires);
  }

  @Test
  void messagesWaitInOrderUntilRemoved() throws Exception {
    MessageStore s = store();
    assertEquals(List.of(), await(s.waiting("carol@localhost", NOW)));
    for (int n : new int[] {3, 1, 2}) assertEquals(MessageStore.Outcome.STORED, await(s.add(message("carol@localhost", n, NOW + 60_000), 10, 100)));
    assertTrue(s.mayHave("carol@localhost"));
    List<StoredMessage> waiting = await(s.waiting("carol@localhost", NOW));
    assertEquals(List.of("message 1", "message 2", "message 3"),
        waiting.stream().map(m -> new String(m.body(), StandardCharsets.UTF_8)).toList(), "oldest first");
    StoredMessage first = waiting.get(0);
    assertEquals("\"Dave\" <sip:dave@localhost>", first.from());
    assertEquals("Sat, 13 Nov 2010 23:29:01 GMT", first.date());
    assertEquals("text/plain", first.contentType());
    assertArrayEquals("message 1".getBytes(StandardCharsets.UTF_8), first.body());
    assertEquals(3L, await(s.count()));

    assertTrue(await(s.remove("carol@localhost", first.id())));
    assertFalse(await(s.remove("carol@localhost", first.id())), "removed once");
    assertEquals(2, await(s.waiting("carol@localhost", NOW)).size());
    assertEquals(2L, await(s.count()));
  }

  @Test
  void capsPerUserAndInAllRefuse() throws Exception {
    MessageStore s = store();
    assertEquals(MessageStore.Outcome.STORED, await(s.add(message("erin@localhost", 1, NOW + 60_000), 2, 3)));
    assertEquals(MessageStore.Outcome.STORED, await(s.add(message("erin@localhost", 2, NOW + 60_000), 2, 3)));
    assertEquals(MessageStore.Outcome.USER_FULL, await(s.add(message("erin@localhost", 3, NOW + 60_000), 2, 3)));
    assertEquals(MessageStore.Outcome.STORED, await(s.add(message("fred@localhost", 4, NOW + 60_000), 2, 3)));
    assertEquals(MessageStore.Outcome.STORE_FULL, await(s.add(message("gina@localhost", 5, NOW + 60_000), 2, 3)));
    assertEquals(3L, await(s.count()));
  }

  @Test
  void expiredMessagesAreNotWaitingAndAreSweptOnce() throws Exception {
    MessageStore s = store();
    await(s.add(message("hank@localhost", 1, NOW + 1_000), 10, 100));
    await(s.add(message("hank@localhost", 2, NOW + 5_000), 10, 100));
    await(s.add(message("iris@localhost", 3, NOW + 1_000), 10, 100));
    assertEquals(1, await(s.waiting("hank@localhost", NOW + 2_000)).size(), "an expired one is not delivered");
    List<StoredMessage> expired = await(s.expire(NOW + 2_000, 100));
    assertEquals(List.of("message 1", "message 3"),
        expired.stream().map(m -> new String(m.body(), StandardCharsets.UTF_8)).sorted().toList());
    assertEquals(List.of(), await(s.expire(NOW + 2_000, 100)), "swept once");
    assertEquals(1L, await(s.count()));
    assertEquals(List.of(), await(s.waiting("iris@localhost", NOW)));
  }
}
