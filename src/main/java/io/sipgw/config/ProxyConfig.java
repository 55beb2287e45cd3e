package io.sipgw.config;

import io.vertx.core.json.JsonObject;

/** Proxy behaviour: whether to insert Record-Route so that in-dialog requests come back through sipgw. */
public record ProxyConfig(boolean recordRoute) {
  public static final boolean DEFAULT_RECORD_ROUTE = true;

  static ProxyConfig read(ConfigObject o) {
    boolean rr = o.bool("recordRoute", DEFAULT_RECORD_ROUTE);
    o.rejectUnknownKeys();
    return new ProxyConfig(rr);
  }

  JsonObject toJson() { return new JsonObject().put("recordRoute", recordRoute); }
}
