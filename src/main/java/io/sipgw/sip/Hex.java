package io.sipgw.sip;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Lowercase hex for digests and signed tokens (flow tokens, nonces, digest responses), a comparison
 * that takes the same time wherever the first difference is, and HMAC-SHA256 under a key.
 */
public final class Hex {
  private Hex() { }

  /** The first {@code bytes} bytes of {@code b} (all when it has fewer) as lowercase hex. */
  public static String of(byte[] b, int bytes) {
    int n = Math.min(bytes, b.length);
    StringBuilder sb = new StringBuilder(n * 2);
    for (int i = 0; i < n; i++) sb.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append(Character.forDigit(b[i] & 0xf, 16));
    return sb.toString();
  }

  public static String of(byte[] b) { return of(b, b.length); }

  /** Whether {@code a} and {@code b} are equal, in a time that does not tell where they differ. */
  public static boolean constantTimeEquals(String a, String b) {
    if (a.length() != b.length()) return false;
    int diff = 0;
    for (int i = 0; i < a.length(); i++) diff |= a.charAt(i) ^ b.charAt(i);
    return diff == 0;
  }

  /** HMAC-SHA256 under {@code key}, one {@link Mac} per thread. */
  public static final class Hmac {
    private final ThreadLocal<Mac> mac;

    public Hmac(byte[] key) {
      byte[] k = key.clone();
      this.mac = ThreadLocal.withInitial(() -> {
        try {
          Mac m = Mac.getInstance("HmacSHA256");
          m.init(new SecretKeySpec(k, "HmacSHA256"));
          return m;
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("HmacSHA256 is not available", e);
        }
      });
    }

    /** The first {@code bytes} bytes of the MAC of {@code text} (UTF-8), as hex. */
    public String hex(String text, int bytes) { return of(mac.get().doFinal(text.getBytes(StandardCharsets.UTF_8)), bytes); }
  }
}
