package io.sipgw.registrar;

import io.sipgw.store.Binding;
import java.util.List;

/** The result of applying one REGISTER: the bindings after it, or a refusal with its status. */
record RegistrationOutcome(List<Binding> bindings, int status, String reason) {
  static RegistrationOutcome ok(List<Binding> bindings) { return new RegistrationOutcome(bindings, 200, null); }

  static RegistrationOutcome refused(int status, String reason) { return new RegistrationOutcome(null, status, reason); }

  boolean refused() { return bindings == null; }
}
