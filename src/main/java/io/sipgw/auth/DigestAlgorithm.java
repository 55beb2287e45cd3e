package io.sipgw.auth;

import io.sipgw.sip.Hex;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The digest algorithms of RFC 8760 (which adds SHA-256 and SHA-512/256 to RFC 2617's MD5), with the
 * token a challenge names them by and the key under which a credentials file keeps their HA1.
 */
public enum DigestAlgorithm {
  MD5("MD5", "MD5", "ha1"),
  SHA_256("SHA-256", "SHA-256", "ha1sha256"),
  SHA_512_256("SHA-512-256", "SHA-512/256", "ha1sha512t256");

  private final String token;
  private final String jca;
  private final String fileKey;

  DigestAlgorithm(String token, String jca, String fileKey) {
    this.token = token;
    this.jca = jca;
    this.fileKey = fileKey;
  }

  /** As in the {@code algorithm} parameter, e.g. {@code SHA-512-256}. */
  public String token() { return token; }

  /** The credentials file's key for this algorithm's HA1 ({@code ha1} for MD5). */
  public String fileKey() { return fileKey; }

  /** The algorithm a token names (case-insensitive), or null. */
  public static DigestAlgorithm of(String token) {
    if (token == null) return null;
    for (DigestAlgorithm a : values()) if (a.token.equalsIgnoreCase(token.trim())) return a;
    return null;
  }

  /** The lowercase hex digest of {@code text} (UTF-8). */
  public String hex(String text) {
    try {
      return Hex.of(MessageDigest.getInstance(jca).digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(jca + " is not available in this JVM", e);
    }
  }

  /** HA1 = H(user:realm:password) (RFC 2617 §3.2.2.2). */
  public String ha1(String user, String realm, String password) { return hex(user + ":" + realm + ":" + password); }

  @Override
  public String toString() { return token.toUpperCase(Locale.ROOT); }
}
