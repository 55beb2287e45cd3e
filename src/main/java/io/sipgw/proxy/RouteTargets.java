package io.sipgw.proxy;

import io.sipgw.config.Failover;
import io.sipgw.dns.EnumResolver;
import io.sipgw.sip.Escapes;
import io.sipgw.sip.SipParseException;
import io.sipgw.lb.Destination;
import io.sipgw.lb.DestinationSets;
import io.sipgw.sip.SipUri;
import io.vertx.core.Future;
import java.util.ArrayList;
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
    DestinationSets sets = shared.destinations();
    if (!sets.has(set)) {
      LOG.warning("dispatch: no dispatcher set " + set + " (Call-ID " + x.callId() + ")");
      return List.of();
    }
    List<Destination> chosen = sets.select(set, x.request());
    if (chosen.isEmpty()) {
      LOG.info("dispatch: no destination of dispatcher set " + set + " is up (Call-ID " + x.callId() + ")");
      return List.of();
    }
    List<BranchTarget> targets = new ArrayList<>(chosen.size());
    for (Destination d : chosen) targets.add(BranchTarget.resolve(null, d.uri(), null, 1.0f).counted(new DestinationLoad(d)));
    return targets;
  }

  /** The calls sent to a dispatcher destination, counted on it (its set's least-calls algorithm). */
  private record DestinationLoad(Destination destination) implements CallLoad {
    @Override public void started() { destination.callStarted(); }

    @Override public void ended() { destination.callEnded(); }
  }

  /** When the next destination of {@code set} is tried. */
  Failover dispatchFailover(String set) {
    Failover f = shared.destinations().failover(set);
    return f == null ? Failover.DEFAULT : f;
  }

  /** The gateways of the least-cost route for this request, in turn; empty when no rule matches. */
  List<BranchTarget> lcr(RoutedRequest x) {
    SipUri ruri = x.requestUri();
    if (!ruri.isSip() || ruri.user() == null) return List.of();
    RoutingSettings settings = shared.settings().get();
    String number = Escapes.unescape(ruri.user());
    String domain = settings.domains().isLocal(ruri.host()) ? settings.domains().canonical(ruri.host()) : ruri.host(); // an alias counts as its domain
    String caller;
    try {
      SipUri from = x.request().from().uri();
      caller = from.isSip() && from.user() != null ? Escapes.unescape(from.user()) : null;
    } catch (SipParseException e) {
      caller = null; // validated before: not reached
    }
    List<SipUri> gateways = settings.lcr().match(number, caller, domain, System.currentTimeMillis());
    if (gateways.isEmpty()) {
      LOG.fine(() -> "lcr: no route for " + number + "@" + domain + " (Call-ID " + x.callId() + ")");
      return List.of();
    }
    List<BranchTarget> out = new ArrayList<>(gateways.size());
    for (SipUri gw : gateways) out.add(BranchTarget.resolve(ruri.withHostPort(gw.host(), gw.port()).toString(), gw, null, 1.0f));
    LOG.fine(() -> "lcr: " + number + "@" + domain + " to " + gateways + " (Call-ID " + x.callId() + ")");
    return out;
  }

  /** When the next gateway is tried. */
  Failover lcrFailover() { return shared.settings().get().lcr().failover(); }

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
