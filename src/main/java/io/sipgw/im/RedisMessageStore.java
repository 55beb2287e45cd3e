package io.sipgw.im;

import io.sipgw.store.RedisEndpoint;
import io.vertx.core.Future;
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
 */
public final class RedisMessageStore implements MessageStore {
  private static final RedisEndpoint.Script ADD = new RedisEndpoint.Script(String.join("\n",
      "if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return 1 end",
      "if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 2 end",
      "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])",
      "redis.call('ZADD', KEYS[2], ARGV[3], ARGV[6])",
      "return 0"));
  private static final RedisEndpoint.Script REMOVE = new RedisEndpoint.Script(String.join("\n",
      "redis.call('ZREM', KEYS[2], ARGV[2])",
      "return redis.call('HDEL', KEYS[1], ARGV[1])"));
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

  public RedisMessageStore(RedisEndpoint redis) {
    this.redis = redis;
    this.userPrefix = redis.key("{msgs}:u:");
    this.index = redis.key("{msgs}:exp");
  }

  private static String member(String aor, String id) { return aor + "|" + id; }

  @Override
  public Future<Outcome> add(StoredMessage m, int maxPerUser, int maxTotal) {
    return redis.eval(ADD, List.of(userPrefix + m.aor(), index),
            List.of(m.id(), m.toJson().encode(), m.expires(), maxPerUser, maxTotal, member(m.aor(), m.id())))
        .map(r -> switch (r.toInteger()) {
          case 0 -> Outcome.STORED;
          case 1 -> Outcome.USER_FULL;
          default -> Outcome.STORE_FULL;
        });
  }

  /** Always: the messages of other nodes are not known here without asking Redis (which {@link #waiting} does). */
  @Override
  public boolean mayHave(String aor) { return true; }

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

  @Override
  public Future<Void> close() { return Future.succeededFuture(); }
}
