package io.sipgw.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.ResponseType;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What this node knows, without asking Redis, of a set of names the nodes of a cluster add to: the
 * ones it added itself, and those a sorted set in Redis names (each scored by the time it was last
 * added, written there by whoever adds it), read every {@code pollMillis} from where the last read
 * stopped. So a hot path (a REGISTER) can ask "may this user have something?" with a set lookup. A
 * name learned from Redis that this node did not know yet is handed to {@code learned}. The sorted
 * set is trimmed of names older than {@code keepMillis}.
 */
public final class RecentNames {
  private final Vertx vertx;
  private final RedisEndpoint redis;
  private final String key;
  private final LongSupplier clock;
  private final LongSupplier keepMillis;
  private final Set<String> names = ConcurrentHashMap.newKeySet();
  private volatile Consumer<String> learned = name -> { };
  private volatile long seen;
  private volatile boolean polling;
  private long timer = -1;

  /** {@code vertx} null or {@code pollMillis} 0: no polling, only what this node adds. */
  public RecentNames(Vertx vertx, RedisEndpoint redis, String key, long pollMillis, LongSupplier clock, LongSupplier keepMillis) {
    this.vertx = vertx;
    this.redis = redis;
    this.key = key;
    this.clock = clock;
    this.keepMillis = keepMillis;
    this.seen = clock.getAsLong() - Math.min(keepMillis.getAsLong(), 365L * 86_400_000L);
    if (vertx != null && pollMillis > 0) {
      poll();
      timer = vertx.setPeriodic(pollMillis, id -> poll());
    }
  }

  public boolean contains(String name) { return names.contains(name); }

  /** This node added {@code name} (and wrote it to the sorted set). */
  public void added(String name) { names.add(name); }

  public void forget(String name) { names.remove(name); }

  /** {@code listener} is told of each name learned from Redis that this node did not know, on the thread that learns it. */
  public void onLearned(Consumer<String> listener) { this.learned = listener; }

  private void poll() {
    if (polling) return;
    polling = true;
    long now = clock.getAsLong();
    long keep = keepMillis.getAsLong();
    Future<?> trim = keep < Long.MAX_VALUE / 2
        ? redis.send(Request.cmd(Command.ZREMRANGEBYSCORE).arg(key).arg("-inf").arg(now - keep)) : Future.succeededFuture();
    trim.compose(x -> redis.send(Request.cmd(Command.ZRANGEBYSCORE).arg(key).arg("(" + seen).arg("+inf")
            .arg("WITHSCORES").arg("LIMIT").arg(0).arg(1000)))
        .onSuccess(r -> {
          // member and score pairs: flat under RESP2, one array per pair under RESP3
          boolean pairs = r.size() > 0 && r.get(0).type() == ResponseType.MULTI;
          int n = pairs ? r.size() : r.size() / 2;
          for (int i = 0; i < n; i++) {
            String name = (pairs ? r.get(i).get(0) : r.get(2 * i)).toString();
            seen = Math.max(seen, (long) (pairs ? r.get(i).get(1) : r.get(2 * i + 1)).toDouble().doubleValue());
            if (names.add(name)) learned.accept(name);
          }
        })
        .onComplete(x -> polling = false);
  }

  public void close() {
    if (timer >= 0) vertx.cancelTimer(timer);
  }
}
