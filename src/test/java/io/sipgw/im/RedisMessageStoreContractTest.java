package io.sipgw.im;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.it.RedisForTests;
import io.sipgw.store.RedisEndpoint;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The message store contract on {@link RedisMessageStore} against a real redis-server; a key prefix per test. */
@Timeout(60)
class RedisMessageStoreContractTest extends MessageStoreContract {
  @RegisterExtension static final RedisForTests REDIS = new RedisForTests();

  private final RedisEndpoint redis = REDIS.endpoint("t" + UUID.randomUUID() + ":");
  private final MessageStore store = new RedisMessageStore(redis);

  @AfterEach
  void closeClient() { redis.close(); }

  @Override
  MessageStore store() { return store; }

  /** What one node stores, another learns by polling, so that its REGISTERs need not ask Redis. */
  @Test
  void anotherNodeLearnsForWhomMessagesWaitWithoutBeingAsked() throws Exception {
    RedisEndpoint other = REDIS.endpoint(redis.key(""));
    RedisMessageStore b = new RedisMessageStore(REDIS.vertx(), other, 100, System::currentTimeMillis, () -> 60_000L);
    try {
      StoredMessage m = message("lena@localhost", 1, System.currentTimeMillis() + 60_000);
      await(store.add(m, 10, 100));
      assertTrue(store.mayHave("lena@localhost"), "the storing node knows at once");
      long deadline = System.nanoTime() + 3_000_000_000L;
      while (!b.mayHave("lena@localhost") && System.nanoTime() < deadline) Thread.sleep(20);
      assertTrue(b.mayHave("lena@localhost"), "the other node learned it by polling");
      assertFalse(b.mayHave("mark@localhost"));
      b.nothingWaits("lena@localhost");
      assertFalse(b.mayHave("lena@localhost"), "until a look finds nothing");
    } finally {
      b.close();
      other.close();
    }
  }
}
