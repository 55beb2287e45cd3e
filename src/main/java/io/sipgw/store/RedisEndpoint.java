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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
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
  private final boolean cluster;
  private volatile CommandObserver observer;

  /** A Lua script and its SHA-1, sent by hash once Redis has it (EVALSHA). */
  public record Script(String text, String sha) {
    public Script(String text) { this(text, sha1(text)); }

    private static String sha1(String text) {
      try {
        byte[] h = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
        StringBuilder sb = new StringBuilder(40);
        for (byte b : h) sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        return sb.toString();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 is not available", e);
      }
    }
  }

  public RedisEndpoint(Redis client, String prefix, long timeoutMillis, String name) {
    this(client, prefix, timeoutMillis, name, false);
  }

  /** {@code cluster}: a Redis Cluster, where the keys of one script must share a slot. */
  public RedisEndpoint(Redis client, String prefix, long timeoutMillis, String name, boolean cluster) {
    this.client = client;
    this.prefix = prefix;
    this.timeoutMillis = timeoutMillis;
    this.name = name;
    this.cluster = cluster;
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
    return new RedisEndpoint(Redis.createClient(vertx, o), c.keyPrefix(), c.timeout(), c.topology() + " " + redacted(c.redisUrl()),
        c.topology().equals(StoreConfig.CLUSTER));
  }

  /** The URL without a password, for logs. */
  static String redacted(String url) { return url.replaceFirst("//[^@/]*@", "//***@"); }

  /** {@code prefix + key} */
  public String key(String key) { return prefix + key; }

  /** What learns of every command: its name, how long it took, how it failed. */
  @FunctionalInterface
  public interface CommandObserver {
    /** {@code error}: null when Redis answered, {@code reply} for an error reply, {@code unavailable} for a timeout or no connection. */
    void command(String command, long nanos, String error);
  }

  /** Reports every command to {@code o} (the node's metrics). */
  public RedisEndpoint observe(CommandObserver o) {
    this.observer = o;
    return this;
  }

  /** Sends one command, failed after the timeout. */
  public Future<Response> send(Request request) {
    CommandObserver o = observer;
    long start = o == null ? 0 : System.nanoTime();
    return client.send(request).timeout(timeoutMillis, TimeUnit.MILLISECONDS).andThen(ar -> {
      if (o != null) {
        o.command(request.command().toString(), System.nanoTime() - start, error(ar.succeeded() ? null : ar.cause()));
      }
      // an error reply (NOSCRIPT, WRONGTYPE …) is an answer: Redis is there
      if (ar.succeeded() || ar.cause() instanceof Response) {
        if (up.compareAndSet(false, true)) LOG.info("Redis " + name + " is available again");
      } else if (up.compareAndSet(true, false)) {
        LOG.warning("Redis " + name + " is unavailable: " + ar.cause().getMessage()
            + " (requests that need it get 500/503 until it is back)");
      }
    });
  }

  /** How a command failed, for the observer: null when it did not (a NOSCRIPT reply is part of {@link #eval}), else reply or unavailable. */
  private static String error(Throwable e) {
    if (e == null) return null;
    if (!(e instanceof Response)) return "unavailable";
    String m = e.getMessage();
    return m != null && m.startsWith("NOSCRIPT") ? null : "reply";
  }

  /** Whether this is a Redis Cluster. */
  public boolean cluster() { return cluster; }

  /** Runs {@code script} by its hash, and by its text when Redis does not have it yet (NOSCRIPT). */
  public Future<Response> eval(Script script, List<String> keys, List<Object> args) {
    return send(scriptRequest(Command.EVALSHA, script.sha(), keys, args)).recover(e -> {
      String m = e.getMessage();
      return m != null && m.startsWith("NOSCRIPT") ? send(scriptRequest(Command.EVAL, script.text(), keys, args)) : Future.failedFuture(e);
    });
  }

  private static Request scriptRequest(Command command, String script, List<String> keys, List<Object> args) {
    Request r = Request.cmd(command).arg(script).arg(keys.size());
    for (String k : keys) r.arg(k);
    for (Object a : args) r.arg(String.valueOf(a));
    return r;
  }

  /** A PING: whether Redis answers (a failure is logged as an outage). */
  public Future<Void> ping() { return send(Request.cmd(Command.PING)).mapEmpty(); }

  @Override
  public String toString() { return "Redis " + name; }

  public void close() { client.close(); }
}
