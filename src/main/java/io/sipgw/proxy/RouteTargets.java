package io.sipgw.proxy;

import io.sipgw.config.Failover;
import io.sipgw.dns.EnumResolver;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipUri;
import io.vertx.core.Future;
import java.util.List;
import java.util.logging.Logger;

/**
 * Where the rules' {@code dispatch}, {@code lcr} and {@code enum} send a request: a dispatcher set's
 * destinations, the least-cost gateways, the URI ENUM gives. One per routing loop.
 */
final class RouteTargets {
  private static final Logger LOG = Logger.getLogger("sipgw.proxy");

  private final RoutingVerticle.Shared shared;
  private final EnumResolver enums;

  RouteTargets(RoutingVerticle.Shared shared) {
    this.shared = shared;
    this.enums = shared.resolver().enumResolver();
  }

  /** The set's destinations for this request, chosen one first; empty when none is up. */
  List<BranchTarget> dispatch(String set, RoutedRequest x) {
    LOG.warning("dispatch: no dispatcher set " + set + " (Call-ID " + x.callId() + ")");
    return List.of();
  }

  /** When the next destination of {@code set} is tried. */
  Failover dispatchFailover(String set) { return Failover.DEFAULT; }

  /** The gateways of the least-cost route for this request, in turn; empty when no rule matches. */
  List<BranchTarget> lcr(RoutedRequest x) { return List.of(); }

  /** When the next gateway is tried. */
  Failover lcrFailover() { return Failover.DEFAULT; }

  /** The URI ENUM (RFC 6116) gives for {@code number} (E.164, with its +) under {@code suffix} (null: {@code dns.enumSuffix}). */
  Future<SipUri> enumLookup(String number, String suffix) {
    return enums.lookup(number, suffix).compose(uri -> {
      try {
        return Future.succeededFuture(SipUri.parse(uri));
      } catch (SipParseException e) {
        return Future.failedFuture("ENUM gave " + uri + " for " + number + ", not a URI: " + e.getMessage());
      }
    });
  }
}
