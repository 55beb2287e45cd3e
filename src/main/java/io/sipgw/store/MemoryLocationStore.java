package io.sipgw.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The in-memory location store: one map entry per AOR, updated with {@code compute} so updates of one
 * AOR from different event loops never interleave. Expired bindings vanish from every read at once
 * and are swept from memory periodically; an AOR whose last binding went is remembered for a while,
 * so a call to it gets 480 (registered user, not reachable now) rather than 404.
 */
public final class MemoryLocationStore implements LocationStore {
  private static final long SWEEP_MILLIS = 1_000;
  /**
   * A full pass over the AORs takes about this many sweep ticks (five minutes), so no tick stalls its
   * event loop and a large store is not walked more often than it needs: reads skip an expired
   * binding at once, the sweep only gives its memory back.
   */
  private static final int TICKS_PER_PASS = 300;

  private final Map<String, Entry> aors = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final long rememberMillis;
  private final Vertx vertx;
  private final long timer;
  private Iterator<String> sweeping = Collections.emptyIterator();

  /** lastActiveMillis: when the AOR last had a binding (its last change or last expiry). */
  private record Entry(List<Binding> bindings, long lastActiveMillis) { }

  public MemoryLocationStore(Vertx vertx, long rememberMillis) {
    this(vertx, rememberMillis, System::currentTimeMillis);
  }

  public MemoryLocationStore(Vertx vertx, long rememberMillis, LongSupplier clock) {
    this.vertx = vertx;
    this.rememberMillis = rememberMillis;
    this.clock = clock;
    this.timer = vertx == null ? -1 : vertx.setPeriodic(SWEEP_MILLIS, id -> sweepSome());
  }

  @Override
  public Future<AorRecord> lookup(String aor) {
    Entry e = aors.get(aor);
    if (e == null) return Future.succeededFuture(AorRecord.UNKNOWN);
    return Future.succeededFuture(new AorRecord(true, live(e.bindings, clock.getAsLong())));
  }

  @Override
  public <T> Future<T> update(String aor, Function<List<Binding>, BindingChange<T>> change) {
    Object[] result = new Object[1];
    try {
      aors.compute(aor, (k, e) -> {
        long now = clock.getAsLong();
        List<Binding> current = e == null ? List.of() : live(e.bindings, now);
        BindingChange<T> c = change.apply(current);
        result[0] = c.result();
        if (c.bindings() == null) return e;
        return new Entry(List.copyOf(c.bindings()), now);
      });
    } catch (RuntimeException ex) {
      return Future.failedFuture(ex);
    }
    @SuppressWarnings("unchecked")
    T t = (T) result[0];
    return Future.succeededFuture(t);
  }

  @Override
  public Future<List<String>> aorsOf(String nodeName) {
    long now = clock.getAsLong();
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Entry> e : aors.entrySet()) {
      for (Binding b : e.getValue().bindings) {
        if (!b.expired(now) && b.source() != null && nodeName.equals(b.source().nodeName())) {
          out.add(e.getKey());
          break;
        }
      }
    }
    return Future.succeededFuture(out);
  }

  /** The bindings not expired now, over every AOR: a walk without allocation, for a metrics scrape. */
  public int bindingCount() {
    long now = clock.getAsLong();
    int n = 0;
    for (Entry e : aors.values()) {
      for (Binding b : e.bindings) if (!b.expired(now)) n++;
    }
    return n;
  }

  @Override
  public Future<List<String>> registeredAors(int limit) {
    long now = clock.getAsLong();
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Entry> e : aors.entrySet()) {
      if (out.size() >= limit) break;
      if (!live(e.getValue().bindings, now).isEmpty()) out.add(e.getKey());
    }
    return Future.succeededFuture(out);
  }

  @Override
  public Future<Integer> countRegistered() {
    long now = clock.getAsLong();
    int n = 0;
    for (Entry e : aors.values()) if (!live(e.bindings, now).isEmpty()) n++;
    return Future.succeededFuture(n);
  }

  /** One tick of the incremental sweep: the next slice of AORs, resuming where the last tick stopped. */
  private void sweepSome() {
    int budget = Math.max(1000, aors.size() / TICKS_PER_PASS);
    long now = clock.getAsLong();
    for (int i = 0; i < budget; i++) {
      if (!sweeping.hasNext()) {
        sweeping = aors.keySet().iterator();
        if (!sweeping.hasNext()) return;
      }
      sweep(sweeping.next(), now);
    }
  }

  /** Drops expired bindings, and AORs with none left for longer than they are remembered. */
  public void sweep() {
    long now = clock.getAsLong();
    for (String aor : aors.keySet()) sweep(aor, now);
  }

  private void sweep(String aor, long now) {
      aors.computeIfPresent(aor, (k, e) -> {
        List<Binding> live = live(e.bindings, now);
        if (live.isEmpty()) {
          long lastActive = Math.max(e.lastActiveMillis,
              e.bindings.stream().mapToLong(Binding::expiresAtMillis).max().orElse(0));
          return lastActive + rememberMillis < now ? null : new Entry(List.of(), lastActive);
        }
        return live.size() == e.bindings.size() ? e : new Entry(live, e.lastActiveMillis);
      });
  }

  private static List<Binding> live(List<Binding> bindings, long now) {
    for (Binding b : bindings) {
      if (b.expired(now)) {
        List<Binding> out = new ArrayList<>(bindings.size());
        for (Binding x : bindings) if (!x.expired(now)) out.add(x);
        return out;
      }
    }
    return bindings;
  }

  @Override
  public Future<Void> close() {
    if (vertx != null) vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
