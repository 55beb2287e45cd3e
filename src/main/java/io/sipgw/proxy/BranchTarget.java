package io.sipgw.proxy;

import io.sipgw.sip.SipUri;
import java.util.List;

/**
 * One place a request is forwarded to (RFC 3261 §16.5): the Request-URI it gets (null: unchanged),
 * where it goes next — a hop already known (an open flow, a NAT source address) or a URI to resolve
 * (RFC 3263) — the Route set to put in front (a stored Path, null for none), and its q-value.
 */
record BranchTarget(String requestUri, NextHop hop, SipUri next, List<String> routeSet, float q) {
  static BranchTarget resolve(String requestUri, SipUri next, List<String> routeSet, float q) {
    return new BranchTarget(requestUri, null, next, routeSet, q);
  }

  static BranchTarget via(String requestUri, NextHop hop, float q) { return new BranchTarget(requestUri, hop, null, null, q); }

  @Override
  public String toString() { return hop != null ? hop.toString() : next.toString(); }
}
