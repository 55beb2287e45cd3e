package io.sipgw.transaction;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A scheduler on virtual time: tasks run when the test advances the clock past their deadline. */
final class ManualScheduler implements Scheduler {
  private record Task(long id, long due, Runnable run) { }

  private final List<Task> tasks = new ArrayList<>();
  private long now;
  private long ids;

  @Override
  public long schedule(long delayMillis, Runnable task) {
    long id = ++ids;
    tasks.add(new Task(id, now + Math.max(1, delayMillis), task));
    return id;
  }

  @Override
  public void cancel(long id) { tasks.removeIf(t -> t.id == id); }

  @Override
  public void expire(long delayMillis, Runnable task) { schedule(delayMillis, task); }

  @Override
  public void execute(Runnable task) { task.run(); }

  /** Moves the clock forward by {@code millis}, running every task that falls due, in order. */
  void advance(long millis) {
    long until = now + millis;
    while (true) {
      Task next = tasks.stream().filter(t -> t.due <= until).min(Comparator.comparingLong(Task::due).thenComparingLong(Task::id)).orElse(null);
      if (next == null) break;
      tasks.remove(next);
      now = next.due;
      next.run.run();
    }
    now = until;
  }

  long now() { return now; }

  int pending() { return tasks.size(); }
}
