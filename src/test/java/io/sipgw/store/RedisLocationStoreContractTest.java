package io.sipgw.store;

import io.sipgw.it.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * The location store contract on {@link RedisLocationStore} against a real redis-server on a free
 * loopback port. Each test has a key prefix of its own; its two nodes are two stores with their own
 * Redis clients on the same server and prefix.
 */
@Timeout(60)
class RedisLocationStoreContractTest extends LocationStoreContract {
  private static Vertx vertx;
  private static RedisServer server;

  private final String prefix = "test:" + UUID.randomUUID() + ":";
  private final List<RedisLocationStore> nodes = new ArrayList<>();

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

  @AfterEach
  void closeNodes() {
    for (RedisLocationStore s : nodes) result(s.close());
  }

  @Override
  LocationStore node(int n) {
    while (nodes.size() <= n) {
      Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url()));
      nodes.add(new RedisLocationStore(vertx, new RedisEndpoint(client, prefix, 2000, "test"), 60_000, now::get));
    }
    return nodes.get(n);
  }
}
