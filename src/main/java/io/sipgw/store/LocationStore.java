package io.sipgw.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;

/**
 * The location service (usrloc): bindings per address of record. The in-memory store is the default;
 * a shared store (Redis) lets several nodes serve the same users.
 */
public interface LocationStore {
  /** The AOR's unexpired bindings, and whether the AOR is known at all. */
  Future<AorRecord> lookup(String aor);

  /**
   * Applies {@code change} to the AOR's current unexpired bindings atomically: no other update of the
   * same AOR interleaves, on this node or another. The function must be pure and quick.
   */
  <T> Future<T> update(String aor, Function<List<Binding>, BindingChange<T>> change);

  /**
   * The AORs that have, or lately had, an unexpired binding saved through the node named
   * {@code nodeName} (see {@link Binding.Source#nodeName()}): what that node looks after again when it
   * restarts. May name AORs whose bindings have gone elsewhere since; never misses a live one.
   */
  Future<List<String>> aorsOf(String nodeName);

  /**
   * Up to {@code limit} AORs that have an unexpired binding (in no particular order): what an operator
   * lists ({@code ul.dump}). Bounded: a store of a million users is not read whole.
   */
  Future<List<String>> registeredAors(int limit);

  /** How many AORs have at least one unexpired binding. */
  Future<Integer> countRegistered();

  Future<Void> close();
}
