package io.sipgw.proxy;

/**
 * What every copy of one forwarded request shares: the Route values to remove, its loop key, the
 * Request-URI it gets unless a target sets its own (null: unchanged), and — when the next hop is a
 * strict router (§16.6 step 6) — the URI that goes last in the Route set (null otherwise).
 */
record ForwardPlan(RouteRemoval removal, String loopKey, String requestUri, String lastRoute) { }
