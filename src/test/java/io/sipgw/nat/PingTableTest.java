package io.sipgw.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.store.Binding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pinger's schedule on virtual time: spread, bounded per tick, misses counted, bindings followed. */
class PingTableTest {
  private static final long INTERVAL = 1000;
  private static final String AOR = "bob@localhost";

  private final PingTable table = new PingTable(new SplittableRandom(7));
  private long now = 1_000_000;

  @Test
  void aNattedBindingIsPingedWithinItsFirstIntervalThenOncePerInterval() {
    Binding b = binding("a", "c1", 1);
    save(List.of(b), Set.of("a"), Set.of("a"));
    run(5000, true, 3, d -> d.seq());
    List<Long> at = pingTimes;
    assertEquals(5, at.size(), at.toString());
    assertTrue(at.get(0) <= 1_000_000 + INTERVAL + 100, at.toString());
    for (int i = 1; i < at.size(); i++) assertEquals(INTERVAL, at.get(i) - at.get(i - 1), at.toString());
  }

  @Test
  void theFirstPingsOfManyBindingsAreSpreadOverTheInterval() {
    List<Binding> many = new ArrayList<>();
    for (int i = 0; i < 1000; i++) many.add(binding("k" + i, "c1", 1));
    Set<String> keys = keys(many);
    table.saved(AOR, many, keys, keys, now, 10 * INTERVAL);
    int[] perSecond = new int[10];
    for (int s = 0; s < 10; s++) {
      now += INTERVAL;
      perSecond[s] = table.due(now, Integer.MAX_VALUE, 10 * INTERVAL, true, 3).size();
    }
    for (int n : perSecond) assertTrue(n >= 60 && n <= 140, java.util.Arrays.toString(perSecond));
  }

  @Test
  void oneTickSendsNoMoreThanItsBudgetAndTheRestGoNext() {
    List<Binding> many = new ArrayList<>();
    for (int i = 0; i < 100; i++) many.add(binding("k" + i, "c1", 1));
    Set<String> keys = keys(many);
    table.saved(AOR, many, keys, keys, now, INTERVAL);
    now += INTERVAL;
    assertEquals(30, table.due(now, 30, INTERVAL, true, 3).size());
    assertEquals(30, table.due(now, 30, INTERVAL, true, 3).size());
    assertEquals(30, table.due(now, 30, INTERVAL, true, 3).size());
    assertEquals(10, table.due(now, 30, INTERVAL, true, 3).size());
    assertEquals(0, table.due(now, 30, INTERVAL, true, 3).size());
  }

  @Test
  void aBindingIsDroppedWhenMaxMissedPingsInARowGoUnanswered() {
    save(List.of(binding("a", "c1", 1)), Set.of("a"), Set.of("a"));
    List<String> events = run(5000, true, 3);
    assertEquals(List.of("ping 1", "ping 2", "ping 3", "drop"), events);
    assertEquals(0, table.size());
    assertTrue(!table.has(AOR));
  }

  @Test
  void anAnswerOfAnyKindResetsTheCount() {
    save(List.of(binding("a", "c1", 1)), Set.of("a"), Set.of("a"));
    List<String> events = run(10_000, true, 3, d -> d.seq() % 3 == 0 ? d.seq() : 0); // two missed, then one answered
    assertTrue(events.size() >= 9 && !events.contains("drop"), events.toString());
  }

  @Test
  void anAnswerToAPingNotYetSentCountsForNothing() {
    save(List.of(binding("a", "c1", 1)), Set.of("a"), Set.of("a"));
    List<String> events = run(5000, true, 3, d -> d.seq() + 5);
    assertEquals(List.of("ping 1", "ping 2", "ping 3", "drop"), events);
  }

  @Test
  void aRegisterRefreshIsAsGoodAsAnAnswer() {
    Binding b = binding("a", "c1", 1);
    save(List.of(b), Set.of("a"), Set.of("a"));
    List<String> events = new ArrayList<>();
    for (int t = 0; t < 8000; t += 100) {
      now += 100;
      for (PingTable.Due d : due(true, 3)) events.add(d.drop() ? "drop" : "ping " + d.seq());
      if (t % 2000 == 0) save(List.of(binding("a", "c1", 2 + t)), Set.of("a"), Set.of("a"));
    }
    assertTrue(events.size() >= 7 && !events.contains("drop"), events.toString());
  }

  @Test
  void crlfKeepalivesAndMaxMissedZeroNeverDrop() {
    save(List.of(binding("a", "c1", 1)), Set.of("a"), Set.of("a"));
    assertEquals(10, run(10_000, false, 3).stream().filter(e -> e.startsWith("ping")).count());
    assertEquals(1, table.size());
    assertEquals(10, run(10_000, true, 0).stream().filter(e -> e.startsWith("ping")).count());
    assertEquals(1, table.size());
  }

