package io.sipgw.presence;

/**
 * One live publication of a presentity (RFC 3903): its entity-tag, when it expires (epoch
 * milliseconds), when it was first published (the order of the presentity's document) and its PIDF body.
 */
public record Publication(String entity, String etag, long expires, long published, byte[] body) {
  public Publication with(String newEtag, long newExpires, byte[] newBody) {
    return new Publication(entity, newEtag, newExpires, published, newBody == null ? body : newBody);
  }
}
