package io.sipgw.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Expiry, sweeping and the {@code known} flag of {@link MemoryLocationStore}, on a fake clock. */
class MemoryLocationStoreTest {
  private static final long REMEMBER = 60_000;
  private static final String AOR = "alice@example.com";

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final MemoryLocationStore store = new MemoryLocationStore(null, REMEMBER, now::get);

  private static <T> T result(Future<T> f) {
    assertTrue(f.succeeded(), () -> "not succeeded: " + f.cause());
    return f.result();
  }

  private Binding binding(String contact, long lifetimeMillis) {
    return new Binding(AOR, contact, now.get() + lifetimeMillis, 1.0f, "c1", 1,
        new Binding.Source("udp", "udp0", "192.0.2.10", 5062, 0), List.of(), null, 0, "ua");
  }

  private void put(Binding... bindings) {
    assertEquals("stored", result(store.update(AOR, current -> new BindingChange<>(List.of(bindings), "stored"))));
  }

  @Test
  void unknownAorIsNotKnownAndHasNoBindings() {
    AorRecord r = result(store.lookup("nobody@example.com"));
    assertFalse(r.known());
    assertEquals(List.of(), r.bindings());
  }

  @Test
  void storedBindingsAreReturned() {
    Binding b = binding("sip:a@192.0.2.10", 10_000);
    put(b);
    assertEquals(new AorRecord(true, List.of(b)), result(store.lookup(AOR)));
    assertEquals(1, result(store.countRegistered()));
  }

  @Test
  void updateSeesTheCurrentLiveBindings() {
    Binding a = binding("sip:a@192.0.2.10", 10_000);
    Binding b = binding("sip:a@192.0.2.11", 20_000);
    put(a, b);
    now.addAndGet(15_000);
    List<List<Binding>> seen = new java.util.ArrayList<>();
    result(store.update(AOR, current -> {
      seen.add(current);
      return BindingChange.unchanged("x");
    }));
    assertEquals(List.of(List.of(b)), seen);
  }

  @Test
  void unchangedUpdateStoresNothing() {
    assertEquals("no", result(store.update(AOR, current -> BindingChange.unchanged("no"))));
    assertFalse(result(store.lookup(AOR)).known());
  }

  @Test
  void bindingExpiresByTheClock() {
    Binding b = binding("sip:a@192.0.2.10", 10_000);
    put(b);
    now.addAndGet(9_999);
    assertEquals(List.of(b), result(store.lookup(AOR)).bindings());
    now.addAndGet(1);
    AorRecord r = result(store.lookup(AOR));
    assertTrue(r.known());
    assertEquals(List.of(), r.bindings());
    assertEquals(0, result(store.countRegistered()));
  }

  @Test
  void sweepKeepsAnAorUntilRememberMillisPastItsLastBinding() {
    put(binding("sip:a@192.0.2.10", 10_000));
    long expiry = now.get() + 10_000;
    now.set(expiry + REMEMBER);
    store.sweep();
    assertTrue(result(store.lookup(AOR)).known());
    now.set(expiry + REMEMBER + 1);
    store.sweep();
    assertFalse(result(store.lookup(AOR)).known());
  }

  @Test
  void sweepCountsFromTheLatestExpiry() {
    put(binding("sip:a@192.0.2.10", 10_000), binding("sip:a@192.0.2.11", 50_000));
    long last = now.get() + 50_000;
    now.set(last + REMEMBER);
    store.sweep();
    assertTrue(result(store.lookup(AOR)).known());
    now.set(last + REMEMBER + 1);
    store.sweep();
    assertFalse(result(store.lookup(AOR)).known());
  }

  @Test
  void sweepCountsFromAnUnregister() {
    put(binding("sip:a@192.0.2.10", 10_000));
    now.addAndGet(1_000);
    long unregistered = now.get();
    put();
    now.set(unregistered + REMEMBER);
    store.sweep();
    assertTrue(result(store.lookup(AOR)).known());
    now.set(unregistered + REMEMBER + 1);
    store.sweep();
    assertFalse(result(store.lookup(AOR)).known());
  }

  @Test
  void sweepDropsOnlyExpiredBindings() {
    Binding a = binding("sip:a@192.0.2.10", 10_000);
    Binding b = binding("sip:a@192.0.2.11", 20_000);
    put(a, b);
    now.set(a.expiresAtMillis() + 1); // past a, before b
    store.sweep();
    assertEquals(new AorRecord(true, List.of(b)), result(store.lookup(AOR)));
  }

  @Test
  void countRegisteredCountsAorsWithLiveBindings() {
    put(binding("sip:a@192.0.2.10", 10_000));
    assertEquals("s", result(store.update("bob@example.com", c -> new BindingChange<>(List.of(
        new Binding("bob@example.com", "sip:b@192.0.2.20", now.get() + 30_000, 1.0f, "c9", 1,
            new Binding.Source("tcp", "tcp0", "192.0.2.20", 40000, 7), List.of(), null, 0, null)), "s"))));
    assertEquals(2, result(store.countRegistered()));
    now.addAndGet(10_000);
    assertEquals(1, result(store.countRegistered()));
  }

  @Test
  void updateFailureIsAFailedFuture() {
    Future<String> f = store.update(AOR, c -> {
      throw new IllegalStateException("boom");
    });
    assertTrue(f.failed());
    assertEquals("boom", f.cause().getMessage());
  }

  @Test
  void closeWithoutVertxSucceeds() {
    assertTrue(store.close().succeeded());
  }
}
