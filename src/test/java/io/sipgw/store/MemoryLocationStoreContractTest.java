package io.sipgw.store;

/** The location store contract on the in-memory store; its two "nodes" are one object. */
class MemoryLocationStoreContractTest extends LocationStoreContract {
  private final MemoryLocationStore store = new MemoryLocationStore(null, 60_000, now::get);

  @Override
  LocationStore node(int n) { return store; }
}
