package io.sipgw.transaction;

import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;

/** A {@link Scheduler} on one Vert.x context: every task runs on that context, whoever scheduled it. */
public final class ContextScheduler implements Scheduler {
  private final ContextInternal context;

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
  public void execute(Runnable task) {
    if (context.isRunningOnContext()) task.run();
    else context.runOnContext(v -> task.run());
  }
}
