package io.sipgw.presence;

/**
 * One live publication of a presentity (RFC 3903): its entity-tag, when it expires (epoch
 * milliseconds), when its state was published (created, or last modified: the order of the
 * presentity's document, where the latest state comes last and wins a tuple id two publications
 * share) and its PIDF body.
 */
public record Publication(String entity, String etag, long expires, long published, byte[] body) {
  /**
   * This publication under a new entity-tag and expiry: refreshed ({@code newBody} null), it keeps its
   * state and its place; modified, it has {@code newBody} published at {@code now}.
   */
  public Publication with(String newEtag, long newExpires, byte[] newBody, long now) {
    return newBody == null ? new Publication(entity, newEtag, newExpires, published, body)
        : new Publication(entity, newEtag, newExpires, now, newBody);
  }
}
