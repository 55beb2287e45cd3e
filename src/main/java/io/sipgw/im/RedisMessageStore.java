package io.sipgw.im;

import io.sipgw.store.RecentNames;
import io.sipgw.store.RedisEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Messages for offline users in Redis, shared by the nodes of a cluster and kept across restarts:
 * per user a hash {@code <prefix>{msgs}:u:<aor>} of id to the message as JSON, and one sorted set
 * {@code <prefix>{msgs}:exp} of {@code <aor>|<id>} scored by expiry, which also counts them all. The
 * caps are checked and the message stored in one script; the {@code {msgs}} hash tag keeps every key
 * in one slot of a Redis Cluster. Every command is bounded by {@code store.timeout}.
 *
 * <p>So that a REGISTER need not ask Redis, each node keeps the set of users messages may wait for:
 * those it stored itself, and those a sorted set {@code <prefix>{msgs}:new} (user scored by the time
 * a message was last stored for it) names, read every {@code pollMillis} from where the last read
 * stopped. A user leaves the set when a look finds nothing waiting, and the sorted set is trimmed of
 * users not stored for within the expiry.
 */
public final class RedisMessageStore implements MessageStore {
  private static final RedisEndpoint.Script ADD = new RedisEndpoint.Script(String.join("\n",
      "if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return 1 end",
      "if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 2 end",
      "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])",
      "redis.call('ZADD', KEYS[2], ARGV[3], ARGV[6])",
      "redis.call('ZADD', KEYS[3], ARGV[7], ARGV[8])",
      "return 0"));
  private static final RedisEndpoint.Script REMOVE = new RedisEndpoint.Script(String.join("\n",
      "redis.call('ZREM', KEYS[2], ARGV[2])",
      "return redis.call('HDEL', KEYS[1], ARGV[1])"));
  /** Deletes a claim only if it is still this store's. */
  private static final RedisEndpoint.Script RELEASE = new RedisEndpoint.Script(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0");
  private static final RedisEndpoint.Script EXPIRE = new RedisEndpoint.Script(String.join("\n",
      "local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))",
      "local out = {}",
      "for _, member in ipairs(due) do",
      "  local sep = string.find(member, '|[^|]*$')",
      "  local key = ARGV[3] .. string.sub(member, 1, sep - 1)",
      "  local id = string.sub(member, sep + 1)",
      "  local json = redis.call('HGET', key, id)",
      "  if json then table.insert(out, json); redis.call('HDEL', key, id) end",
      "  redis.call('ZREM', KEYS[1], member)",
      "end",
      "return out"));

  private final RedisEndpoint redis;
  private final String userPrefix;
  private final String index;
  private final String recent;
  private final RecentNames users;
  /** This store's mark on a delivery claim, so that it deletes only its own. */
  private final String claimValue = Long.toHexString(new java.security.SecureRandom().nextLong());

  /** Without polling (tests of the storage alone): only what this node stores is known to {@link #mayHave}. */
  public RedisMessageStore(RedisEndpoint redis) { this(null, redis, 0, System::currentTimeMillis, () -> Long.MAX_VALUE); }

  /**
   * @param pollMillis how often the users others stored for are read (0: never)
   * @param keepMillis how long a user stays in {@code {msgs}:new} after its last stored message (the expiry)
   */
  public RedisMessageStore(Vertx vertx, RedisEndpoint redis, long pollMillis, java.util.function.LongSupplier clock,
      java.util.function.LongSupplier keepMillis) {
    this.redis = redis;
    this.userPrefix = redis.key("{msgs}:u:");
    this.index = redis.key("{msgs}:exp");
    this.recent = redis.key("{msgs}:new");
    this.users = new RecentNames(vertx, redis, recent, pollMillis, clock, keepMillis);
  }

  @Override
  public boolean mayHave(String aor) { return users.contains(aor); }

  @Override
  public void nothingWaits(String aor) { users.forget(aor); }

  @Override
  public void onStoredElsewhere(java.util.function.Consumer<String> listener) { users.onLearned(listener); }

  private static String member(String aor, String id) { return aor + "|" + id; }

  @Override
  public Future<Outcome> add(StoredMessage m, int maxPerUser, int maxTotal) {
    return redis.eval(ADD, List.of(userPrefix + m.aor(), index, recent),
            List.of(m.id(), m.toJson().encode(), m.expires(), maxPerUser, maxTotal, member(m.aor(), m.id()), m.stored(), m.aor()))
        .map(r -> switch (r.toInteger()) {
          case 0 -> {
            users.added(m.aor());
            yield Outcome.STORED;
          }
          case 1 -> Outcome.USER_FULL;
          default -> Outcome.STORE_FULL;
        });
  }

  @Override
  public Future<List<StoredMessage>> waiting(String aor, long now) {
    return redis.send(Request.cmd(Command.HVALS).arg(userPrefix + aor)).map(r -> {
      List<StoredMessage> out = new ArrayList<>();
      for (Response v : r) {
        StoredMessage m = StoredMessage.fromJson(new JsonObject(v.toString()));
        if (m.expires() > now) out.add(m);
      }
      out.sort(Comparator.comparing(StoredMessage::id));
      return out;
    });
  }

  @Override
  public Future<Boolean> remove(String aor, String id) {
    return redis.eval(REMOVE, List.of(userPrefix + aor, index), List.of(id, member(aor, id))).map(r -> r.toInteger() > 0);
  }

  @Override
  public Future<List<StoredMessage>> expire(long now, int max) {
    return redis.eval(EXPIRE, List.of(index), List.of(now, max, userPrefix)).map(r -> {
      List<StoredMessage> out = new ArrayList<>();
      for (Response v : r) out.add(StoredMessage.fromJson(new JsonObject(v.toString())));
      return out;
    });
  }

  @Override
  public Future<Long> count() { return redis.send(Request.cmd(Command.ZCARD).arg(index)).map(Response::toLong); }

  /** {@code SET <prefix>{msgs}:claim:<aor> <this store> NX PX millis}. */
  @Override
  public Future<Boolean> claimDelivery(String aor, long millis) {
    return redis.send(Request.cmd(Command.SET).arg(redis.key("{msgs}:claim:" + aor)).arg(claimValue).arg("NX").arg("PX").arg(millis))
        .map(r -> r != null);
  }

  @Override
  public void releaseDelivery(String aor) {
    redis.eval(RELEASE, List.of(redis.key("{msgs}:claim:" + aor)), List.of(claimValue));
  }

  /** Stops the polling; the Redis client is the location store's, left open. */
  @Override
  public Future<Void> close() {
    users.close();
    return Future.succeededFuture();
  }
}
