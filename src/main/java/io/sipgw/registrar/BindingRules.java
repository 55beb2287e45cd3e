package io.sipgw.registrar;

import io.sipgw.store.Binding;
import io.sipgw.store.BindingChange;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 3261 §10.3 steps 6-7 as a pure function of an AOR's current bindings and a REGISTER: add,
 * refresh or remove each binding, honouring Call-ID/CSeq order, the wildcard, and the contact limit.
 */
final class BindingRules {
  private BindingRules() { }

  /** The change for {@code Contact: *} with Expires 0: every binding removed, unless a CSeq is out of order. */
  static BindingChange<RegistrationOutcome> removeAll(List<Binding> current, String callId, long cseq) {
    for (Binding b : current) {
      if (b.callId().equals(callId) && cseq <= b.cseq()) {
        return BindingChange.unchanged(RegistrationOutcome.refused(400, "Bad Request (CSeq out of order)"));
      }
    }
    return new BindingChange<>(List.of(), RegistrationOutcome.ok(List.of()));
  }

  /** Each requested binding added, refreshed or (expires 0) removed, in the order of the Contacts. */
  static BindingChange<RegistrationOutcome> apply(List<Binding> current, List<Binding> requested, int maxContacts) {
    List<Binding> result = new ArrayList<>(current);
    for (Binding r : requested) {
      int i = indexOf(result, r.key());
      if (i >= 0) {
        Binding old = result.get(i);
        // §10.3 step 7: same Call-ID needs a higher CSeq, else the whole update is aborted. The same
        // CSeq is a retransmission of the request that made this binding (no transaction layer
        // absorbed it): it changes nothing and gets the current bindings again.
        if (old.callId().equals(r.callId()) && r.cseq() < old.cseq()) {
          return BindingChange.unchanged(RegistrationOutcome.refused(400, "Bad Request (CSeq out of order)"));
        }
        if (old.callId().equals(r.callId()) && r.cseq() == old.cseq()) continue;
        if (r.expiresAtMillis() == 0) result.remove(i);
        else result.set(i, r);
      } else if (r.expiresAtMillis() != 0) {
        result.add(r);
      }
    }
    if (result.size() > maxContacts) {
      return BindingChange.unchanged(RegistrationOutcome.refused(403, "Forbidden (more than " + maxContacts + " contacts)"));
    }
    return new BindingChange<>(result, RegistrationOutcome.ok(result));
  }

  private static int indexOf(List<Binding> list, String key) {
    for (int i = 0; i < list.size(); i++) if (list.get(i).key().equals(key)) return i;
    return -1;
  }
}
