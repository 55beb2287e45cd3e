package io.sipgw.store;

import io.sipgw.config.StoreConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The Redis a deployment keeps its shared state in, as the stores use it: one pooled Vert.x Redis
 * client (standalone, Sentinel or Cluster), the key prefix, and a bound on every command. A command
 * that fails or takes longer than {@code store.timeout} fails its future; the first failure after a
 * success logs one WARNING (Redis is down), the first success after failures one INFO (it is back),
 * so an outage is two lines, not one per request. Commands beyond {@code store.maxWaiting} fail at
 * once rather than pile up.
 */
public final class RedisEndpoint {
  private static final Logger LOG = Logger.getLogger("sipgw.store");

  private final Redis client;
  private final String prefix;
  private final long timeoutMillis;
  private final String name;
  private final AtomicBoolean up = new AtomicBoolean(true);

  public RedisEndpoint(Redis client, String prefix, long timeoutMillis, String name) {
    this.client = client;
    this.prefix = prefix;
    this.timeoutMillis = timeoutMillis;
    this.name = name;
  }

  /** A client for the {@code store.*} settings. */
  public static RedisEndpoint create(Vertx vertx, StoreConfig c) {
    RedisOptions o = new RedisOptions()
        .setMaxPoolSize(c.poolSize())
        .setMaxPoolWaiting(c.maxWaiting())
        .setMaxWaitingHandlers(c.maxWaiting())
        .addConnectionString(c.redisUrl());
    for (String n : c.nodes()) o.addConnectionString(n);
    switch (c.topology()) {
      case StoreConfig.SENTINEL -> o.setType(RedisClientType.SENTINEL).setMasterName(c.masterName()).setRole(RedisRole.MASTER);
      case StoreConfig.CLUSTER -> o.setType(RedisClientType.CLUSTER);
      default -> o.setType(RedisClientType.STANDALONE);
    }
    return new RedisEndpoint(Redis.createClient(vertx, o), c.keyPrefix(), c.timeout(), c.topology() + " " + redacted(c.redisUrl()));
  }

  /** The URL without a password, for logs. */
  static String redacted(String url) { return url.replaceFirst("//[^@/]*@", "//***@"); }

  /** {@code prefix + key} */
  public String key(String key) { return prefix + key; }

  /** Sends one command, failed after the timeout. */
  public Future<Response> send(Request request) {
    return client.send(request).timeout(timeoutMillis, TimeUnit.MILLISECONDS).andThen(ar -> {
      if (ar.succeeded()) {
        if (up.compareAndSet(false, true)) LOG.info("Redis " + name + " is available again");
      } else if (up.compareAndSet(true, false)) {
        LOG.warning("Redis " + name + " is unavailable: " + ar.cause().getMessage()
            + " (requests that need it get 500/503 until it is back)");
      }
    });
  }

  /** A PING: whether Redis answers (a failure is logged as an outage). */
  public Future<Void> ping() { return send(Request.cmd(Command.PING)).mapEmpty(); }

  @Override
  public String toString() { return "Redis " + name; }

  /** Whether the last command succeeded. */
  public boolean available() { return up.get(); }

  public void close() { client.close(); }
}
