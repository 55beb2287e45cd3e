package io.sipgw.config;

import io.vertx.core.json.JsonObject;

/**
 * Socket-level settings shared by all listeners.
 *
 * @param instances transport verticle instances per listener (SO_REUSEPORT); 0 = available processors
 * @param tcpIdleTimeout seconds after which an idle TCP connection is closed; 0 = never
 * @param maxMessageSize the largest SIP message accepted, in bytes
 * @param maxConnections the most TCP connections open at once (accepted and opened)
 */
public record TransportConfig(int instances, int tcpIdleTimeout, int maxMessageSize, int maxConnections) {
  public static final int DEFAULT_INSTANCES = 0;
  public static final int DEFAULT_TCP_IDLE_TIMEOUT = 3600;
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 65535;
  public static final int DEFAULT_MAX_CONNECTIONS = 19000;

  static TransportConfig read(ConfigObject o) {
    int instances = o.integer("instances", DEFAULT_INSTANCES, 0, 1024);
    int idle = o.integer("tcpIdleTimeout", DEFAULT_TCP_IDLE_TIMEOUT, 0, 7 * 24 * 3600);
    int size = o.integer("maxMessageSize", DEFAULT_MAX_MESSAGE_SIZE, 1024, 1_048_576);
    int conns = o.integer("maxConnections", DEFAULT_MAX_CONNECTIONS, 1, 10_000_000);
    o.rejectUnknownKeys();
    return new TransportConfig(instances, idle, size, conns);
  }

  JsonObject toJson() {
    return new JsonObject().put("instances", instances).put("tcpIdleTimeout", tcpIdleTimeout)
        .put("maxMessageSize", maxMessageSize).put("maxConnections", maxConnections);
  }
}
