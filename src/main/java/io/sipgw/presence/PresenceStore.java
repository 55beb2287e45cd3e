package io.sipgw.presence;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where publications and subscriptions live: in memory ({@link MemoryPresenceStore}, the default) or
 * in Redis ({@link RedisPresenceStore}, shared by the nodes of a cluster). Asynchronous and thread-safe.
 */
public interface PresenceStore {
  /** The publication of {@code entity} with {@code etag}, if it is live at {@code now}; else null. */
  Future<Publication> publication(String entity, String etag, long now);

  /** Stores {@code p}, in place of the publication with {@code replaces} (null: a new one). */
  Future<Void> put(Publication p, String replaces);

  /** Removes a publication; true when it was there. */
  Future<Boolean> removePublication(String entity, String etag);

  /** The live publications of {@code entity}, oldest first. */
  Future<List<Publication>> publications(String entity, long now);

  Future<Void> put(Subscription s);

  /**
   * Whether {@code entity} may have watchers, from what this node knows without asking anyone, so
   * that a REGISTER of a user no one watches costs nothing. Quick and never blocking.
   */
  boolean mayBeWatched(String entity);

  /** The subscription with that id, if it is live at {@code now}; else null. */
  Future<Subscription> subscription(String id, long now);

  Future<Boolean> removeSubscription(String id);

  /**
   * The CSeq for the next NOTIFY of subscription {@code id}, counted up in the store in one step so
   * that NOTIFYs sent at once (by one node or several) never share one; 0 when the subscription is gone.
   */
  Future<Long> nextCseq(String id);

  /** How many subscriptions (watchers, of every presentity) are live at {@code now}: one command or one pass, for the operators' counts. */
  Future<Long> countSubscriptions(long now);

  /** The live subscriptions to {@code entity}. */
  Future<List<Subscription>> watchers(String entity, long now);

  /** Removes and returns the subscriptions that expired by {@code now}. */
  Future<List<Subscription>> expiredSubscriptions(long now);

  /** Removes the publications that expired by {@code now}; returns their presentities. */
  Future<List<String>> expiredPublications(long now);

  Future<Void> close();
}
