package io.sipgw.proxy;

/** What every copy of one forwarded request shares: the Route values to remove and its loop key. */
record ForwardPlan(RouteRemoval removal, String loopKey) { }
