package io.sipgw.im;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where messages for offline users wait: in memory ({@link MemoryMessageStore}, the default) or in
 * Redis ({@link RedisMessageStore}, shared by the nodes of a cluster). Thread-safe; every operation
 * is asynchronous and never blocks.
 */
public interface MessageStore {
  /** What became of a message offered for storage. */
  enum Outcome { STORED, USER_FULL, STORE_FULL }

  /** Stores {@code m} unless its user has {@code maxPerUser} messages waiting or all users {@code maxTotal}. */
  Future<Outcome> add(StoredMessage m, int maxPerUser, int maxTotal);

  /**
   * Whether messages may wait for {@code aor}, from what this node knows without asking anyone, so
   * that a REGISTER of a user with nothing waiting costs nothing. Quick and never blocking: called on
   * the loop of every REGISTER.
   */
  boolean mayHave(String aor);

  /** A look at {@link #waiting} found nothing for {@code aor}: {@link #mayHave} may say so until more is stored. */
  default void nothingWaits(String aor) { }

  /**
   * {@code listener} is told of each user another node stored a message for whom {@link #mayHave}
   * did not name yet, as this node learns it (with a shared store), on whatever thread learns it.
   * Nothing with a store no other node shares.
   */
  default void onStoredElsewhere(java.util.function.Consumer<String> listener) { }

  /**
   * Takes the right to deliver to {@code aor} for {@code millis}, so that two nodes never deliver
   * to one user at once (which would break the order); false when another holds it.
   */
  default Future<Boolean> claimDelivery(String aor, long millis) { return Future.succeededFuture(true); }

  /** Gives back what {@link #claimDelivery} took. */
  default void releaseDelivery(String aor) { }

  /** The messages waiting for {@code aor} that have not expired at {@code now}, oldest first. */
  Future<List<StoredMessage>> waiting(String aor, long now);

  /** Removes one delivered message; true when it was there. */
  Future<Boolean> remove(String aor, String id);

  /** Removes the messages that expired at {@code now} (at most {@code max} of them) and returns them. */
  Future<List<StoredMessage>> expire(long now, int max);

  /** How many messages wait, for all users. */
  Future<Long> count();

  Future<Void> close();
}
