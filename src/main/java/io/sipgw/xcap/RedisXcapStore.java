package io.sipgw.xcap;

import io.sipgw.store.RedisEndpoint;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * XCAP documents in Redis, shared by the nodes of a cluster: a PUT on one node is what a GET on
 * another reads, and what the presence server of any node applies. Keys, under the {@code {xcap}}
 * hash tag:
 * <ul>
 *   <li>{@code <prefix>{xcap}:doc:<auid>/<user@domain>/<name>}: hash with {@code body} and {@code etag};</li>
 *   <li>{@code <prefix>{xcap}:services}: hash, service URI to the user whose rls-services has it;</li>
 *   <li>{@code <prefix>{xcap}:owned:<user@domain>}: set, the service URIs of that user.</li>
 * </ul>
 * Each conditional write is one script, so a write never lands on a document another changed since.
 */
public final class RedisXcapStore implements XcapStore {
  /** KEYS[1] the document; ARGV[1] any | none | etag, ARGV[2] the expected tag, ARGV[3] the new tag, ARGV[4] the body. */
  private static final RedisEndpoint.Script PUT = new RedisEndpoint.Script(String.join("\n",
      "local had = redis.call('HGET', KEYS[1], 'etag')",
      "if ARGV[1] == 'none' and had then return 0 end",
      "if ARGV[1] == 'etag' and had ~= ARGV[2] then return 0 end",
      "redis.call('HSET', KEYS[1], 'etag', ARGV[3], 'body', ARGV[4])",
      "return 1"));
  private static final RedisEndpoint.Script DELETE = new RedisEndpoint.Script(String.join("\n",
      "local had = redis.call('HGET', KEYS[1], 'etag')",
      "if not had then return 0 end",
      "if ARGV[1] == 'etag' and had ~= ARGV[2] then return 0 end",
      "redis.call('DEL', KEYS[1])",
      "return 1"));
  /**
   * KEYS[1] the services hash, KEYS[2] the owner's set of services; ARGV[1] the owner, ARGV[2..] its
   * URIs: {0, the URI another owns}, or {1, ''}.
   */
  private static final RedisEndpoint.Script OWN = new RedisEndpoint.Script(String.join("\n",
      "for i = 2, #ARGV do",
      "  local o = redis.call('HGET', KEYS[1], ARGV[i])",
      "  if o and o ~= ARGV[1] then return {0, ARGV[i]} end",
      "end",
      "for _, uri in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('HDEL', KEYS[1], uri) end",
      "redis.call('DEL', KEYS[2])",
      "for i = 2, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], ARGV[1]); redis.call('SADD', KEYS[2], ARGV[i]) end",
      "return {1, ''}"));

  private final RedisEndpoint redis;
  private final String doc;
  private final String services;
  private final String owned;

  public RedisXcapStore(RedisEndpoint redis) {
    this.redis = redis;
    this.doc = redis.key("{xcap}:doc:");
    this.services = redis.key("{xcap}:services");
    this.owned = redis.key("{xcap}:owned:");
  }

  @Override
  public Future<XcapDocument> get(DocumentKey key) {
    return redis.send(Request.cmd(Command.HMGET).arg(doc + key).arg("etag").arg("body")).map(r -> {
      if (r == null || r.size() < 2 || r.get(0) == null || r.get(1) == null) return null;
      return new XcapDocument(r.get(1).toBytes(), r.get(0).toString());
    });
  }

  @Override
  public Future<Boolean> put(DocumentKey key, XcapDocument d, String expected) {
    return redis.eval(PUT, List.of(doc + key), List.of(mode(expected), expected == null ? "" : expected, d.etag(),
        new String(d.body(), StandardCharsets.UTF_8))).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Boolean> delete(DocumentKey key, String expected) {
    return redis.eval(DELETE, List.of(doc + key), List.of(mode(expected), expected == null ? "" : expected)).map(r -> r.toInteger() == 1);
  }

  private static String mode(String expected) { return expected == null ? "any" : expected.isEmpty() ? "none" : "etag"; }

  @Override
  public Future<String> serviceOwner(String serviceUri) {
    return redis.send(Request.cmd(Command.HGET).arg(services).arg(serviceUri)).map(r -> r == null ? null : r.toString());
  }

  @Override
  public Future<Set<String>> servicesOf(String owner) {
    return redis.send(Request.cmd(Command.SMEMBERS).arg(owned + owner)).map(r -> {
      Set<String> out = new java.util.TreeSet<>();
      for (Response uri : r) out.add(uri.toString());
      return out;
    });
  }

  @Override
  public Future<Void> ownServices(String owner, Set<String> uris) {
    List<Object> args = new ArrayList<>();
    args.add(owner);
    args.addAll(uris);
    return redis.eval(OWN, List.of(services, owned + owner), args).compose(r -> {
      Response ok = r.get(0);
      return ok.toInteger() == 1 ? Future.<Void>succeededFuture() : Future.failedFuture(new ServiceTaken(r.get(1).toString()));
    });
  }

  @Override
  public Future<Void> close() { return Future.succeededFuture(); }
}
