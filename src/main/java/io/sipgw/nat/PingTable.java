package io.sipgw.nat;

import io.sipgw.store.Binding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The bindings behind NAT that this node pings, with their schedule, as nathelper keeps its list of
 * NATed contacts: fed with what each REGISTER saved, asked at each tick which pings fall due. Each
 * binding is pinged once per interval, at an offset drawn when it was first saved, so the pings of
 * many bindings are spread over the interval instead of going out in one burst. Not thread-safe: one
 * event loop owns it.
 */
final class PingTable {
  /** What falls due for one binding: a ping with sequence number {@code seq}, or removal ({@code seq} 0). */
  record Due(PingedBinding entry, long seq) {
    boolean drop() { return seq == 0; }
  }

  private final Map<String, Map<String, PingedBinding>> byAor = new HashMap<>();
  private final Map<Long, PingedBinding> byId = new HashMap<>();
  private final PriorityQueue<PingedBinding> schedule = new PriorityQueue<>((a, b) -> Long.compare(a.nextPingAt, b.nextPingAt));
  private final RandomGenerator random;
  private long ids;

  PingTable(RandomGenerator random) { this.random = random; }

  /**
   * What a REGISTER left for {@code aor}: every current binding; of those it {@code renewed}, the ones
   * that are to be pinged ({@code natted}: UDP and behind NAT). A binding the REGISTER did not touch
   * keeps its state; one no longer among {@code bindings} (removed, expired) is no longer pinged.
   */
  void saved(String aor, List<Binding> bindings, Set<String> renewed, Set<String> natted, long now, long intervalMillis) {
    Map<String, PingedBinding> old = byAor.remove(aor);
    Map<String, PingedBinding> kept = new HashMap<>();
    for (Binding b : bindings) {
      PingedBinding e = old == null ? null : old.remove(b.key());
      if (renewed.contains(b.key())) {
        if (!natted.contains(b.key())) {
          if (e != null) byId.remove(e.id);
          continue;
        }
        if (e == null) e = add(b, now + 1 + random.nextLong(intervalMillis));
        else e.refreshed(b);
      } else if (e == null) {
        continue;
      }
      kept.put(b.key(), e);
    }
    if (old != null) for (PingedBinding gone : old.values()) byId.remove(gone.id);
    if (!kept.isEmpty()) byAor.put(aor, kept);
  }

  private PingedBinding add(Binding b, long first) {
    PingedBinding e = new PingedBinding(++ids, b, first);
    byId.put(e.id, e);
    schedule.add(e);
    return e;
  }

  /** A response to ping {@code seq} of binding {@code id}: any status counts (as in nathelper). */
  void answered(long id, long seq) {
    PingedBinding e = byId.get(id);
    if (e != null && seq <= e.sent) e.answered = Math.max(e.answered, seq);
  }

  /**
   * The pings due at {@code now}, at most {@code budget} of them; the rest stay due for the next tick.
   * With {@code counted} (OPTIONS: an answer is expected), a binding whose last {@code maxMissed}
   * pings went unanswered is due for removal instead (maxMissed 0: never). An expired binding is
   * forgotten.
   */
  List<Due> due(long now, int budget, long intervalMillis, boolean counted, int maxMissed) {
    List<Due> out = new ArrayList<>();
    for (int n = 0; n < budget && !schedule.isEmpty() && schedule.peek().nextPingAt <= now; n++) {
      PingedBinding e = schedule.poll();
      if (byId.get(e.id) != e) continue;
      if (e.binding.expired(now)) {
        forget(e);
        continue;
      }
      if (counted) {
        e.missed = e.sent > e.answered ? e.missed + 1 : 0;
        if (maxMissed > 0 && e.missed >= maxMissed) {
          forget(e);
          out.add(new Due(e, 0));
          continue;
        }
        out.add(new Due(e, ++e.sent));
      } else {
        e.missed = 0;
        e.answered = e.sent;
        out.add(new Due(e, e.sent + 1));
      }
      e.nextPingAt = Math.max(e.nextPingAt + intervalMillis, now + 1);
      schedule.add(e);
    }
    return out;
  }

  /** Drops a binding from the table (it went from the location store). */
  void forget(PingedBinding e) {
    byId.remove(e.id);
    Map<String, PingedBinding> m = byAor.get(e.binding.aor());
    if (m != null && m.get(e.binding.key()) == e) {
      m.remove(e.binding.key());
      if (m.isEmpty()) byAor.remove(e.binding.aor());
    }
  }

  /** Whether any binding of {@code aor} is pinged. */
  boolean has(String aor) { return byAor.containsKey(aor); }

  int size() { return byId.size(); }

  /** Forgets everything (keep-alives turned off). */
  void clear() {
    byAor.clear();
    byId.clear();
    schedule.clear();
  }
}
