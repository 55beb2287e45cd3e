package io.sipgw.lb;

import io.sipgw.config.DispatcherConfig;
import io.sipgw.config.DispatcherConfig.Algorithm;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipUri;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One destination set as configured now: its members and the choice of one for a request. Immutable
 * but for a counter (round robin, weighted) and the members' shared state, so any event loop selects
 * at once, without a lock.
 */
final class Pool {
  final DispatcherConfig.DestinationSet config;
  final Member[] members;
  private final AtomicLong next = new AtomicLong();
  /** Weighted: the member indexes in smooth weighted round-robin order, one turn of it (sum of the weights / their gcd). */
  private final int[] schedule;
  /** Weighted, while some members are down: the schedule of those up, by which are up. */
  private final Map<BitSet, int[]> partialSchedules = new ConcurrentHashMap<>();

  Pool(DispatcherConfig.DestinationSet config, Member[] members) {
    this.config = config;
    this.members = members;
    this.schedule = config.algorithm() == Algorithm.WEIGHTED ? smoothSchedule(members) : null;
  }

  /** The chosen member first, then every other one that is up, in failover order; empty when none is up. */
  List<Destination> select(SipRequest req) {
    int n = members.length;
    List<Destination> out = new ArrayList<>(n);
    switch (config.algorithm()) {
      case ROUND_ROBIN -> roundRobin(out);
      case HASH -> ring(out, Math.floorMod(mix(key(req).hashCode()), n));
      case WEIGHTED -> weighted(out);
      case LEAST_CALLS -> leastCalls(out, Math.floorMod(next.getAndIncrement(), n));
    }
    return out;
  }

  /**
   * The next of the members that are up, then the others up in config order from it: with one down,
   * the others share its turns equally (not the one after it all of them).
   */
  private void roundRobin(List<Destination> out) {
    ring(out, 0);
    if (out.size() > 1) Collections.rotate(out, -Math.floorMod(next.getAndIncrement(), out.size()));
  }

  /** The up members from {@code start} on, wrapping around. */
  private void ring(List<Destination> out, int start) {
    for (int k = 0; k < members.length; k++) {
      Member m = members[(start + k) % members.length];
      if (m.up()) out.add(m);
    }
  }

  /**
   * The next member of the schedule of the members that are up (each one's share in proportion to its
   * weight, whichever are down), then the other up ones by weight (heaviest first), in config order
   * among equals.
   */
  private void weighted(List<Destination> out) {
    BitSet up = new BitSet(members.length);
    for (int i = 0; i < members.length; i++) if (members[i].up()) up.set(i);
    if (up.isEmpty()) return;
    int[] turn = up.cardinality() == members.length ? schedule : scheduleOf(up);
    Member chosen = members[turn[Math.floorMod(next.getAndIncrement(), turn.length)]];
    out.add(chosen);
    List<Member> rest = new ArrayList<>(members.length);
    for (Member m : members) if (m != chosen && m.up()) rest.add(m);
    rest.sort(Comparator.comparingInt(Member::weight).reversed());
    out.addAll(rest);
  }

  /** The schedule of the members in {@code up}, made once for each such combination. */
  private int[] scheduleOf(BitSet up) {
    int[] turn = partialSchedules.get(up);
    if (turn != null) return turn;
    Member[] some = new Member[up.cardinality()];
    int[] index = new int[some.length];
    for (int i = up.nextSetBit(0), k = 0; i >= 0; i = up.nextSetBit(i + 1), k++) {
      some[k] = members[i];
      index[k] = i;
    }
    int[] local = smoothSchedule(some);
    for (int j = 0; j < local.length; j++) local[j] = index[local[j]];
    int[] raced = partialSchedules.putIfAbsent(up, local);
    return raced != null ? raced : local;
  }

  /** The up members by calls in progress, fewest first; equals in ring order from {@code start}, so ties take turns. */
  private void leastCalls(List<Destination> out, int start) {
    ring(out, start);
    if (out.size() > 1) out.sort(Comparator.comparingInt(Destination::activeCalls));
  }

  /** What the hash is over: the Call-ID, the From user or the Request-URI's user@host; "" when the request has none. */
  private String key(SipRequest req) {
    try {
      return switch (config.hashOn()) {
        case CALL_ID -> orEmpty(req.callId());
        case FROM_USER -> orEmpty(req.from().uri().user());
        case REQUEST_URI -> {
          SipUri u = req.requestUri();
          yield u.isSip() ? orEmpty(u.user()) + "@" + u.host().toLowerCase(Locale.ROOT) : u.toString();
        }
      };
    } catch (SipParseException e) {
      return "";
    }
  }

  private static String orEmpty(String s) { return s == null ? "" : s; }

  /** Spreads the bits of a String hash (MurmurHash3's finalizer), so that similar keys do not land side by side. */
  static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  /**
   * One turn of smooth weighted round robin (nginx's): each step every member gains its weight, the
   * one with the most is chosen and loses the total. Weights 5, 1, 1 give a, a, b, a, c, a, a: the
   * heavy one spread out, not in a burst.
   */
  static int[] smoothSchedule(Member[] members) {
    int g = 0;
    for (Member m : members) g = gcd(g, m.weight());
    int[] w = new int[members.length];
    int total = 0;
    for (int i = 0; i < members.length; i++) {
      w[i] = members[i].weight() / g;
      total += w[i];
    }
    int[] current = new int[members.length];
    int[] out = new int[total];
    for (int step = 0; step < total; step++) {
      int best = 0;
      for (int i = 0; i < members.length; i++) {
        current[i] += w[i];
        if (current[i] > current[best]) best = i;
      }
      current[best] -= total;
      out[step] = best;
    }
    return out;
  }

  private static int gcd(int a, int b) { return b == 0 ? a : gcd(b, a % b); }
}
