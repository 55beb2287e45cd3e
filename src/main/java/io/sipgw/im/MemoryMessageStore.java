package io.sipgw.im;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Messages for offline users in this node's memory, lost at a restart: per user a map ordered by id.
 * One lock for all: storing and delivering are rare next to the routing of calls.
 */
public final class MemoryMessageStore implements MessageStore {
  private final Map<String, TreeMap<String, StoredMessage>> byUser = new HashMap<>();
  /** The users of {@link #byUser}, read without the lock. */
  private final Set<String> users = ConcurrentHashMap.newKeySet();
  private long total;

  @Override
  public boolean mayHave(String aor) { return users.contains(aor); }

  @Override
  public synchronized Future<Outcome> add(StoredMessage m, int maxPerUser, int maxTotal) {
    TreeMap<String, StoredMessage> mine = byUser.get(m.aor());
    if (mine != null && mine.size() >= maxPerUser) return Future.succeededFuture(Outcome.USER_FULL);
    if (total >= maxTotal) return Future.succeededFuture(Outcome.STORE_FULL);
    byUser.computeIfAbsent(m.aor(), a -> new TreeMap<>()).put(m.id(), m);
    users.add(m.aor());
    total++;
    return Future.succeededFuture(Outcome.STORED);
  }

  @Override
  public synchronized Future<List<StoredMessage>> waiting(String aor, long now) {
    TreeMap<String, StoredMessage> mine = byUser.get(aor);
    if (mine == null) return Future.succeededFuture(List.of());
    return Future.succeededFuture(mine.values().stream().filter(m -> m.expires() > now).toList());
  }

  @Override
  public synchronized Future<Boolean> remove(String aor, String id) {
    TreeMap<String, StoredMessage> mine = byUser.get(aor);
    boolean had = mine != null && mine.remove(id) != null;
    if (had) {
      total--;
      if (mine.isEmpty()) {
        byUser.remove(aor);
        users.remove(aor);
      }
    }
    return Future.succeededFuture(had);
  }

  @Override
  public synchronized Future<List<StoredMessage>> expire(long now, int max) {
    List<StoredMessage> out = new ArrayList<>();
    for (TreeMap<String, StoredMessage> mine : byUser.values()) {
      for (StoredMessage m : mine.values()) {
        if (out.size() == max) break;
        if (m.expires() <= now) out.add(m);
      }
    }
    for (StoredMessage m : out) remove(m.aor(), m.id());
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<Long> count() { return Future.succeededFuture(total); }

  @Override
  public Future<Void> close() { return Future.succeededFuture(); }
}
