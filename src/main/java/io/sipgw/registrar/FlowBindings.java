package io.sipgw.registrar;

import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipUri;
import io.sipgw.sip.Transport;
import io.sipgw.store.Binding;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which AORs have bindings that can only be reached over the connection they registered on, by
 * connection id: a WebSocket client's (RFC 7118 §5: the server cannot open one to it), an RFC 5626
 * outbound flow's (reg-id), or a Contact that names no reachable host ({@code .invalid}). When such a
 * connection closes, its bindings are dead at once (RFC 5626 §5.3). Node-local, as connections are.
 */
final class FlowBindings {
  private final Map<Long, Set<String>> aorsByConnection = new ConcurrentHashMap<>();

  /** Whether a binding lives and dies with the connection it registered on. */
  static boolean boundToFlow(Binding b) {
    Binding.Source s = b.source();
    if (s.connectionId() == 0) return false;
    Transport t = Transport.parse(s.transport());
    return t == Transport.WS || t == Transport.WSS || b.regId() != 0 || contactHostIsInvalid(b.contact());
  }

  private static boolean contactHostIsInvalid(String contact) {
    try {
      return SipUri.parse(contact).host().toLowerCase(Locale.ROOT).endsWith(".invalid");
    } catch (SipParseException e) {
      return false;
    }
  }

  /** Notes the flow-bound bindings among {@code bindings}. */
  void saved(String aor, List<Binding> bindings) {
    for (Binding b : bindings) {
      if (boundToFlow(b)) aorsByConnection.computeIfAbsent(b.source().connectionId(), k -> ConcurrentHashMap.newKeySet()).add(aor);
    }
  }

  /** The AORs that had flow-bound bindings on a connection that has closed; forgets them. */
  Set<String> closed(long connectionId) {
    Set<String> aors = aorsByConnection.remove(connectionId);
    return aors == null ? Set.of() : aors;
  }
}
