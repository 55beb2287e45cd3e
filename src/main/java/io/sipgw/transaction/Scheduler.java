package io.sipgw.transaction;

/**
 * The event loop that owns a transaction table: its timers, and a way back onto it for callbacks
 * that complete elsewhere (a send completes on the socket's loop).
 */
public interface Scheduler {
  /** An id that names no timer. */
  long NONE = -1;

  /** Runs {@code task} once after {@code delayMillis}, on the owning event loop; returns its id. */
  long schedule(long delayMillis, Runnable task);

  /** Cancels a timer; {@link #NONE} and timers that have fired are ignored. */
  void cancel(long id);

  /**
   * Runs {@code task} about {@code delayMillis} from now (within a tick of 100 ms), on the owning
   * event loop. It cannot be cancelled: the task must check whether it still has something to do.
   * Meant for the long, fixed timers every transaction sets (64*T1, T4, Timer D): they cost an entry
   * in a queue instead of a scheduled task each.
   */
  void expire(long delayMillis, Runnable task);

  /** Runs {@code task} on the owning event loop: at once when called there, else queued to it. */
  void execute(Runnable task);
}
