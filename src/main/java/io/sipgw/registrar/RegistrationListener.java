package io.sipgw.registrar;

import io.sipgw.sip.SipRequest;
import io.sipgw.store.Binding;
import io.sipgw.transport.Flow;
import java.util.List;

/**
 * Told what each accepted REGISTER left in the location store (the NAT pinger keeps its list of
 * bindings to ping from it). Called on the event loop that handled the REGISTER (the one that received it, or its
 * routing loop): quick, never
 * blocking, never throwing.
 */
public interface RegistrationListener {
  RegistrationListener NONE = (register, flow, aor, bindings, cameOnline) -> { };

  /**
   * {@code register}, received on {@code flow}, left {@code aor} with {@code bindings} (none: all
   * removed); {@code cameOnline}: the AOR had no live binding before it (its user was offline).
   */
  void saved(SipRequest register, Flow flow, String aor, List<Binding> bindings, boolean cameOnline);

  /** The last binding of {@code aor} went without a REGISTER: the connection it was bound to closed. */
  default void wentOffline(String aor) { }
}
