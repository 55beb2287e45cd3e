package io.sipgw.auth;

import io.vertx.core.Future;

/** Where the credentials of local users are kept: a file read into memory, or Redis. */
public interface CredentialStore {
  /** The credentials of {@code user} in {@code domain}; null when there are none. */
  Future<Credentials> find(String user, String domain);

  Future<Void> close();
}
