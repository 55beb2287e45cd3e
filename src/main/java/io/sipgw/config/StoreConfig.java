package io.sipgw.config;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * Where state that outlives a transaction lives: {@code memory} (nothing to install, lost on restart)
 * or {@code redis} (shared by several nodes).
 *
 * @param redisUrl e.g. {@code redis://127.0.0.1:6379}; null for memory
 */
public record StoreConfig(String type, String redisUrl) {
  public static final String MEMORY = "memory";
  public static final String REDIS = "redis";
  public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

  public StoreConfig {
    Objects.requireNonNull(type, "type");
  }

  static StoreConfig read(ConfigObject o) {
    String type = o.string("type", MEMORY);
    String url = o.string("redis", null);
    switch (type) {
      case MEMORY -> {
        if (url != null) throw new ConfigException(o.key("redis"), "only allowed with " + o.key("type") + " \"redis\"");
      }
      case REDIS -> {
        if (url == null) url = DEFAULT_REDIS_URL;
        checkRedisUrl(o, url);
      }
      default -> throw new ConfigException(o.key("type"), "must be \"memory\" or \"redis\", got \"" + type + "\"");
    }
    o.rejectUnknownKeys();
    return new StoreConfig(type, url);
  }

  private static void checkRedisUrl(ConfigObject o, String url) {
    try {
      URI u = new URI(url);
      String scheme = u.getScheme();
      if (scheme == null || !(scheme.equals("redis") || scheme.equals("rediss") || scheme.equals("unix"))) {
        throw new ConfigException(o.key("redis"), "must be a redis://, rediss:// or unix:// URL, got \"" + url + "\"");
      }
      if (!scheme.equals("unix") && (u.getHost() == null || u.getHost().isEmpty())) {
        throw new ConfigException(o.key("redis"), "has no host: \"" + url + "\"");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException(o.key("redis"), "not a URL: " + e.getMessage());
    }
  }

  JsonObject toJson() {
    JsonObject j = new JsonObject().put("type", type);
    if (redisUrl != null) j.put("redis", redisUrl);
    return j;
  }
}
