package io.sipgw.presence;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Publications and subscriptions in this node's memory, lost at a restart; one lock for all. */
public final class MemoryPresenceStore implements PresenceStore {
  private final Map<String, Map<String, Publication>> publications = new HashMap<>();
  private final Map<String, Subscription> subscriptions = new HashMap<>();
  /** The presentities with a subscription, read without the lock. */
  private final Set<String> watched = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @Override
  public boolean mayBeWatched(String entity) { return watched.contains(entity); }

  /** Under the lock, after a subscription of {@code entity} went. */
  private void unwatchIfNone(String entity) {
    for (Subscription s : subscriptions.values()) if (s.entity().equals(entity)) return;
    watched.remove(entity);
  }

  @Override
  public synchronized Future<Publication> publication(String entity, String etag, long now) {
    Publication p = publications.getOrDefault(entity, Map.of()).get(etag);
    return Future.succeededFuture(p != null && p.expires() > now ? p : null);
  }

  @Override
  public synchronized Future<Void> put(Publication p, String replaces) {
    Map<String, Publication> mine = publications.computeIfAbsent(p.entity(), e -> new HashMap<>());
    if (replaces != null) mine.remove(replaces);
    mine.put(p.etag(), p);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Boolean> removePublication(String entity, String etag) {
    Map<String, Publication> mine = publications.get(entity);
    boolean had = mine != null && mine.remove(etag) != null;
    if (mine != null && mine.isEmpty()) publications.remove(entity);
    return Future.succeededFuture(had);
  }

  @Override
  public synchronized Future<List<Publication>> publications(String entity, long now) {
    List<Publication> live = new ArrayList<>();
    for (Publication p : publications.getOrDefault(entity, Map.of()).values()) if (p.expires() > now) live.add(p);
    live.sort(Comparator.comparingLong(Publication::published).thenComparing(Publication::etag));
    return Future.succeededFuture(live);
  }

  @Override
  public synchronized Future<Long> countSubscriptions(long now) {
    long n = 0;
    for (Subscription s : subscriptions.values()) if (s.expires() > now) n++;
    return Future.succeededFuture(n);
  }

  @Override
  public synchronized Future<Void> put(Subscription s) {
    subscriptions.put(s.id(), s);
    watched.add(s.entity());
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Subscription> subscription(String id, long now) {
    Subscription s = subscriptions.get(id);
    return Future.succeededFuture(s != null && s.expires() > now ? s : null);
  }

  @Override
  public synchronized Future<Boolean> removeSubscription(String id) {
    Subscription s = subscriptions.remove(id);
    if (s != null) unwatchIfNone(s.entity());
    return Future.succeededFuture(s != null);
  }

  @Override
  public synchronized Future<Long> nextCseq(String id) {
    Subscription s = subscriptions.get(id);
    if (s == null) return Future.succeededFuture(0L);
    subscriptions.put(id, s.withCseq(s.cseq() + 1));
    return Future.succeededFuture(s.cseq() + 1);
  }

  @Override
  public synchronized Future<List<Subscription>> watchers(String entity, long now) {
    return Future.succeededFuture(subscriptions.values().stream().filter(s -> s.entity().equals(entity) && s.expires() > now).toList());
  }

  @Override
  public synchronized Future<List<Subscription>> expiredSubscriptions(long now) {
    List<Subscription> out = new ArrayList<>();
    for (Iterator<Subscription> i = subscriptions.values().iterator(); i.hasNext(); ) {
      Subscription s = i.next();
      if (s.expires() <= now) {
        out.add(s);
        i.remove();
      }
    }
    for (Subscription s : out) unwatchIfNone(s.entity());
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<List<String>> expiredPublications(long now) {
    Set<String> entities = new LinkedHashSet<>();
    for (Iterator<Map.Entry<String, Map<String, Publication>>> i = publications.entrySet().iterator(); i.hasNext(); ) {
      Map.Entry<String, Map<String, Publication>> e = i.next();
      if (e.getValue().values().removeIf(p -> p.expires() <= now)) entities.add(e.getKey());
      if (e.getValue().isEmpty()) i.remove();
    }
    return Future.succeededFuture(List.copyOf(entities));
  }

  @Override
  public Future<Void> close() { return Future.succeededFuture(); }
}
