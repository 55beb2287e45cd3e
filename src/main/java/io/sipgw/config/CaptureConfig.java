package io.sipgw.config;

import io.vertx.core.json.JsonObject;

/**
 * SIP capture ({@code capture}): every SIP message received and sent, exported as HEP v3 over UDP to
 * a collector such as Homer's heplify-server. Reloadable, including on/off.
 *
 * @param host the collector's address or hostname ({@code capture.hep}, {@code host:port})
 * @param port the collector's UDP port ({@link #DEFAULT_PORT} when {@code capture.hep} names none)
 * @param enabled whether messages are sent ({@code capture.enabled})
 * @param agentId the capture agent id in every packet ({@code capture.agentId}), how Homer tells nodes apart
 * @param password the HEP authentication key ({@code capture.password}); null: none sent
 */
public record CaptureConfig(String host, int port, boolean enabled, long agentId, String password) {
  public static final String DEFAULT_HEP = "127.0.0.1:9060";
  public static final int DEFAULT_PORT = 9060;
  public static final int DEFAULT_AGENT_ID = 2001;

  static CaptureConfig read(ConfigObject o) {
    Object hep = o.value("hep");
    HostAndPort collector = HostAndPort.read(o.key("hep"), hep == null ? DEFAULT_HEP : hep, "the collector's host:port, e.g. \"" + DEFAULT_HEP + "\"");
    boolean enabled = o.bool("enabled", false);
    long agentId = o.longInteger("agentId", DEFAULT_AGENT_ID);
    if (agentId < 0 || agentId > 0xffffffffL) throw new ConfigException(o.key("agentId"), "must be between 0 and 4294967295, got " + agentId);
    String password = o.string("password", null);
    o.rejectUnknownKeys();
    return new CaptureConfig(collector.host(), collector.port() == HostAndPort.NO_PORT ? DEFAULT_PORT : collector.port(), enabled, agentId, password);
  }

  /** {@code host:port} as in {@code capture.hep}. */
  public String hep() { return HostAndPort.uriHost(host) + ":" + port; }

  JsonObject toJson() {
    JsonObject j = new JsonObject().put("hep", hep()).put("enabled", enabled).put("agentId", agentId);
    if (password != null) j.put("password", "***"); // as auth.secret: never shown
    return j;
  }

  @Override
  public String toString() {
    return "capture " + (enabled ? "on" : "off") + " to " + hep() + " as agent " + agentId + (password != null ? " with a password" : "");
  }
}
