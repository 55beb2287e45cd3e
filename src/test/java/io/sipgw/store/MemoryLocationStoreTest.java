package io.sipgw.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * How {@link MemoryLocationStore} sweeps expired bindings and forgets AORs, on a fake clock; what every
 * location store does is {@link LocationStoreContract}'s.
 */
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
  void closeWithoutVertxSucceeds() {
    assertTrue(store.close().succeeded());
  }
}
