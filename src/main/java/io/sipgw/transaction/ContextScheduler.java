package io.sipgw.transaction;

import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A {@link Scheduler} on one Vert.x context: every task runs on that context, whoever scheduled it.
 * {@link #expire} keeps one first-in first-out queue per delay — the tasks of one delay fall due in
 * the order they were added — swept by one periodic tick.
 */
public final class ContextScheduler implements Scheduler {
  /** The precision of {@link #expire}. */
  static final long TICK_MILLIS = 100;

  private static final Logger LOG = Logger.getLogger("sipgw.transaction");

  private record Expiry(long due, Runnable task) { }

  private final ContextInternal context;
  private final Map<Long, ArrayDeque<Expiry>> queues = new HashMap<>();
  private long tick = NONE;

  public ContextScheduler(Context context) { this.context = (ContextInternal) context; }

  @Override
  public long schedule(long delayMillis, Runnable task) {
    return context.setTimer(Math.max(1, delayMillis), id -> task.run());
  }

  @Override
  public void cancel(long id) {
    if (id != NONE) context.owner().cancelTimer(id);
  }

  @Override
  public void expire(long delayMillis, Runnable task) {
    ArrayDeque<Expiry> q = queues.get(delayMillis);
    if (q == null) {
      q = new ArrayDeque<>();
      queues.put(delayMillis, q);
    }
    q.addLast(new Expiry(System.nanoTime() / 1_000_000 + delayMillis, task));
    if (tick == NONE) tick = context.setPeriodic(TICK_MILLIS, id -> sweep());
  }

  private void sweep() {
    long now = System.nanoTime() / 1_000_000;
    // A task may add a queue (a new delay): go over a copy of the list of queues.
    for (Object o : queues.values().toArray()) {
      @SuppressWarnings("unchecked")
      ArrayDeque<Expiry> q = (ArrayDeque<Expiry>) o;
      Expiry e;
      while ((e = q.peekFirst()) != null && e.due <= now) {
        q.pollFirst();
        try {
          e.task.run();
        } catch (RuntimeException ex) {
          LOG.severe("timer task failed: " + ex);
        }
      }
    }
  }

  /** Stops the tick; queued expiries are dropped (the routing instance is going away). */
  public void close() {
    if (tick != NONE) context.owner().cancelTimer(tick);
    tick = NONE;
    queues.clear();
  }

  @Override
  public void execute(Runnable task) {
    if (context.isRunningOnContext()) task.run();
    else context.runOnContext(v -> task.run());
  }
}
