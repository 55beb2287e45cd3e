package io.sipgw.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The location service in Redis, shared by every node that uses the same Redis and key prefix.
 *
 * <p>Keys (see docs/redis.md): {@code <prefix>aor:<aor>} is a hash with the AOR's bindings as JSON
 * ({@code b}), a version ({@code v}) and when it last had a binding ({@code a}); Redis expires the
 * whole key once its last binding has expired and the AOR's remembering time has passed, so nothing
 * scans for expired entries. {@code <prefix>registered} is a sorted set of AORs scored by the expiry
 * of their last binding, for counting; {@code <prefix>node:<node name>} one per node, of the AORs
 * with bindings saved through that node, scored by the expiry of the last of them, which the node
 * reads back when it restarts.
 *
 * <p>An update reads the hash, applies the registrar's pure function to the unexpired bindings, and
 * writes the result with a Lua script that succeeds only if the version is still the one read
 * (compare and set): two nodes racing on one AOR can neither lose nor duplicate a binding, and
 * {@code registrar.maxContacts} holds across nodes; the loser reads again and re-applies its
 * change. The future completes once Redis has the write, so a registration acknowledged after it is
 * never lost by a node crash.
 */
public final class RedisLocationStore implements LocationStore {
  /**
   * KEYS[1] the AOR hash, KEYS[2] (when given) the count index, KEYS[3…] the indexes of the nodes that
   * saved the bindings; ARGV expected version, bindings JSON, last active ms, TTL ms, expiry of the
   * last binding, now, the AOR, then for each node index the expiry of that node's last binding.
   * 1 written, 0 conflict. A Redis Cluster gets one key (the indexes live in other slots) and the
   * indexes are written apart.
   */
  static final RedisEndpoint.Script COMPARE_AND_SET = new RedisEndpoint.Script(String.join("\n",
      "local v = redis.call('HGET', KEYS[1], 'v') or '0'",
      "if v ~= ARGV[1] then return 0 end",
      "redis.call('HSET', KEYS[1], 'v', tostring(tonumber(v) + 1), 'b', ARGV[2], 'a', ARGV[3])",
      "redis.call('PEXPIRE', KEYS[1], ARGV[4])",
      "if KEYS[2] then",
      "  if tonumber(ARGV[5]) > tonumber(ARGV[6]) then redis.call('ZADD', KEYS[2], ARGV[5], ARGV[7])",
      "  else redis.call('ZREM', KEYS[2], ARGV[7]) end",
      "end",
      "for i = 3, #KEYS do redis.call('ZADD', KEYS[i], ARGV[i + 5], ARGV[7]) end",
      "return 1"));
  /** How often a conflicting update is tried again before it fails. */
  static final int ATTEMPTS = 32;
  private static final long INDEX_SWEEP_MILLIS = 60_000;

  private final Vertx vertx;
  private final RedisEndpoint redis;
  private final long rememberMillis;
  private final LongSupplier clock;
  private final long timer;
  /** The nodes whose indexes this store wrote, swept with the count's. */
  private final Set<String> nodes = ConcurrentHashMap.newKeySet();

  public RedisLocationStore(Vertx vertx, RedisEndpoint redis, long rememberMillis, LongSupplier clock) {
    this.vertx = vertx;
    this.redis = redis;
    this.rememberMillis = rememberMillis;
    this.clock = clock;
    this.timer = vertx.setPeriodic(INDEX_SWEEP_MILLIS, id -> sweepIndex());
  }

  String aorKey(String aor) { return redis.key("aor:" + aor); }

  String indexKey() { return redis.key("registered"); }

  String nodeKey(String nodeName) { return redis.key("node:" + nodeName); }

  @Override
  public Future<AorRecord> lookup(String aor) {
    return read(aor).map(s -> s.version == 0 ? AorRecord.UNKNOWN : new AorRecord(true, s.live));
  }

  @Override
  public <T> Future<T> update(String aor, Function<List<Binding>, BindingChange<T>> change) {
    return attempt(aor, change, 1);
  }

