package io.sipgw.auth;

import io.sipgw.store.RedisEndpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Credentials kept in Redis, as Kamailio keeps them in its subscriber table, so that every node of a
 * cluster reads the same users and a user added on one is known to all at once: one hash per user,
 * {@code <prefix>cred:<user>@<domain>}, with the keys of a credentials file entry ({@code ha1},
 * {@code ha1b}, and {@code ha1sha256}, {@code ha1sha512t256} where there are). Read on every
 * authentication (one HMGET, bounded by {@code store.timeout}); nothing is cached, so a change applies
 * to the next request. An entry that is not valid is logged and treated as no credentials.
 */
public final class RedisCredentialStore implements CredentialStore {
  private static final Logger LOG = Logger.getLogger("sipgw.auth");
  private static final List<String> FIELDS = CredentialsFile.hashKeys();
  /** Replaces a user's hash in one step: the old one deleted, the new fields set. */
  private static final RedisEndpoint.Script REPLACE = new RedisEndpoint.Script(
      "redis.call('DEL', KEYS[1]); redis.call('HSET', KEYS[1], unpack(ARGV)); return 1");

  private final RedisEndpoint redis;

  public RedisCredentialStore(RedisEndpoint redis) { this.redis = redis; }

  /** The key of {@code user@domain}'s hash. */
  public String key(String user, String domain) { return redis.key("cred:" + user + "@" + domain.toLowerCase(Locale.ROOT)); }

  @Override
  public Future<Credentials> find(String user, String domain) {
    String key = key(user, domain);
    Request hmget = Request.cmd(Command.HMGET).arg(key);
    FIELDS.forEach(hmget::arg);
    return redis.send(hmget).map(r -> {
      JsonObject entry = new JsonObject().put("user", user).put("domain", domain);
      boolean any = false;
      for (int i = 0; i < FIELDS.size(); i++) {
        Response v = r.get(i);
        if (v != null) {
          entry.put(FIELDS.get(i), v.toString());
          any = true;
        }
      }
      if (!any) return null;
      try {
        return CredentialsFile.entry(entry, key + " ");
      } catch (IllegalArgumentException e) {
        LOG.warning("credentials in Redis not valid, the user cannot authenticate: " + e.getMessage());
        return null;
      }
    });
  }

  /** Adds or replaces {@code c}; true when the user had credentials before. */
  public Future<Boolean> put(Credentials c) {
    String key = key(c.user(), c.domain());
    List<Object> args = new java.util.ArrayList<>();
    for (DigestAlgorithm alg : DigestAlgorithm.values()) {
      String h = c.ha1().get(alg);
      if (h != null) {
        args.add(alg.fileKey());
        args.add(h);
      }
    }
    if (c.ha1b() != null) {
      args.add("ha1b");
      args.add(c.ha1b());
    }
    return redis.send(Request.cmd(Command.EXISTS).arg(key))
        .compose(had -> redis.eval(REPLACE, List.of(key), args).map(x -> had.toInteger() > 0));
  }

  /** Removes {@code user@domain}; true when there was such a user. */
  public Future<Boolean> remove(String user, String domain) {
    return redis.send(Request.cmd(Command.DEL).arg(key(user, domain))).map(r -> r.toInteger() > 0);
  }

  @Override
  public Future<Void> close() {
    redis.close();
    return Future.succeededFuture();
  }

  @Override
  public String toString() { return redis.toString(); }
}
