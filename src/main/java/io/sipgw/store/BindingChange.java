package io.sipgw.store;

import java.util.List;

/**
 * The outcome a registrar computes from an AOR's current bindings: the bindings to store (null to leave
 * them as they are) and a result for the caller.
 */
public record BindingChange<T>(List<Binding> bindings, T result) {
  public static <T> BindingChange<T> unchanged(T result) { return new BindingChange<>(null, result); }
}
