package io.sipgw.ban;

import io.vertx.core.Future;
import java.util.function.BiConsumer;

/**
 * Where a node's bans are shared with the other nodes of its cluster, so that a source banned on one
 * is dropped by all: nowhere with the memory store ({@link #LOCAL}: each node bans for itself), in
 * Redis with the Redis store ({@link RedisBanStore}). The counting that leads to a ban stays on each
 * node; only the bans travel.
 */
public interface BanStore {
  /** Bans stay on the node that made them. */
  BanStore LOCAL = new BanStore() {
    @Override
    public void add(String ip, long until) { }

    @Override
    public void start(BiConsumer<String, Long> onBan) { }

    @Override
    public Future<Void> close() { return Future.succeededFuture(); }
  };

  /** Shares this node's ban of {@code ip} until {@code until} (epoch milliseconds). Never blocks, never throws. */
  void add(String ip, long until);

  /** Lifts the shared ban of {@code ip} (an operator's removal), so that no node reads it again. Never blocks, never throws. */
  default void remove(String ip) { }

  /** Starts handing {@code onBan} the bans in force, those of other nodes included, each as (ip, until). */
  void start(BiConsumer<String, Long> onBan);

  Future<Void> close();
}
