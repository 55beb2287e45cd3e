package io.sipgw.proxy;

/**
 * What every copy of one forwarded request shares: the Route values to remove, its loop key, the
 * Request-URI it gets unless a target sets its own (null: unchanged), and — when the next hop is a
 * strict router (§16.6 step 6) — the URI that goes last in the Route set (null otherwise); the
 * header changes of the route rules, and whether it is record-routed (null: as {@code proxy.recordRoute}).
 */
record ForwardPlan(RouteRemoval removal, String loopKey, String requestUri, String lastRoute, HeaderEdits headers, Boolean recordRoute) {
  ForwardPlan(RouteRemoval removal, String loopKey, String requestUri, String lastRoute) {
    this(removal, loopKey, requestUri, lastRoute, HeaderEdits.NONE, null);
  }
}
