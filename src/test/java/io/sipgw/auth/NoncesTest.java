package io.sipgw.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NoncesTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final Nonces nonces = new Nonces("a secret of this cluster".getBytes(StandardCharsets.UTF_8), 300_000, now::get);

  @Test
  void aNonceIsValidForItsRealmUntilItsLifetimeEndsThenStale() {
    String n = nonces.create("localhost");
    assertEquals(Nonces.Check.VALID, nonces.check(n, "localhost"));
    assertEquals(Nonces.Check.INVALID, nonces.check(n, "example.com"), "bound to its realm");
    now.addAndGet(300_000);
    assertEquals(Nonces.Check.VALID, nonces.check(n, "localhost"));
    now.addAndGet(1);
    assertEquals(Nonces.Check.STALE, nonces.check(n, "localhost"));
  }

  @Test
  void anotherSecretOrATamperedNonceIsInvalidAndTwoNoncesDiffer() {
    String n = nonces.create("localhost");
    Nonces other = new Nonces("another secret, another cluster".getBytes(StandardCharsets.UTF_8), 300_000, now::get);
    assertEquals(Nonces.Check.INVALID, other.check(n, "localhost"));
    String later = Long.toHexString(now.get() + 1_000_000);
    String forged = "0".repeat(16 - later.length()) + later + n.substring(16);
    assertEquals(Nonces.Check.INVALID, nonces.check(forged, "localhost"), "the time cannot be moved");
    assertEquals(Nonces.Check.INVALID, nonces.check("abc", "localhost"));
    assertNotEquals(n, nonces.create("localhost"));
    Nonces sameSecret = new Nonces("a secret of this cluster".getBytes(StandardCharsets.UTF_8), 300_000, now::get);
    assertEquals(Nonces.Check.VALID, sameSecret.check(n, "localhost"), "any node with the secret checks it");
  }

  @Test
  void aNonceCountIsAcceptedOnceAndOnlyRising() {
    String n = nonces.create("localhost");
    assertTrue(nonces.freshCount(n, 1));
    assertFalse(nonces.freshCount(n, 1), "replayed");
    assertTrue(nonces.freshCount(n, 3));
    assertFalse(nonces.freshCount(n, 2), "below one seen");
  }
}
