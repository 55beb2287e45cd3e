package io.sipgw.config;

import io.sipgw.sip.Hosts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where state that outlives a transaction lives: {@code memory} (nothing to install, lost on restart)
 * or {@code redis} (shared by several nodes).
 *
 * @param redisUrl e.g. {@code redis://127.0.0.1:6379}; null for memory. The standalone server, or
 *     with {@code topology} {@code sentinel} / {@code cluster} the first sentinel / seed node
 * @param topology {@code standalone}, {@code sentinel} or {@code cluster}, as the Vert.x Redis client has them
 * @param nodes the other sentinels or cluster seed nodes (URLs), besides {@code redisUrl}
 * @param masterName the Sentinel master's name
 * @param keyPrefix put before every key, so that several deployments can share one Redis
 * @param poolSize connections to Redis (to each node of a cluster)
 * @param maxWaiting commands that may wait for a connection or an answer; past it new ones fail at once
 * @param timeout ms a command may take before it counts as failed (the request gets 500 or 503)
 * @param nodeAddress the address of this machine at which the other nodes reach this one, for a first
 *     listener bound to a wildcard address without {@code advertise}; null: that listener's advertised
 *     or bound address, or for a wildcard the machine's first non-loopback address
 */
public record StoreConfig(String type, String redisUrl, String topology, List<String> nodes, String masterName,
    String keyPrefix, int poolSize, int maxWaiting, int timeout, String nodeAddress) {
  public static final String MEMORY = "memory";
  public static final String REDIS = "redis";
  public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
  public static final String STANDALONE = "standalone";
  public static final String SENTINEL = "sentinel";
  public static final String CLUSTER = "cluster";
  public static final String DEFAULT_MASTER_NAME = "mymaster";
  public static final String DEFAULT_KEY_PREFIX = "sipgw:";
  public static final int DEFAULT_POOL_SIZE = 16;
  public static final int DEFAULT_MAX_WAITING = 4096;
  public static final int DEFAULT_TIMEOUT = 2000;

  public StoreConfig {
    Objects.requireNonNull(type, "type");
    nodes = List.copyOf(nodes);
  }

  /** A store of {@code type} with the defaults of every other key. */
  public StoreConfig(String type, String redisUrl) {
    this(type, redisUrl, STANDALONE, List.of(), DEFAULT_MASTER_NAME, DEFAULT_KEY_PREFIX, DEFAULT_POOL_SIZE,
        DEFAULT_MAX_WAITING, DEFAULT_TIMEOUT, null);
  }

  static StoreConfig read(ConfigObject o) {
    String type = o.string("type", MEMORY);
    String url = o.string("redis", null);
    String topology = o.string("topology", STANDALONE);
    JsonArray nodeArray = o.array("nodes");
    String masterName = o.string("masterName", DEFAULT_MASTER_NAME);
    String keyPrefix = o.string("keyPrefix", DEFAULT_KEY_PREFIX);
    int poolSize = o.integer("poolSize", DEFAULT_POOL_SIZE, 1, 1024);
    int maxWaiting = o.integer("maxWaiting", DEFAULT_MAX_WAITING, 1, 1_000_000);
    int timeout = o.integer("timeout", DEFAULT_TIMEOUT, 100, 60_000);
    String nodeAddress = o.string("nodeAddress", null);
    List<String> nodes = new ArrayList<>();
    switch (type) {
      case MEMORY -> {
        for (String k : List.of("redis", "topology", "nodes", "masterName", "keyPrefix", "poolSize", "maxWaiting", "timeout",
            "nodeAddress")) {
          if (o.has(k)) throw new ConfigException(o.key(k), "only allowed with " + o.key("type") + " \"redis\"");
        }
      }
      case REDIS -> {
        if (url == null) url = DEFAULT_REDIS_URL;
        checkRedisUrl(o, "redis", url);
        if (!List.of(STANDALONE, SENTINEL, CLUSTER).contains(topology)) {
          throw new ConfigException(o.key("topology"), "must be \"standalone\", \"sentinel\" or \"cluster\", got \"" + topology + "\"");
        }
        if (nodeArray != null) {
          if (topology.equals(STANDALONE)) {
            throw new ConfigException(o.key("nodes"), "only allowed with " + o.key("topology") + " \"sentinel\" or \"cluster\"");
          }
          for (int i = 0; i < nodeArray.size(); i++) {
            Object n = nodeArray.getValue(i);
            if (!(n instanceof String s)) throw new ConfigException(o.key("nodes") + "[" + i + "]", "must be a redis:// URL");
            checkRedisUrl(o, "nodes[" + i + "]", s);
            nodes.add(s);
          }
        }
        if (o.has("masterName") && !topology.equals(SENTINEL)) {
          throw new ConfigException(o.key("masterName"), "only allowed with " + o.key("topology") + " \"sentinel\"");
        }
        if (masterName.isBlank()) throw new ConfigException(o.key("masterName"), "must not be empty");
        if (keyPrefix.chars().anyMatch(c -> c <= ' ')) {
          throw new ConfigException(o.key("keyPrefix"), "must not contain spaces or control characters, got \"" + keyPrefix + "\"");
        }
        if (nodeAddress != null) nodeAddress = checkNodeAddress(o, nodeAddress);
      }
      default -> throw new ConfigException(o.key("type"), "must be \"memory\" or \"redis\", got \"" + type + "\"");
    }
    o.rejectUnknownKeys();
    return new StoreConfig(type, url, topology, nodes, masterName, keyPrefix, poolSize, maxWaiting, timeout, nodeAddress);
  }

  /** A host (name, IPv4, IPv6 with or without brackets) without a port, and not a wildcard: the listener gives the port. */
  private static String checkNodeAddress(ConfigObject o, String value) {
    HostAndPort a;
    try {
      a = HostAndPort.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(o.key("nodeAddress"), e.getMessage() + " (forms: host, ipv4, ipv6)");
    }
    if (a.port() != HostAndPort.NO_PORT) {
      throw new ConfigException(o.key("nodeAddress"), "takes a host without a port (the port is the listener's), got \"" + value + "\"");
    }
    String bare = Hosts.bare(a.host());
    if (bare.equals("0.0.0.0") || bare.equals("::")) {
      throw new ConfigException(o.key("nodeAddress"), "must be an address other nodes can reach, not the wildcard \"" + value + "\"");
    }
    return a.host();
  }

  private static void checkRedisUrl(ConfigObject o, String name, String url) {
    try {
      URI u = new URI(url);
      String scheme = u.getScheme();
      if (scheme == null || !(scheme.equals("redis") || scheme.equals("rediss") || scheme.equals("unix"))) {
        throw new ConfigException(o.key(name), "must be a redis://, rediss:// or unix:// URL, got \"" + url + "\"");
      }
      if (!scheme.equals("unix") && (u.getHost() == null || u.getHost().isEmpty())) {
        throw new ConfigException(o.key(name), "has no host: \"" + url + "\"");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException(o.key(name), "not a URL: " + e.getMessage());
    }
  }

  JsonObject toJson() {
    JsonObject j = new JsonObject().put("type", type);
    if (REDIS.equals(type)) {
      j.put("redis", redisUrl).put("topology", topology).put("keyPrefix", keyPrefix).put("poolSize", poolSize)
          .put("maxWaiting", maxWaiting).put("timeout", timeout);
      if (!nodes.isEmpty()) j.put("nodes", new JsonArray(new ArrayList<>(nodes)));
      if (topology.equals(SENTINEL)) j.put("masterName", masterName);
      if (nodeAddress != null) j.put("nodeAddress", HostAndPort.uriHost(nodeAddress));
    }
    return j;
  }
}
