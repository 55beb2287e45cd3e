package io.sipgw.transport;

import io.sipgw.sip.Hex;
import java.security.SecureRandom;

/**
 * A flow token (RFC 5626 §5.2): the user part this node puts in its Record-Route or Path URI to name
 * one of its connections, so a request that comes back along that route goes out on that very
 * connection. It names the connection id and carries an HMAC under a key of this process, so a token
 * that was tampered with, or made by another run, names nothing.
 */
public final class FlowToken {
  private static final String PREFIX = "ft-";
  private static final int MAC_HEX = 16;
  private static final Hex.Hmac MAC = new Hex.Hmac(randomKey());

  private static byte[] randomKey() {
    byte[] key = new byte[20];
    new SecureRandom().nextBytes(key);
    return key;
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
    if (!Hex.constantTimeEquals(mac(id), user.substring(dash + 1))) return -1;
    try {
      return Long.parseUnsignedLong(id, 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String mac(String id) { return MAC.hex(id, MAC_HEX / 2); }
}
