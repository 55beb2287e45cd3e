package io.sipgw.lb;

import io.sipgw.sip.SipUri;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A destination of one set as configured now (URI and weight) with its {@link Health}, which a reload
 * that keeps the URI hands on to the new member.
 */
final class Member implements Destination {
  private final SipUri uri;
  private final int weight;
  final Health health;

  Member(SipUri uri, int weight, Health health) {
    this.uri = uri;
    this.weight = weight;
    this.health = health;
  }

  @Override public SipUri uri() { return uri; }

  int weight() { return weight; }

  @Override public boolean up() { return health.up; }

  @Override public void callStarted() { health.calls.incrementAndGet(); }

  @Override public void callEnded() { health.calls.updateAndGet(n -> n > 0 ? n - 1 : 0); }

  @Override public int activeCalls() { return health.calls.get(); }

  @Override public String toString() { return uri + (health.up ? "" : " (down)"); }

  /**
   * What outlives a reload: up or down, calls in progress, and the probe counts. {@link #up} and
   * {@link #calls} are read by every routing loop; the probe counts and {@link #pending} are the
   * prober's own (one event loop).
   */
  static final class Health {
    volatile boolean up = true;
    final AtomicInteger calls = new AtomicInteger();
    /** Consecutive failed probes, consecutive answered ones (one of the two is 0). */
    int failed;
    int answered;
    /** The number of the probe awaiting its answer, 0 when none is. */
    long pending;

    /**
     * A failed probe: true when it takes the destination down (the {@code threshold}-th failure in a
     * row of an up destination).
     */
    boolean probeFailed(int threshold) {
      answered = 0;
      failed++;
      if (up && failed >= threshold) {
        up = false;
        return true;
      }
      return false;
    }

    /** An answered probe: true when it brings the destination up (the {@code threshold}-th in a row of a down one). */
    boolean probeAnswered(int threshold) {
      failed = 0;
      answered++;
      if (!up && answered >= threshold) {
        up = true;
        return true;
      }
      return false;
    }
  }
}
