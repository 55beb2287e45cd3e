package io.sipgw.transport;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A flow token (RFC 5626 §5.2): the user part this node puts in its Record-Route or Path URI to name
 * one of its connections, so a request that comes back along that route goes out on that very
 * connection. It names the connection id and carries an HMAC under a key of this process, so a token
 * that was tampered with, or made by another run, names nothing.
 */
public final class FlowToken {
  private static final String PREFIX = "ft-";
  private static final int MAC_HEX = 16;
  private static final byte[] KEY = new byte[20];
  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(FlowToken::newMac);

  static {
    new SecureRandom().nextBytes(KEY);
  }

  private FlowToken() { }

  /** The token for a connection's flow. */
  public static String of(Flow flow) {
    String id = Long.toHexString(flow.connectionId());
    return PREFIX + id + "-" + mac(id);
  }

  /** Whether a URI user part has the form of a flow token (of any run). */
  public static boolean looksLike(String user) { return user != null && user.startsWith(PREFIX); }

  /** The connection id a token names, or -1 when it is not a genuine token of this process. */
  public static long connectionId(String user) {
    if (!looksLike(user)) return -1;
    int dash = user.indexOf('-', PREFIX.length());
    if (dash < 0 || user.length() - dash - 1 != MAC_HEX) return -1;
    String id = user.substring(PREFIX.length(), dash);
    if (!constantTimeEquals(mac(id), user.substring(dash + 1))) return -1;
    try {
      return Long.parseUnsignedLong(id, 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String mac(String id) {
    byte[] h = MAC.get().doFinal(id.getBytes(StandardCharsets.US_ASCII));
    StringBuilder sb = new StringBuilder(MAC_HEX);
    for (int i = 0; i < MAC_HEX / 2; i++) sb.append(Character.forDigit((h[i] >> 4) & 0xf, 16)).append(Character.forDigit(h[i] & 0xf, 16));
    return sb.toString();
  }

  private static boolean constantTimeEquals(String a, String b) {
    if (a.length() != b.length()) return false;
    int diff = 0;
    for (int i = 0; i < a.length(); i++) diff |= a.charAt(i) ^ b.charAt(i);
    return diff == 0;
  }

  private static Mac newMac() {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(KEY, "HmacSHA256"));
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
