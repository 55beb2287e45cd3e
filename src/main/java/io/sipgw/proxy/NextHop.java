package io.sipgw.proxy;

import io.sipgw.transport.Flow;
import io.sipgw.transport.Target;

/** Where a forwarded request goes: an open flow (a connection to reuse) or a resolved target. */
record NextHop(Flow flow, Target target) {
  static NextHop of(Flow flow) { return new NextHop(flow, flow.target()); }

  static NextHop of(Target target) { return new NextHop(null, target); }

  @Override
  public String toString() { return flow != null ? flow.toString() : target.toString(); }
}
