package io.sipgw.rules;

import io.vertx.core.Future;

/**
 * One step of a route block, compiled from one action of the config ({@code {"forward": {}}}). It runs
 * on the request's routing event loop and must not block: what waits on I/O returns a future.
 */
@FunctionalInterface
public interface Action {
  /** The answer of a step after which the next action runs. */
  Future<Boolean> NEXT = Future.succeededFuture(true);
  /** The answer of a step that ended the request's routing (forwarded, answered or dropped it). */
  Future<Boolean> END = Future.succeededFuture(false);

  /** Runs the step: {@link #NEXT} (or a future of true) to go on, {@link #END} (or a future of false) when routing ended. */
  Future<Boolean> run(Exchange x);

  /** {@link #END} when {@code ended}, else {@link #NEXT}. */
  static Future<Boolean> endedIf(boolean ended) { return ended ? END : NEXT; }
}
