package io.sipgw.presence;

import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * What the presence server reads of the documents users keep on the XCAP server: their presence
 * authorization rules (RFC 5025) and their resource-list services (RFC 4826 §4). Asynchronous; a
 * capability of its own implements it (the XCAP server's store).
 */
public interface UserDocuments {
  /** A member of a resource list: its URI and display name (null when it has none). */
  record Member(String uri, String name) { }

  /** The pres-rules document of {@code user} ({@code user@domain}), or null. */
  Future<byte[]> presRules(String user);

  /**
   * The members of the resource-list service {@code serviceAor} ({@code user@domain}), its lists
   * flattened and each URI once, in document order; null when there is no such service.
   */
  Future<List<Member>> listMembers(String serviceAor);

  /** The service URIs ({@code user@domain}) whose rls-services document is {@code owner}'s. */
  Future<Set<String>> servicesOf(String owner);

  /** No documents at all. */
  UserDocuments NONE = new UserDocuments() {
    @Override
    public Future<byte[]> presRules(String user) { return Future.succeededFuture(); }

    @Override
    public Future<List<Member>> listMembers(String serviceAor) { return Future.succeededFuture(); }

    @Override
    public Future<Set<String>> servicesOf(String owner) { return Future.succeededFuture(Set.of()); }
  };
}
