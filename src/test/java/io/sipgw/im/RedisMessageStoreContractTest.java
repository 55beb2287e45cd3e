package io.sipgw.im;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.it.RedisServer;
import io.sipgw.store.RedisEndpoint;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.nio.file.Files;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The message store contract on {@link RedisMessageStore} against a real redis-server; a key prefix per test. */
@Timeout(60)
class RedisMessageStoreContractTest extends MessageStoreContract {
  private static Vertx vertx;
  private static RedisServer server;

  @BeforeAll
  static void startRedis() throws Exception {
    vertx = Vertx.vertx();
    server = RedisServer.start(Files.createTempDirectory("redis-"));
  }

  @AfterAll
  static void stopRedis() {
    try {
      if (server != null) server.close();
    } finally {
      if (vertx != null) vertx.close();
    }
  }

  private final RedisEndpoint redis = new RedisEndpoint(Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url())),
      "t" + UUID.randomUUID() + ":", 2000, "test");
  private final MessageStore store = new RedisMessageStore(redis);

  @AfterEach
  void closeClient() { redis.close(); }

  @Override
  MessageStore store() { return store; }

  /** What one node stores, another learns by polling, so that its REGISTERs need not ask Redis. */
  @Test
  void anotherNodeLearnsForWhomMessagesWaitWithoutBeingAsked() throws Exception {
    RedisEndpoint other = new RedisEndpoint(Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url())), redis.key(""),
        2000, "test");
    RedisMessageStore b = new RedisMessageStore(vertx, other, 100, System::currentTimeMillis, () -> 60_000L);
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
