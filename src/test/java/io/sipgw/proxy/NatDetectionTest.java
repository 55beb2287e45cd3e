package io.sipgw.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** nathelper-style detection: a private or .invalid Contact that is not where the request came from. */
class NatDetectionTest {
  @Test
  void privateRangesOfRfc1918AndRfc6598AreRecognised() {
    for (String h : new String[] {"10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.20", "100.64.0.1", "[fd00::1]", "fe80::1"}) {
      assertTrue(NatDetection.isPrivate(h), h);
    }
    for (String h : new String[] {"172.15.0.1", "172.32.0.1", "192.169.0.1", "100.128.0.1", "203.0.113.9", "127.0.0.1", "2001:db8::1"}) {
      assertFalse(NatDetection.isPrivate(h), h);
    }
  }

  @Test
  void aPrivateContactFromAnotherAddressIsBehindNat() {
    assertTrue(NatDetection.behindNat("192.168.1.20", "203.0.113.9"));
    assertFalse(NatDetection.behindNat("192.168.1.20", "192.168.1.20"), "same address: reachable as written");
    assertFalse(NatDetection.behindNat("203.0.113.10", "203.0.113.9"), "a public contact is used as written");
  }

  @Test
  void aWebRtcStyleInvalidHostIsBehindNat() {
    assertTrue(NatDetection.behindNat("df7jal23ls0d.invalid", "127.0.0.1"));
  }
}
