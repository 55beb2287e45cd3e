package io.sipgw.nat;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.sip.SipParseException;
import io.sipgw.sip.Via;
import io.sipgw.store.Binding;
import java.util.List;
import org.junit.jupiter.api.Test;

/** nathelper-style detection: a private or .invalid Contact that is not where the request came from; a Via that is not. */
class NatDetectionTest {
  @Test
  void privateRangesOfRfc1918AndRfc6598AreRecognised() {
    for (String h : new String[] {"10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.20", "100.64.0.1", "[fd00::1]", "fe80::1", "FD00::2"}) {
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

  @Test
  void aViaSentByThatIsTheSourceIsNotBehindNat() throws SipParseException {
    assertFalse(NatDetection.viaBehindNat(via("SIP/2.0/UDP 203.0.113.9:5070;branch=z9hG4bK1"), "203.0.113.9", 5070));
    assertFalse(NatDetection.viaBehindNat(via("SIP/2.0/UDP 203.0.113.9;branch=z9hG4bK1"), "203.0.113.9", 5060), "no port: 5060");
    assertFalse(NatDetection.viaBehindNat(via("SIP/2.0/TLS 203.0.113.9;branch=z9hG4bK1"), "203.0.113.9", 5061), "no port over TLS: 5061");
    assertFalse(NatDetection.viaBehindNat(via("SIP/2.0/UDP [2001:db8:0:0::1]:5060;branch=z9hG4bK1"), "2001:db8::1", 5060),
        "the same IPv6 address written otherwise");
  }

  @Test
  void aViaSentByFromAnotherAddressOrPortIsBehindNat() throws SipParseException {
    // RFC 3581 §4: the address differs (nathelper flag 2) ...
    assertTrue(NatDetection.viaBehindNat(via("SIP/2.0/UDP 192.168.1.20:5060;rport;branch=z9hG4bK1"), "203.0.113.9", 5060));
    // ... or only the port: a NAT that keeps the address but maps the port (flag 16)
    assertTrue(NatDetection.viaBehindNat(via("SIP/2.0/UDP 203.0.113.9:5060;rport;branch=z9hG4bK1"), "203.0.113.9", 34012));
    assertTrue(NatDetection.viaBehindNat(via("SIP/2.0/UDP 203.0.113.9;branch=z9hG4bK1"), "203.0.113.9", 5070), "no port is 5060");
    assertTrue(NatDetection.viaBehindNat(via("SIP/2.0/UDP phone.example.com:5060;branch=z9hG4bK1"), "203.0.113.9", 5060),
        "a host name is not compared by DNS");
  }

  @Test
  void onlyUdpBindingsStraightFromBehindNatNeedKeepalives() {
    assertTrue(NatDetection.needsKeepalive(binding("sip:bob@10.0.0.5:5060", "udp", List.of(), false)), "private Contact");
    assertTrue(NatDetection.needsKeepalive(binding("sip:bob@203.0.113.9:5060", "udp", List.of(), true)), "Via says NAT");
    assertFalse(NatDetection.needsKeepalive(binding("sip:bob@203.0.113.9:5060", "udp", List.of(), false)), "public, as sent");
    assertFalse(NatDetection.needsKeepalive(binding("sip:bob@10.0.0.5:5060", "tcp", List.of(), true)), "a connection has its own keep-alive");
    assertFalse(NatDetection.needsKeepalive(binding("sip:bob@10.0.0.5:5060", "udp", List.of("<sip:edge.example.com;lr>"), true)),
        "behind an edge proxy (Path)");
  }

  /** A binding registered over {@code transport}; {@code viaBehindNat}: its REGISTER's Via showed a NAT. */
  static Binding binding(String contact, String transport, List<String> path, boolean viaBehindNat) {
    return new Binding("bob@example.com", contact, Long.MAX_VALUE, 1f, "c1", 1,
        new Binding.Source(transport, transport + ":127.0.0.1:5060", "203.0.113.9", 5060, 0, viaBehindNat), path, null, 0, null);
  }

  private static Via via(String value) throws SipParseException { return Via.parseFirst(value); }
}
