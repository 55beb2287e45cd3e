package io.sipgw.xcap;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** XCAP documents in this node's memory, lost at a restart; one lock for all. */
public final class MemoryXcapStore implements XcapStore {
  private final Map<DocumentKey, XcapDocument> documents = new HashMap<>();
  private final Map<String, String> services = new HashMap<>();

  @Override
  public synchronized Future<XcapDocument> get(DocumentKey key) { return Future.succeededFuture(documents.get(key)); }

  @Override
  public synchronized Future<Boolean> put(DocumentKey key, XcapDocument doc, String expected) {
    if (!matches(documents.get(key), expected)) return Future.succeededFuture(false);
    documents.put(key, doc);
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Boolean> delete(DocumentKey key, String expected) {
    XcapDocument had = documents.get(key);
    if (had == null || !matches(had, expected)) return Future.succeededFuture(false);
    documents.remove(key);
    return Future.succeededFuture(true);
  }

  static boolean matches(XcapDocument stored, String expected) {
    if (expected == null) return true;
    return expected.isEmpty() ? stored == null : stored != null && stored.etag().equals(expected);
  }

  @Override
  public synchronized Future<String> serviceOwner(String serviceUri) { return Future.succeededFuture(services.get(serviceUri)); }

  @Override
  public synchronized Future<Set<String>> servicesOf(String owner) {
    Set<String> out = new java.util.TreeSet<>();
    services.forEach((uri, o) -> {
      if (o.equals(owner)) out.add(uri);
    });
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<Void> ownServices(String owner, Set<String> uris) {
    for (String uri : uris) {
      String o = services.get(uri);
      if (o != null && !o.equals(owner)) return Future.failedFuture(new ServiceTaken(uri));
    }
    services.values().removeIf(owner::equals);
    for (String uri : uris) services.put(uri, owner);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() { return Future.succeededFuture(); }
}
