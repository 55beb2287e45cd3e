package io.sipgw.im;

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
}
