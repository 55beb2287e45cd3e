package io.sipgw.im;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class MemoryMessageStoreContractTest extends MessageStoreContract {
  private final MemoryMessageStore store = new MemoryMessageStore();

  @Override
  MessageStore store() { return store; }

  @Test
  void aUserWithNothingWaitingIsNotLookedFor() throws Exception {
    assertFalse(store.mayHave("nobody@localhost"));
    await(store.add(message("kim@localhost", 1, NOW + 1_000), 10, 100));
    await(store.remove("kim@localhost", message("kim@localhost", 1, NOW + 1_000).id()));
    assertFalse(store.mayHave("kim@localhost"), "nothing left");
  }
}
