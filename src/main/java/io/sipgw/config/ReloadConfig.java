package io.sipgw.config;

import io.vertx.core.json.JsonObject;

/** Hot reload: how often, in milliseconds, the config file is checked for changes; 0 turns it off. */
public record ReloadConfig(long scanPeriod) {
  public static final long DEFAULT_SCAN_PERIOD = 5000;
  static final long MIN_SCAN_PERIOD = 100;
  static final long MAX_SCAN_PERIOD = 86_400_000;

  static ReloadConfig read(ConfigObject o) {
    long period = o.longInteger("scanPeriod", DEFAULT_SCAN_PERIOD);
    if (period != 0 && (period < MIN_SCAN_PERIOD || period > MAX_SCAN_PERIOD)) {
      throw new ConfigException(o.key("scanPeriod"), "must be 0 (off) or between " + MIN_SCAN_PERIOD + " and "
          + MAX_SCAN_PERIOD + " ms, got " + period);
    }
    o.rejectUnknownKeys();
    return new ReloadConfig(period);
  }

  JsonObject toJson() { return new JsonObject().put("scanPeriod", scanPeriod); }
}
