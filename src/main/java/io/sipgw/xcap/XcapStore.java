package io.sipgw.xcap;

import io.vertx.core.Future;

/**
 * Where XCAP documents live (RFC 4825): in memory ({@link MemoryXcapStore}, the default) or in Redis
 * ({@link RedisXcapStore}, shared by the nodes of a cluster). A document is named by its
 * {@link DocumentKey}. Writes are conditional on the entity tag the writer read, so that two writers
 * (on one node or two) never lose each other's change without a 412. Asynchronous and thread-safe.
 */
public interface XcapStore {
  /** The document, or null. */
  Future<XcapDocument> get(DocumentKey key);

  /**
   * Stores {@code doc} if the stored one still has entity tag {@code expected} (null: whatever is
   * there, if anything; {@code ""}: only if there is none); false when it had not.
   */
  Future<Boolean> put(DocumentKey key, XcapDocument doc, String expected);

  /** Removes the document if its entity tag is {@code expected} (null: whatever it is); false when not removed. */
  Future<Boolean> delete(DocumentKey key, String expected);

  /** The service URIs {@code owner}'s rls-services document has. */
  Future<java.util.Set<String>> servicesOf(String owner);

  /** Who owns the resource-list service of this URI ({@code user@domain}, RFC 4826 §4.4.8), or null. */
  Future<String> serviceOwner(String serviceUri);

  /**
   * Makes {@code owner} the owner of exactly {@code uris} among the services it had; fails with
   * {@link ServiceTaken} naming a URI another user owns, changing nothing.
   */
  Future<Void> ownServices(String owner, java.util.Set<String> uris);

  Future<Void> close();

  /** A service URI that another user's rls-services document has. */
  final class ServiceTaken extends Exception {
    private final String uri;

    public ServiceTaken(String uri) {
      super("the service " + uri + " is another user's", null, false, false);
      this.uri = uri;
    }

    public String uri() { return uri; }
  }
}