  @Test
  void aBindingNotBehindNatIsNeverPinged() {
    save(List.of(binding("a", "c1", 1)), Set.of("a"), Set.of());
    assertEquals(List.of(), run(5000, true, 3));
    assertTrue(!table.has(AOR));
  }

  @Test
  void aBindingRenewedFromOutsideNatStopsBeingPinged() {
    save(List.of(binding("a", "c1", 1)), Set.of("a"), Set.of("a"));
    save(List.of(binding("a", "c1", 2)), Set.of("a"), Set.of());
    assertEquals(List.of(), run(5000, true, 3));
  }

  @Test
  void aRemovedBindingStopsBeingPingedAndTheOthersOfItsAorGoOn() {
    Binding a = binding("a", "c1", 1);
    Binding b = binding("b", "c2", 1);
    save(List.of(a), Set.of("a"), Set.of("a"));
    save(List.of(a, b), Set.of("b"), Set.of("b")); // another phone's REGISTER: a keeps its state
    assertEquals(2, table.size());
    save(List.of(b), Set.of(), Set.of()); // a removed (Expires: 0)
    assertEquals(1, table.size());
    assertEquals(List.of("ping 1", "ping 2", "ping 3"), run(3000, true, 3));
    assertEquals(List.of("b", "b", "b"), pinged);
    save(List.of(), Set.of(), Set.of()); // Contact: *
    assertEquals(0, table.size());
    assertEquals(List.of(), run(3000, true, 3));
  }

  @Test
  void anExpiredBindingStopsBeingPinged() {
    Binding b = new Binding(AOR, "sip:bob@10.0.0.5", now + 2500, 1f, "c1", 1, source(), List.of(), null, 0, null);
    table.saved(AOR, List.of(b), Set.of(b.key()), Set.of(b.key()), now, INTERVAL);
    List<String> events = run(5000, true, 0);
    // first ping within the first second, then one a second, none after 2.5 s
    assertTrue(events.size() == 2 || events.size() == 3, events.toString());
    assertEquals(0, table.size());
  }

  /** Saves {@code bindings}, renewed and natted given by the names of their instances. */
  private void save(List<Binding> bindings, Set<String> renewed, Set<String> natted) {
    table.saved(AOR, bindings, instanceKeys(renewed), instanceKeys(natted), now, INTERVAL);
  }

  private static Set<String> instanceKeys(Set<String> names) {
    Set<String> out = new java.util.HashSet<>();
    for (String n : names) out.add(n + "/0");
    return out;
  }

  private List<PingTable.Due> due(boolean counted, int maxMissed) {
    return table.due(now, 100, INTERVAL, counted, maxMissed);
  }

  /** Ticks every 100 ms for {@code millis}, answering nothing; the events in order. */
  private List<String> run(long millis, boolean counted, int maxMissed) { return run(millis, counted, maxMissed, d -> 0); }

  private final List<Long> pingTimes = new ArrayList<>();
  private final List<String> pinged = new ArrayList<>();

  /**
   * Ticks every 100 ms for {@code millis}; each ping is answered with the sequence number
   * {@code answer} gives (0: not answered). The events in order; the times of the pings in {@link #pingTimes}.
   */
  private List<String> run(long millis, boolean counted, int maxMissed, java.util.function.ToLongFunction<PingTable.Due> answer) {
    List<String> events = new ArrayList<>();
    for (long t = 0; t < millis; t += 100) {
      now += 100;
      for (PingTable.Due d : due(counted, maxMissed)) {
        events.add(d.drop() ? "drop" : "ping " + d.seq());
        if (!d.drop()) {
          pingTimes.add(now);
          pinged.add(d.entry().binding.instanceId());
        }
        long seq = d.drop() ? 0 : answer.applyAsLong(d);
        if (seq > 0) table.answered(d.entry().id, seq);
      }
    }
    return events;
  }

  private static Set<String> keys(List<Binding> bindings) {
    Set<String> out = new java.util.HashSet<>();
    for (Binding b : bindings) out.add(b.key());
    return out;
  }

  private static Binding.Source source() { return new Binding.Source("udp", "udp:127.0.0.1:5060", "203.0.113.9", 40000, 0); }

  /** A binding of RFC 5626 instance {@code key}, made by {@code callId}/{@code cseq}. */
  private static Binding binding(String key, String callId, long cseq) {
    return new Binding(AOR, "sip:bob@10.0.0.5;k=" + key, Long.MAX_VALUE, 1f, callId, cseq, source(), List.of(), key, 0, null);
  }
}
