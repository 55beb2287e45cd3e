package io.sipgw.presence;

import io.sipgw.store.RecentNames;
import io.sipgw.store.RedisEndpoint;
import io.vertx.core.Vertx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Publications and subscriptions in Redis, shared by the nodes of a cluster: any node answers a
 * PUBLISH and NOTIFYs every watcher, whichever node took its SUBSCRIBE (a NOTIFY's route to a
 * watcher's connection names the node that holds it). Keys, all under the {@code {pres}} hash tag so
 * that one script may touch several in a Redis Cluster:
 * <ul>
 *   <li>{@code <prefix>{pres}:pub:<entity>}: hash, entity-tag to the publication as JSON;</li>
 *   <li>{@code <prefix>{pres}:pubexp}: sorted set of {@code <entity>|<etag>} by expiry;</li>
 *   <li>{@code <prefix>{pres}:sub:<id>}: string, the subscription as JSON;</li>
 *   <li>{@code <prefix>{pres}:watchers:<entity>}: set of subscription ids;</li>
 *   <li>{@code <prefix>{pres}:subexp}: sorted set of subscription ids by expiry;</li>
 *   <li>{@code <prefix>{pres}:watched}: sorted set of presentities by the time of their last
 *       subscription, which every node reads every second ({@link RecentNames}), so that a REGISTER of
 *       a user no one watches costs no Redis command.</li>
 * </ul>
 * What expires is taken out by one script, so exactly one node sweeps each.
 */
public final class RedisPresenceStore implements PresenceStore {
  /** A publication that never expires by itself (presence from registrations) has no entry in {@code pubexp}. */
  private static final RedisEndpoint.Script PUT_PUB = new RedisEndpoint.Script(String.join("\n",
      "if ARGV[1] ~= '' then redis.call('HDEL', KEYS[1], ARGV[1]); redis.call('ZREM', KEYS[2], ARGV[5] .. '|' .. ARGV[1]) end",
      "redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])",
      "if ARGV[4] ~= '' then redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5] .. '|' .. ARGV[2]) end",
      "return 1"));
  private static final RedisEndpoint.Script REMOVE_PUB = new RedisEndpoint.Script(String.join("\n",
      "redis.call('ZREM', KEYS[2], ARGV[2] .. '|' .. ARGV[1])",
      "return redis.call('HDEL', KEYS[1], ARGV[1])"));
  private static final RedisEndpoint.Script PUT_SUB = new RedisEndpoint.Script(String.join("\n",
      "redis.call('SET', KEYS[1], ARGV[1])",
      "redis.call('SADD', KEYS[2], ARGV[2])",
      "redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])",
      "redis.call('ZADD', KEYS[4], ARGV[4], ARGV[5])",
      "return 1"));
  /** How long a presentity stays in {@code {pres}:watched} after its last subscription was made or refreshed. */
  private static final long WATCHED_MILLIS = 8 * 86_400_000L;
  /** KEYS[1] the subscription, KEYS[2] subexp; ARGV[1] its id, ARGV[2] the watchers prefix. */
  private static final RedisEndpoint.Script REMOVE_SUB = new RedisEndpoint.Script(String.join("\n",
      "local json = redis.call('GET', KEYS[1])",
      "if not json then return 0 end",
      "redis.call('SREM', ARGV[2] .. cjson.decode(json)['entity'], ARGV[1])",
      "redis.call('DEL', KEYS[1])",
      "redis.call('ZREM', KEYS[2], ARGV[1])",
      "return 1"));
  /** KEYS[1] the subscription: its cseq counted up, and returned (0: gone). */
  private static final RedisEndpoint.Script NEXT_CSEQ = new RedisEndpoint.Script(String.join("\n",
      "local json = redis.call('GET', KEYS[1])",
      "if not json then return 0 end",
      "local s = cjson.decode(json)",
      "s['cseq'] = s['cseq'] + 1",
      "redis.call('SET', KEYS[1], cjson.encode(s), 'KEEPTTL')",
      "return s['cseq']"));
  /** KEYS[1] the watcher set; ARGV[1] the subscription prefix: the JSON of each. */
  private static final RedisEndpoint.Script WATCHERS = new RedisEndpoint.Script(String.join("\n",
      "local out = {}",
      "for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do",
      "  local json = redis.call('GET', ARGV[1] .. id)",
      "  if json then table.insert(out, json) else redis.call('SREM', KEYS[1], id) end",
      "end",
      "return out"));
  /** KEYS[1] subexp; ARGV[1] now, ARGV[2] the subscription prefix, ARGV[3] the watchers prefix. */
  private static final RedisEndpoint.Script EXPIRE_SUBS = new RedisEndpoint.Script(String.join("\n",
      "local out = {}",
      "for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1000)) do",
      "  local json = redis.call('GET', ARGV[2] .. id)",
      "  if json then",
      "    table.insert(out, json)",
      "    redis.call('SREM', ARGV[3] .. cjson.decode(json)['entity'], id)",
      "    redis.call('DEL', ARGV[2] .. id)",
      "  end",
      "  redis.call('ZREM', KEYS[1], id)",
      "end",
      "return out"));
  /** KEYS[1] pubexp; ARGV[1] now, ARGV[2] the publication prefix: the entities whose publications expired. */
  private static final RedisEndpoint.Script EXPIRE_PUBS = new RedisEndpoint.Script(String.join("\n",
      "local out = {}",
      "for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1000)) do",
      "  local sep = string.find(member, '|[^|]*$')",
      "  local entity = string.sub(member, 1, sep - 1)",
      "  redis.call('HDEL', ARGV[2] .. entity, string.sub(member, sep + 1))",
      "  redis.call('ZREM', KEYS[1], member)",
      "  table.insert(out, entity)",
      "end",
      "return out"));

  private final RedisEndpoint redis;
  private final String pub;
  private final String pubexp;
  private final String sub;
  private final String watchers;
  private final String subexp;
  private final String watchedKey;
  private final RecentNames watched;
  private final java.util.function.LongSupplier clock;

  /** Without polling (tests of the storage alone): only what this node subscribed to is known to {@link #mayBeWatched}. */
  public RedisPresenceStore(RedisEndpoint redis) { this(null, redis, 0, System::currentTimeMillis); }

  /** @param pollMillis how often the presentities others took subscriptions to are read ({@code {pres}:watched}) */
  public RedisPresenceStore(Vertx vertx, RedisEndpoint redis, long pollMillis, java.util.function.LongSupplier clock) {
    this.redis = redis;
    this.clock = clock;
    this.watchedKey = redis.key("{pres}:watched");
    this.watched = new RecentNames(vertx, redis, watchedKey, pollMillis, clock, () -> WATCHED_MILLIS);
    this.pub = redis.key("{pres}:pub:");
    this.pubexp = redis.key("{pres}:pubexp");
    this.sub = redis.key("{pres}:sub:");
    this.watchers = redis.key("{pres}:watchers:");
    this.subexp = redis.key("{pres}:subexp");
  }

  private static JsonObject json(Publication p) {
    return new JsonObject().put("entity", p.entity()).put("etag", p.etag()).put("expires", p.expires()).put("published", p.published())
        .put("body", Base64.getEncoder().encodeToString(p.body()));
  }

  private static Publication publication(JsonObject o) {
    return new Publication(o.getString("entity"), o.getString("etag"), o.getLong("expires"), o.getLong("published"),
        Base64.getDecoder().decode(o.getString("body")));
  }

  private static JsonObject json(Subscription s) {
    return new JsonObject().put("id", s.id()).put("event", s.event()).put("entity", s.entity()).put("callId", s.callId()).put("watcher", s.watcher())
        .put("remoteTag", s.remoteTag()).put("localTag", s.localTag()).put("target", s.target()).put("routes", new JsonArray(s.routes()))
        .put("cseq", s.cseq()).put("expires", s.expires());
  }

  private static Subscription subscription(JsonObject o) {
    List<String> routes = new ArrayList<>();
    // Lua's cjson writes an empty array back as {} (NEXT_CSEQ re-encodes the JSON)
    if (o.getValue("routes") instanceof JsonArray a) for (Object r : a) routes.add((String) r);
    return new Subscription(o.getString("id"), o.getString("event", PresenceServer.EVENT), o.getString("entity"), o.getString("callId"), o.getString("watcher"),
        o.getString("remoteTag"), o.getString("localTag"), o.getString("target"), routes, o.getLong("cseq"), o.getLong("expires"));
  }

  @Override
  public Future<Publication> publication(String entity, String etag, long now) {
    return redis.send(Request.cmd(Command.HGET).arg(pub + entity).arg(etag)).map(r -> {
      if (r == null) return null;
      Publication p = publication(new JsonObject(r.toString()));
      return p.expires() > now ? p : null;
    });
  }

  @Override
  public Future<Void> put(Publication p, String replaces) {
    String expiry = p.expires() == Long.MAX_VALUE ? "" : Long.toString(p.expires());
    return redis.eval(PUT_PUB, List.of(pub + p.entity(), pubexp),
        List.of(replaces == null ? "" : replaces, p.etag(), json(p).encode(), expiry, p.entity())).mapEmpty();
  }

  @Override
  public Future<Boolean> removePublication(String entity, String etag) {
    return redis.eval(REMOVE_PUB, List.of(pub + entity, pubexp), List.of(etag, entity)).map(r -> r.toInteger() > 0);
  }

  @Override
  public Future<List<Publication>> publications(String entity, long now) {
    return redis.send(Request.cmd(Command.HVALS).arg(pub + entity)).map(r -> {
      List<Publication> live = new ArrayList<>();
      for (Response v : r) {
        Publication p = publication(new JsonObject(v.toString()));
        if (p.expires() > now) live.add(p);
      }
      live.sort(Comparator.comparingLong(Publication::published).thenComparing(Publication::etag));
      return live;
    });
  }

  @Override
  public Future<Void> put(Subscription s) {
    watched.added(s.entity());
    return redis.eval(PUT_SUB, List.of(sub + s.id(), watchers + s.entity(), subexp, watchedKey),
        List.of(json(s).encode(), s.id(), s.expires(), clock.getAsLong(), s.entity())).mapEmpty();
  }

  @Override
  public boolean mayBeWatched(String entity) { return watched.contains(entity); }

  @Override
  public Future<Subscription> subscription(String id, long now) {
    return redis.send(Request.cmd(Command.GET).arg(sub + id)).map(r -> {
      if (r == null) return null;
      Subscription s = subscription(new JsonObject(r.toString()));
      return s.expires() > now ? s : null;
    });
  }

  @Override
  public Future<Boolean> removeSubscription(String id) {
    return redis.eval(REMOVE_SUB, List.of(sub + id, subexp), List.of(id, watchers)).map(r -> r.toInteger() > 0);
  }

  @Override
  public Future<Long> nextCseq(String id) { return redis.eval(NEXT_CSEQ, List.of(sub + id), List.of()).map(Response::toLong); }

  /** From the expiry index ({@code subexp}): no scan of keys. */
  @Override
  public Future<Long> countSubscriptions(long now) {
    return redis.send(Request.cmd(Command.ZCOUNT).arg(subexp).arg("(" + now).arg("+inf")).map(Response::toLong);
  }

  @Override
  public Future<List<Subscription>> watchers(String entity, long now) {
    return redis.eval(WATCHERS, List.of(watchers + entity), List.of(sub)).map(r -> {
      List<Subscription> out = new ArrayList<>();
      for (Response v : r) {
        Subscription s = subscription(new JsonObject(v.toString()));
        if (s.expires() > now) out.add(s);
      }
      return out;
    });
  }

  @Override
  public Future<List<Subscription>> expiredSubscriptions(long now) {
    return redis.eval(EXPIRE_SUBS, List.of(subexp), List.of(now, sub, watchers)).map(r -> {
      List<Subscription> out = new ArrayList<>();
      for (Response v : r) out.add(subscription(new JsonObject(v.toString())));
      return out;
    });
  }

  @Override
  public Future<List<String>> expiredPublications(long now) {
    return redis.eval(EXPIRE_PUBS, List.of(pubexp), List.of(now, pub)).map(r -> {
      Set<String> entities = new LinkedHashSet<>();
      for (Response v : r) entities.add(v.toString());
      return List.copyOf(entities);
    });
  }

  /** Stops the polling; the Redis client is the location store's, left open. */
  @Override
  public Future<Void> close() {
    watched.close();
    return Future.succeededFuture();
  }
}
