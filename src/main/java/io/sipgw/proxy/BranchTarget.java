package io.sipgw.proxy;

import io.sipgw.sip.SipUri;
import io.sipgw.store.Binding;
import java.util.List;

/**
 * One place a request is forwarded to (RFC 3261 §16.5): the Request-URI it gets (null: unchanged),
 * where it goes next — a hop already known (an open flow, a NAT source address) or a URI to resolve
 * (RFC 3263) — the Route set to put in front (a stored Path, null for none), its q-value, and the
 * binding it comes from (null: none, e.g. a route or a failure route's URI), and where the calls
 * sent to it are counted (null: nowhere).
 */
record BranchTarget(String requestUri, NextHop hop, SipUri next, List<String> routeSet, float q, Binding binding, CallLoad load) {
  static BranchTarget resolve(String requestUri, SipUri next, List<String> routeSet, float q) {
    return new BranchTarget(requestUri, null, next, routeSet, q, null, null);
  }

  static BranchTarget via(String requestUri, NextHop hop, float q) { return new BranchTarget(requestUri, hop, null, null, q, null, null); }

  /** This target, counting the calls sent to it on {@code l} (a dispatcher destination). */
  BranchTarget counted(CallLoad l) { return new BranchTarget(requestUri, hop, next, routeSet, q, binding, l); }

  /** Whether this is a binding reached through the node that holds its flow (its stored route, RFC 5626 §5.2). */
  boolean throughNodeRoute() {
    String route = binding == null || binding.source() == null ? null : binding.source().route();
    return route != null && routeSet != null && routeSet.size() == 1 && routeSet.get(0).equals(route);
  }

  /** This target, as where binding {@code b} is reached. */
  BranchTarget of(Binding b) { return new BranchTarget(requestUri, hop, next, routeSet, q, b, load); }

  @Override
  public String toString() { return hop != null ? hop.toString() : next.toString(); }
}
