package io.sipgw.auth;

import java.util.Map;

/**
 * A user's stored secrets: the HA1 of each algorithm it has one for, and HA1B (MD5 of
 * {@code user@domain:domain:password}) for clients that send {@code user@domain} as their username.
 * Never a password.
 */
public record Credentials(String user, String domain, Map<DigestAlgorithm, String> ha1, String ha1b) {
  public Credentials {
    ha1 = Map.copyOf(ha1);
  }
}
