package io.sipgw.store;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome a registrar computes from an AOR's current bindings: the bindings to store (null to leave
 * them as they are) and a result for the caller.
 */
public record BindingChange<T>(List<Binding> bindings, T result) {
  public static <T> BindingChange<T> unchanged(T result) { return new BindingChange<>(null, result); }

  /**
   * {@code gone} removed from {@code current}, unless a REGISTER renewed or removed it meanwhile (its
   * key, Call-ID and CSeq no longer match); the result says whether it was removed.
   */
  public static BindingChange<Boolean> without(List<Binding> current, Binding gone) {
    List<Binding> left = new ArrayList<>(current);
    boolean removed = left.removeIf(x -> x.key().equals(gone.key()) && x.callId().equals(gone.callId()) && x.cseq() == gone.cseq());
    return removed ? new BindingChange<>(left, true) : unchanged(false);
  }
}
