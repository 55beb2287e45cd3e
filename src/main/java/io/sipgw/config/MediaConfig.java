package io.sipgw.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Media bridging through rtpengine's ng control protocol ({@code media}).
 *
 * @param rtpengine the ng addresses, tried in order; empty turns media bridging off
 * @param timeout ms to wait for an ng reply before the command is sent again
 * @param retries how many times a command is sent again to one instance before it is marked down
 * @param downTime ms an instance that did not answer is passed over for new calls
 * @param mode which calls go through rtpengine
 */
public record MediaConfig(List<Address> rtpengine, int timeout, int retries, int downTime, MediaMode mode) {
  /** These settings with another {@code mode} (a route rule's {@code rtpengine}). */
  public MediaConfig withMode(MediaMode m) { return m == mode ? this : new MediaConfig(rtpengine, timeout, retries, downTime, m); }

  public static final int DEFAULT_TIMEOUT = 1000;
  public static final int DEFAULT_RETRIES = 1;
  public static final int DEFAULT_DOWN_TIME = 30_000;
  public static final MediaMode DEFAULT_MODE = MediaMode.WEBRTC;

  /** One rtpengine ng address: an IP literal (IPv6 without brackets) or hostname, and a port. */
  public record Address(String host, int port) {
    @Override
    public String toString() { return HostAndPort.uriHost(host) + ":" + port; }
  }

  public MediaConfig {
    rtpengine = List.copyOf(rtpengine);
  }

  public static MediaConfig defaults() { return new MediaConfig(List.of(), DEFAULT_TIMEOUT, DEFAULT_RETRIES, DEFAULT_DOWN_TIME, DEFAULT_MODE); }

  /** Whether any call's SDP may be rewritten: an rtpengine is configured and the mode is not {@code never}. */
  public boolean enabled() { return !rtpengine.isEmpty() && mode != MediaMode.NEVER; }

  static MediaConfig read(ConfigObject o) {
    List<Address> addresses = new ArrayList<>();
    JsonArray a = o.array("rtpengine");
    if (a != null) {
      for (int i = 0; i < a.size(); i++) {
        String key = o.key("rtpengine") + "[" + i + "]";
        HostAndPort hp = HostAndPort.read(key, a.getValue(i), "a \"host:port\" string");
        String s = a.getString(i);
        if (hp.port() == HostAndPort.NO_PORT) throw new ConfigException(key, "needs a port (the ng port, e.g. \"127.0.0.1:2223\"), got \"" + s + "\"");
        Address address = new Address(hp.host(), hp.port());
        if (addresses.contains(address)) throw new ConfigException(key, "\"" + s + "\" is listed twice");
        addresses.add(address);
      }
    }
    int timeout = o.integer("timeout", DEFAULT_TIMEOUT, 10, 60_000);
    int retries = o.integer("retries", DEFAULT_RETRIES, 0, 10);
    int downTime = o.integer("downTime", DEFAULT_DOWN_TIME, 0, 3_600_000);
    String m = o.string("mode", DEFAULT_MODE.configName());
    MediaMode mode = MediaMode.parse(m);
    if (mode == null) throw new ConfigException(o.key("mode"), "must be \"webrtc\", \"always\" or \"never\", got \"" + m + "\"");
    o.rejectUnknownKeys();
    return new MediaConfig(addresses, timeout, retries, downTime, mode);
  }

  JsonObject toJson() {
    JsonArray a = new JsonArray();
    for (Address x : rtpengine) a.add(x.toString());
    return new JsonObject().put("rtpengine", a).put("timeout", timeout).put("retries", retries).put("downTime", downTime)
        .put("mode", mode.configName());
  }
}
