package io.sipgw.store;

import java.util.List;

/**
 * What the location service knows of an address of record: whether it was ever registered here
 * (recently enough to be remembered) and its current, unexpired bindings.
 */
public record AorRecord(boolean known, List<Binding> bindings) {
  public static final AorRecord UNKNOWN = new AorRecord(false, List.of());
}
