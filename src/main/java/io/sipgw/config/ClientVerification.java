package io.sipgw.config;

import java.util.Locale;

/** Whether a TLS listener asks connecting clients for a certificate ({@code tls.verifyClient}). */
public enum ClientVerification {
  /** No client certificate is asked for. */
  NONE,
  /** A client certificate is asked for and checked against {@code tls.clientCa} when given; none is fine. */
  REQUEST,
  /** A client without a certificate signed by {@code tls.clientCa} is refused in the handshake. */
  REQUIRE;

  /** The config value, e.g. {@code require}. */
  public String configName() { return name().toLowerCase(Locale.ROOT); }

  static ClientVerification parse(String s) {
    for (ClientVerification v : values()) if (v.configName().equals(s)) return v;
    return null;
  }
}
