package io.sipgw.ban;

import io.sipgw.store.RedisEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Bans shared through Redis: one sorted set, {@code <prefix>bans}, of banned addresses scored by the
 * time their ban ends (epoch milliseconds). A node adds its bans ({@code ZADD GT}, so a ban is only
 * ever lengthened) and reads every {@code pollMillis} the ones that end later than any it has seen,
 * so a ban made on one node is in force on all within about that time; at start it reads those in
 * force. Ended bans are trimmed from the set at every poll. One key: a Redis Cluster holds it in one
 * slot. A Redis that does not answer leaves each node with its own bans (the store logs the outage).
 * The Redis client is the location store's: closing this stops the polling and leaves the client open.
 */
public final class RedisBanStore implements BanStore {
  private static final Logger LOG = Logger.getLogger("sipgw.ban");
  /** The most bans read in one poll; more are read at the next. */
  static final int BATCH = 1000;

  private final Vertx vertx;
  private final RedisEndpoint redis;
  private final long pollMillis;
  private final LongSupplier clock;
  private final String key;
  private long timer = -1;
  /** The latest end of a ban read so far: the next poll reads those that end later. */
  private volatile long seen;
  private volatile boolean polling;

  public RedisBanStore(Vertx vertx, RedisEndpoint redis, long pollMillis, LongSupplier clock) {
    this.vertx = vertx;
    this.redis = redis;
    this.pollMillis = pollMillis;
    this.clock = clock;
    this.key = redis.key("bans");
  }

  @Override
  public void add(String ip, long until) {
    redis.send(Request.cmd(Command.ZADD).arg(key).arg("GT").arg(until).arg(ip))
        .onFailure(e -> LOG.fine(() -> "ban of " + ip + " not shared: " + e.getMessage()));
  }

  @Override
  public void remove(String ip) {
    redis.send(Request.cmd(Command.ZREM).arg(key).arg(ip))
        .onFailure(e -> LOG.warning("removal of the ban of " + ip + " not shared: " + e.getMessage()));
  }

  @Override
  public void start(BiConsumer<String, Long> onBan) {
    seen = clock.getAsLong();
    poll(onBan);
    timer = vertx.setPeriodic(pollMillis, id -> poll(onBan));
  }

  private void poll(BiConsumer<String, Long> onBan) {
    if (polling) return; // the last one has not been answered yet
    polling = true;
    long now = clock.getAsLong();
    redis.send(Request.cmd(Command.ZREMRANGEBYSCORE).arg(key).arg("-inf").arg(now))
        .compose(x -> redis.send(Request.cmd(Command.ZRANGEBYSCORE).arg(key).arg("(" + seen).arg("+inf")
            .arg("WITHSCORES").arg("LIMIT").arg(0).arg(BATCH)))
        .onSuccess(r -> read(r, onBan))
        .onComplete(x -> polling = false);
  }

  /** Member and score pairs: flat under RESP2, one array per pair under RESP3. */
  private void read(Response r, BiConsumer<String, Long> onBan) {
    boolean pairs = r.size() > 0 && r.get(0).type() == ResponseType.MULTI;
    int n = pairs ? r.size() : r.size() / 2;
    for (int i = 0; i < n; i++) {
      String ip = pairs ? r.get(i).get(0).toString() : r.get(2 * i).toString();
      long until = (long) (pairs ? r.get(i).get(1) : r.get(2 * i + 1)).toDouble().doubleValue();
      seen = Math.max(seen, until);
      onBan.accept(ip, until);
    }
  }

  @Override
  public Future<Void> close() {
    if (timer >= 0) vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
