package io.sipgw.proxy;

import io.sipgw.nat.NatDetection;
import io.sipgw.sip.NameAddr;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipUri;
import io.sipgw.sip.Transport;
import io.sipgw.store.Binding;
import io.sipgw.transport.Flow;
import io.sipgw.transport.Target;
import io.sipgw.transport.Transports;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.logging.Logger;

/**
 * Where each binding of a user is reached (RFC 3261 §16.5), highest q first: through its stored Path
 * (RFC 3327 §5.3), over its own open connection, to the address it registered from when it is behind
 * NAT, or at its Contact.
 */
final class BindingTargets {
  private static final Logger LOG = Logger.getLogger("sipgw.proxy");

  private final Transports transports;

  BindingTargets(Transports transports) { this.transports = transports; }

  static List<Binding> byFallingQ(List<Binding> bindings) {
    List<Binding> sorted = new ArrayList<>(bindings);
    sorted.sort(Comparator.comparingDouble((Binding b) -> -b.q()));
    return sorted;
  }

  List<BranchTarget> of(List<Binding> bindings) {
    List<BranchTarget> out = new ArrayList<>(bindings.size());
    // RFC 5626 §5.3: one flow per instance: the open one that expires last (registered last, at equal
    // intervals), of the highest q
    List<Binding> ordered = new ArrayList<>(bindings);
    ordered.sort(Comparator.comparingDouble((Binding b) -> -b.q()).thenComparingLong(b -> -b.expiresAtMillis()));
    Set<String> instancesServed = new HashSet<>();
    for (Binding b : ordered) {
      if (b.regId() != 0 && b.instanceId() != null && instancesServed.contains(b.instanceId())) continue;
      SipUri contact;
      try {
        contact = SipUri.parse(b.contact());
      } catch (SipParseException e) {
        LOG.warning("binding " + b.contact() + " of " + b.aor() + " is not a valid URI: " + e.reason());
        continue;
      }
      Binding.Source src = b.source();
      List<String> path = b.path();
      if (!path.isEmpty()) {
        try {
          out.add(BranchTarget.resolve(contact.toString(), NameAddr.parse(path.get(0), "Path").uri(), path, b.q()).of(b));
        } catch (SipParseException e) {
          LOG.warning("stored Path of " + b.aor() + " is not valid: " + e.reason());
        }
        continue;
      }
      boolean ours = src.onNode(transports.node());
      if (!ours && src.route() != null) {
        // RFC 5626 §5.2: a flow of another node is reached through that node, which its token names
        try {
          out.add(BranchTarget.resolve(contact.toString(), NameAddr.parse(src.route(), "Route").uri(), List.of(src.route()), b.q()).of(b));
          if (b.regId() != 0 && b.instanceId() != null) instancesServed.add(b.instanceId());
        } catch (SipParseException e) {
          LOG.warning("stored route of " + b.aor() + " is not valid: " + e.reason());
        }
        continue;
      }
      // a connection id names a connection of the node that saved it, nowhere else
      Flow open = src.connectionId() != 0 && ours ? transports.openFlow(src.connectionId()) : null;
      Transport from = Transport.parse(src.transport());
      if (open == null && (from == Transport.WS || from == Transport.WSS)) {
        // RFC 7118 §5: a WebSocket client is reached over its own connection or not at all
        LOG.fine(() -> "binding " + b.contact() + " of " + b.aor() + " skipped: its WebSocket connection has closed");
        continue;
      }
      if (open != null && fits(contact, open)) {
        if (b.regId() != 0 && b.instanceId() != null) instancesServed.add(b.instanceId());
        out.add(BranchTarget.via(contact.toString(), NextHop.of(open), b.q()).of(b));
      } else if (NatDetection.behindNat(contact.host(), src.host()) || src.viaBehindNat() && from == Transport.UDP) {
        out.add(BranchTarget.via(contact.toString(), NextHop.of(new Target(from, src.host(), src.port())), b.q()).of(b));
      } else {
        out.add(BranchTarget.resolve(contact.toString(), contact, null, b.q()).of(b));
      }
    }
    return out;
  }

  /**
   * Whether a binding's Contact may be reached over the connection it registered on: unless it names
   * another transport (a phone that registers over TCP but asks for UDP gets UDP).
   */
  private static boolean fits(SipUri contact, Flow open) {
    Transport wanted = contact.isSecure() ? Transport.TLS : contact.transport();
    Transport have = open.transport();
    // a browser says transport=ws in its Contact whether its WebSocket is secured or not (RFC 7118 §5.2)
    boolean webSocket = (wanted == Transport.WS || wanted == Transport.WSS) && (have == Transport.WS || have == Transport.WSS);
    return wanted == null || wanted == have || webSocket || contact.isSecure() && have.secure();
  }
}
