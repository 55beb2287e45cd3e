package io.sipgw.auth;

import io.sipgw.sip.Hex;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Nonces that carry their own time and are bound to a server secret, so that any node with the same
 * secret checks them without shared state (as Kamailio's auth module makes them): 16 hex digits of
 * the creation time (ms), 16 of randomness and 32 of an HMAC-SHA256 over both and the realm. A nonce
 * whose HMAC holds but whose lifetime has passed is stale (RFC 2617 §3.2.1: the client may retry at
 * once with the new nonce, without asking its user). The nonce-counts seen per nonce are kept, so a
 * request replayed with a count already used is refused (RFC 2617 §3.2.2).
 */
public final class Nonces {
  /** What a nonce is to this server. */
  public enum Check { VALID, STALE, INVALID }

  private static final int SWEEP_EVERY = 10_000;

  private final LongSupplier clock;
  private final long ttlMillis;
  private final SecureRandom random = new SecureRandom();
  private final Hex.Hmac mac;
  private final Map<String, Long> counts = new ConcurrentHashMap<>();
  private final AtomicInteger sinceSweep = new AtomicInteger();

  public Nonces(byte[] secret, long ttlMillis, LongSupplier clock) {
    this.ttlMillis = ttlMillis;
    this.clock = clock;
    this.mac = new Hex.Hmac(secret);
  }

  /** A fresh nonce for {@code realm}. */
  public String create(String realm) {
    String body = String.format("%016x%016x", clock.getAsLong(), random.nextLong());
    return body + sign(body, realm);
  }

  public Check check(String nonce, String realm) {
    if (nonce == null || nonce.length() != 64) return Check.INVALID;
    String body = nonce.substring(0, 32);
    if (!Hex.constantTimeEquals(sign(body, realm), nonce.substring(32))) return Check.INVALID;
    long created;
    try {
      created = Long.parseUnsignedLong(body.substring(0, 16), 16);
    } catch (NumberFormatException e) {
      return Check.INVALID;
    }
    long age = clock.getAsLong() - created;
    return age < 0 || age > ttlMillis ? Check.STALE : Check.VALID;
  }

  /** Whether {@code nc} is above every count seen with {@code nonce} so far; notes it. */
  public boolean freshCount(String nonce, long nc) {
    if (sinceSweep.incrementAndGet() >= SWEEP_EVERY) {
      sinceSweep.set(0);
      long now = clock.getAsLong();
      counts.keySet().removeIf(n -> now - Long.parseUnsignedLong(n.substring(0, 16), 16) > ttlMillis);
    }
    boolean[] fresh = {false};
    counts.compute(nonce, (k, last) -> {
      if (last != null && nc <= last) return last;
      fresh[0] = true;
      return nc;
    });
    return fresh[0];
  }

  private String sign(String body, String realm) { return mac.hex(body + ":" + realm, 16); }
}
