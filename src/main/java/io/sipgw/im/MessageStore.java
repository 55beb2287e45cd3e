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
   * Whether messages may wait for {@code aor}: false only when none do, so that a REGISTER of a user
   * with nothing waiting costs nothing. Quick and never blocking: called on the loop of a REGISTER.
   */
  boolean mayHave(String aor);

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
