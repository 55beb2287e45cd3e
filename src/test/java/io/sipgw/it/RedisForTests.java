package io.sipgw.it;

import io.sipgw.store.RedisEndpoint;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.nio.file.Files;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real redis-server and a Vert.x for one test class ({@code @RegisterExtension static}): started
 * before its tests, stopped after them; each test makes clients of its own ({@link #endpoint}).
 */
public final class RedisForTests implements BeforeAllCallback, AfterAllCallback {
  private Vertx vertx;
  private RedisServer server;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    vertx = Vertx.vertx();
    server = RedisServer.start(Files.createTempDirectory("redis-"));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (server != null) server.close();
    } finally {
      if (vertx != null) vertx.close();
    }
  }

  public Vertx vertx() { return vertx; }

  /** A new client of the server, its keys under {@code prefix}. */
  public RedisEndpoint endpoint(String prefix) {
    return new RedisEndpoint(Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url())), prefix, 2000, "test");
  }
}
