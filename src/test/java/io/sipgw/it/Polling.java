package io.sipgw.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded polling for the tests: wait until something holds, a short pause at a time. */
final class Polling {
  private Polling() { }

  /** Sleeps {@code pause}; an interrupt is kept and ends the wait with an exception. */
  static void pause(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Checks {@code condition} every {@code every} until it holds; fails with {@code failure} after {@code bound}. */
  static void await(BooleanSupplier condition, Duration every, Duration bound, Supplier<String> failure) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError(failure.get() + " within " + bound);
      pause(every);
    }
  }
}