  private <T> Future<T> attempt(String aor, Function<List<Binding>, BindingChange<T>> change, int n) {
    return read(aor).compose(s -> {
      BindingChange<T> c = change.apply(s.live);
      if (c.bindings() == null) return Future.succeededFuture(c.result());
      long now = clock.getAsLong();
      List<Binding> next = List.copyOf(c.bindings());
      long lastExpiry = 0;
      for (Binding b : next) lastExpiry = Math.max(lastExpiry, b.expiresAtMillis());
      long lastActive = Math.max(now, lastExpiry);
      long ttl = Math.max(1, lastActive + rememberMillis - now);
      boolean oneSlot = !redis.cluster();
      Map<String, Long> byNode = lastExpiryByNode(next);
      List<String> keys = new ArrayList<>(2 + byNode.size());
      keys.add(aorKey(aor));
      List<Object> args = new ArrayList<>(7 + byNode.size());
      Collections.addAll(args, s.version, BindingJson.write(next), lastActive, ttl, lastExpiry, now, aor);
      if (oneSlot) {
        keys.add(indexKey());
        for (Map.Entry<String, Long> e : byNode.entrySet()) {
          keys.add(nodeKey(e.getKey()));
          args.add(e.getValue());
        }
      }
      long score = lastExpiry;
      return redis.eval(COMPARE_AND_SET, keys, args).compose(r -> {
        if (r != null && r.toInteger() == 1) {
          return (oneSlot ? Future.<Void>succeededFuture() : index(aor, score, byNode)).map(c.result());
        }
        if (n >= ATTEMPTS) {
          return Future.failedFuture("location update of " + aor + " kept conflicting with other nodes (" + n + " attempts)");
        }
        return attempt(aor, change, n + 1);
      });
    });
  }

  /** The indexes in a Redis Cluster, where they live in other slots than the AOR's hash. */
  private Future<Void> index(String aor, long lastExpiry, Map<String, Long> byNode) {
    List<Future<Response>> writes = new ArrayList<>(1 + byNode.size());
    writes.add(redis.send(lastExpiry > clock.getAsLong()
        ? Request.cmd(Command.ZADD).arg(indexKey()).arg(lastExpiry).arg(aor)
        : Request.cmd(Command.ZREM).arg(indexKey()).arg(aor)));
    for (Map.Entry<String, Long> e : byNode.entrySet()) {
      writes.add(redis.send(Request.cmd(Command.ZADD).arg(nodeKey(e.getKey())).arg(e.getValue()).arg(aor)));
    }
    return Future.all(writes).mapEmpty();
  }

  /** For each node that saved one of {@code bindings}, when its last one expires; notes the nodes for the sweep. */
  private Map<String, Long> lastExpiryByNode(List<Binding> bindings) {
    Map<String, Long> out = new HashMap<>(2);
    for (Binding b : bindings) {
      String name = b.source() == null ? null : b.source().nodeName();
      if (name != null) out.merge(name, b.expiresAtMillis(), Math::max);
    }
    nodes.addAll(out.keySet());
    return out;
  }

  /** The stored version (0: no such AOR) and its unexpired bindings. */
  private record Snapshot(long version, List<Binding> live) { }

  private Future<Snapshot> read(String aor) {
    return redis.send(Request.cmd(Command.HMGET).arg(aorKey(aor)).arg("v").arg("b")).map(r -> {
      Response v = r.get(0);
      Response b = r.get(1);
      if (v == null) return new Snapshot(0, List.of());
      long now = clock.getAsLong();
      List<Binding> all = b == null ? List.of() : BindingJson.read(aor, b.toString());
      List<Binding> live = all.stream().filter(x -> !x.expired(now)).toList();
      return new Snapshot(v.toLong(), live);
    });
  }

  @Override
  public Future<List<String>> aorsOf(String nodeName) {
    String now = Long.toString(clock.getAsLong());
    return redis.send(Request.cmd(Command.ZREMRANGEBYSCORE).arg(nodeKey(nodeName)).arg("-inf").arg(now))
        .compose(x -> redis.send(Request.cmd(Command.ZRANGEBYSCORE).arg(nodeKey(nodeName)).arg("(" + now).arg("+inf")))
        .map(r -> {
          List<String> out = new ArrayList<>(r.size());
          for (Response a : r) out.add(a.toString());
          return out;
        });
  }

  /** From the count index ({@code <prefix>registered}), those whose last binding expires later than now: no scan of keys. */
  @Override
  public Future<List<String>> registeredAors(int limit) {
    return redis.send(Request.cmd(Command.ZRANGEBYSCORE).arg(indexKey()).arg("(" + clock.getAsLong()).arg("+inf")
            .arg("LIMIT").arg(0).arg(limit))
        .map(r -> {
          List<String> out = new ArrayList<>(r.size());
          for (Response a : r) out.add(a.toString());
          return out;
        });
  }

  @Override
  public Future<Integer> countRegistered() {
    return redis.send(Request.cmd(Command.ZCOUNT).arg(indexKey()).arg("(" + clock.getAsLong()).arg("+inf"))
        .map(Response::toInteger);
  }

  /** Drops AORs whose last binding has expired from the indexes: one command each, no scan of keys. */
  private void sweepIndex() {
    long now = clock.getAsLong();
    redis.send(Request.cmd(Command.ZREMRANGEBYSCORE).arg(indexKey()).arg("-inf").arg(now));
    for (String node : nodes) redis.send(Request.cmd(Command.ZREMRANGEBYSCORE).arg(nodeKey(node)).arg("-inf").arg(now));
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(timer);
    redis.close();
    return Future.succeededFuture();
  }
}
