package io.sipgw.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Proxy behaviour (RFC 3261 §16).
 *
 * @param recordRoute whether to insert Record-Route so that in-dialog requests come back through sipgw
 * @param serialForking false: all bindings of a user at once; true: in groups of equal q, highest
 *     first, the next group when every branch of a group failed (§16.6)
 * @param timerC seconds an INVITE branch may stay unanswered (§16.8; the RFC asks for more than 180)
 * @param failureRoutes next targets for failed calls to local users, first match wins
 */
public record ProxyConfig(boolean recordRoute, boolean serialForking, int timerC, List<FailureRoute> failureRoutes) {
  public static final boolean DEFAULT_RECORD_ROUTE = true;
  public static final int DEFAULT_TIMER_C = 180;

  public ProxyConfig {
    failureRoutes = List.copyOf(failureRoutes);
  }

  public static ProxyConfig defaults() { return new ProxyConfig(DEFAULT_RECORD_ROUTE, false, DEFAULT_TIMER_C, List.of()); }

  /** The first failure route for {@code status} of a request to {@code aor}, or null. */
  public FailureRoute failureRoute(int status, String aor) {
    for (FailureRoute r : failureRoutes) if (r.matches(status, aor)) return r;
    return null;
  }

  static ProxyConfig read(ConfigObject o) {
    boolean rr = o.bool("recordRoute", DEFAULT_RECORD_ROUTE);
    String forking = o.string("forking", "parallel");
    if (!forking.equals("parallel") && !forking.equals("serial")) {
      throw new ConfigException(o.key("forking"), "must be \"parallel\" or \"serial\", got \"" + forking + "\"");
    }
    int timerC = o.integer("timerC", DEFAULT_TIMER_C, 1, 24 * 3600);
    List<FailureRoute> routes = FailureRoute.readList(o, "failureRoutes");
    o.rejectUnknownKeys();
    return new ProxyConfig(rr, forking.equals("serial"), timerC, routes);
  }

  JsonObject toJson() {
    JsonArray routes = new JsonArray();
    for (FailureRoute r : failureRoutes) routes.add(r.toJson());
    return new JsonObject().put("recordRoute", recordRoute).put("forking", serialForking ? "serial" : "parallel")
        .put("timerC", timerC).put("failureRoutes", routes);
  }
}
