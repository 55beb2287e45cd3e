package io.sipgw.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LocationStore} must do, run against each implementation: the in-memory one and
 * the Redis one on a real redis-server. {@link #node(int)} gives the store as a node sees it; two
 * nodes share the state (the memory store: the same object).
 */
abstract class LocationStoreContract {
  static final String AOR = "alice@example.com";

  /** The stores' clock: bindings expire by it. */
  final AtomicLong now = new AtomicLong(System.currentTimeMillis());

  /** The store as node {@code n} (0 or 1) sees it. */
  abstract LocationStore node(int n);

  LocationStore store() { return node(0); }

  static <T> T result(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("no result within 10 s", e);
    }
  }

  Binding binding(String contact, long lifetimeMillis) {
    return new Binding(AOR, contact, now.get() + lifetimeMillis, 0.5f, "c1@host", 7,
        new Binding.Source("udp", "udp:0.0.0.0:5060", "192.0.2.10", 5062, 0, true),
        List.of("<sip:ft-1@192.0.2.1;lr>", "<sip:edge.example.com;lr>"), null, 0, "phone/1.0");
  }

  void put(Binding... bindings) {
    assertEquals("stored", result(store().update(AOR, current -> new BindingChange<>(List.of(bindings), "stored"))));
  }

  @Test
  void anUnknownAorIsNotKnownAndHasNoBindings() {
    AorRecord r = result(store().lookup("nobody@example.com"));
    assertFalse(r.known());
    assertEquals(List.of(), r.bindings());
  }

  @Test
  void storedBindingsComeBackWithEveryField() {
    Binding plain = binding("sip:a@192.0.2.10:5062", 10_000);
    Binding outbound = new Binding(AOR, "sip:a@abc.invalid;transport=ws;ob", now.get() + 20_000, 1.0f, "c2", 1,
        new Binding.Source("ws", "ws:127.0.0.1:8080", "127.0.0.1", 40000, 42, false, "node-a",
            "<sip:ft-2a-0123456789abcdef@192.0.2.1:5060;transport=udp;lr>"), List.of(),
        "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", 1, null);
    put(plain, outbound);
    assertEquals(new AorRecord(true, List.of(plain, outbound)), result(store().lookup(AOR)));
    assertEquals(new AorRecord(true, List.of(plain, outbound)), result(node(1).lookup(AOR)), "another node sees them");
  }

  @Test
  void anUpdateSeesTheCurrentUnexpiredBindings() {
    Binding a = binding("sip:a@192.0.2.10", 10_000);
    Binding b = binding("sip:a@192.0.2.11", 20_000);
    put(a, b);
    now.addAndGet(15_000);
    List<List<Binding>> seen = new ArrayList<>();
    result(store().update(AOR, current -> {
      seen.add(current);
      return BindingChange.unchanged("x");
    }));
    assertEquals(List.of(List.of(b)), seen);
  }

  @Test
  void anUnchangedUpdateStoresNothing() {
    assertEquals("no", result(store().update(AOR, current -> BindingChange.unchanged("no"))));
    assertFalse(result(store().lookup(AOR)).known());
  }

  @Test
  void aBindingExpiresByTheClockAndItsAorStaysKnown() {
    Binding b = binding("sip:a@192.0.2.10", 10_000);
    put(b);
    now.addAndGet(9_999);
    assertEquals(List.of(b), result(store().lookup(AOR)).bindings());
    now.addAndGet(1);
    AorRecord r = result(store().lookup(AOR));
    assertTrue(r.known(), "an AOR whose binding expired is still known (480, not 404)");
    assertEquals(List.of(), r.bindings());
    assertEquals(0, result(store().countRegistered()));
  }

  @Test
  void removingEveryBindingLeavesTheAorKnown() {
    put(binding("sip:a@192.0.2.10", 10_000));
    put();
    AorRecord r = result(store().lookup(AOR));
    assertTrue(r.known());
    assertEquals(List.of(), r.bindings());
  }

  Binding savedThrough(String aor, String run, long lifetimeMillis) {
    return new Binding(aor, "sip:x@192.0.2.30", now.get() + lifetimeMillis, 1.0f, "c-" + run, 1,
        new Binding.Source("udp", "udp:0.0.0.0:5060", "192.0.2.30", 5060, 0, true, run, null), List.of(), null, 0, null);
  }

  @Test
  void aNodeFindsTheAorsItSavedBindingsForUnderItsNameWhateverTheRun() {
    assertEquals("s", result(store().update(AOR, c -> new BindingChange<>(List.of(savedThrough(AOR, "udp:10.0.0.1:5060#1", 10_000)), "s"))));
    assertEquals("s", result(node(1).update("bob@example.com", c -> new BindingChange<>(List.of(
        savedThrough("bob@example.com", "udp:10.0.0.1:5060#2", 30_000), savedThrough("bob@example.com", "udp:10.0.0.2:5060#1", 30_000)), "s"))));
    assertEquals("s", result(node(1).update("carol@example.com", c -> new BindingChange<>(List.of(
        savedThrough("carol@example.com", "udp:10.0.0.2:5060#1", 30_000)), "s"))));

    assertEquals(Set.of(AOR, "bob@example.com"), Set.copyOf(result(node(1).aorsOf("udp:10.0.0.1:5060"))));
    assertEquals(Set.of("bob@example.com", "carol@example.com"), Set.copyOf(result(store().aorsOf("udp:10.0.0.2:5060"))));
    assertEquals(List.of(), result(store().aorsOf("udp:10.0.0.3:5060")));
    now.addAndGet(10_000);
    assertEquals(List.of("bob@example.com"), result(store().aorsOf("udp:10.0.0.1:5060")), "an expired binding is not looked after");
  }

  @Test
  void countRegisteredCountsAorsWithUnexpiredBindings() {
    put(binding("sip:a@192.0.2.10", 10_000));
    assertEquals("s", result(node(1).update("bob@example.com", c -> new BindingChange<>(List.of(
        new Binding("bob@example.com", "sip:b@192.0.2.20", now.get() + 30_000, 1.0f, "c9", 1,
            new Binding.Source("tcp", "tcp0", "192.0.2.20", 40000, 7), List.of(), null, 0, null)), "s"))));
    assertEquals(2, result(store().countRegistered()));
    now.addAndGet(10_000);
    assertEquals(1, result(store().countRegistered()));
  }

  @Test
  void registeredAorsListsThoseWithUnexpiredBindingsUpToTheLimit() {
    put(binding("sip:a@192.0.2.10", 10_000));
    assertEquals("s", result(node(1).update("bob@example.com", c -> new BindingChange<>(List.of(
        new Binding("bob@example.com", "sip:b@192.0.2.20", now.get() + 30_000, 1.0f, "c9", 1,
            new Binding.Source("tcp", "tcp0", "192.0.2.20", 40000, 7), List.of(), null, 0, null)), "s"))));
    assertEquals(Set.of(AOR, "bob@example.com"), Set.copyOf(result(store().registeredAors(10))));
    assertEquals(1, result(store().registeredAors(1)).size());
    now.addAndGet(10_000);
    assertEquals(List.of("bob@example.com"), result(node(1).registeredAors(10)));
  }

  @Test
  void aFailingChangeIsAFailedFuture() {
    Future<String> f = store().update(AOR, c -> {
      throw new IllegalStateException("boom");
    });
    String message = f.toCompletionStage().toCompletableFuture().handle((v, e) -> e == null ? null : rootMessage(e)).join();
    assertEquals("boom", message);
  }

  /** Two nodes adding bindings to one AOR at once: every one of them is there afterwards, once. */
  @Test
  void racingUpdatesFromTwoNodesLoseNothing() {
    int n = 20;
    List<Future<String>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Binding b = binding("sip:a@192.0.2." + (i + 1), 60_000);
      all.add(node(i % 2).update(AOR, current -> {
        List<Binding> next = new ArrayList<>(current);
        next.removeIf(x -> x.key().equals(b.key()));
        next.add(b);
        return new BindingChange<>(next, "ok");
      }));
    }
    for (Future<String> f : all) assertEquals("ok", result(f));
    List<String> contacts = new ArrayList<>(result(store().lookup(AOR)).bindings().stream().map(Binding::contact).toList());
    contacts.sort(Comparator.naturalOrder());
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) expected.add("sip:a@192.0.2." + (i + 1));
    expected.sort(Comparator.naturalOrder());
    assertEquals(expected, contacts);
  }

  /** A limit the change checks (registrar.maxContacts) holds when two nodes race. */
  @Test
  void aLimitHoldsAcrossNodes() {
    int limit = 5;
    List<Future<Boolean>> all = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Binding b = binding("sip:a@192.0.2." + (i + 1), 60_000);
      all.add(node(i % 2).update(AOR, current -> {
        if (current.size() >= limit) return BindingChange.unchanged(false);
        List<Binding> next = new ArrayList<>(current);
        next.add(b);
        return new BindingChange<>(next, true);
      }));
    }
    long accepted = all.stream().filter(LocationStoreContract::result).count();
    assertEquals(limit, accepted);
    assertEquals(limit, result(store().lookup(AOR)).bindings().size());
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getMessage();
  }
}
