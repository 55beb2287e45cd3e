package io.sipgw.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** IP literals (§25.1 host) and the canonical IPv6 text of RFC 5952. */
class HostsTest {

  @Test
  void ipv4() {
    assertTrue(Hosts.isIpv4("192.0.2.1"));
    assertTrue(Hosts.isIpv4("0.0.0.0"));
    assertTrue(Hosts.isIpv4("255.255.255.255"));
  }

  @Test
  void notIpv4() {
    assertFalse(Hosts.isIpv4("256.0.0.1"));
    assertFalse(Hosts.isIpv4("1.2.3"));
    assertFalse(Hosts.isIpv4("1.2.3.4.5"));
    assertFalse(Hosts.isIpv4("1..3.4"));
    assertFalse(Hosts.isIpv4("1.2.3.4."));
    assertFalse(Hosts.isIpv4("example.com"));
    assertFalse(Hosts.isIpv4(""));
  }

  @Test
  void ipv6() {
    assertTrue(Hosts.isIpv6("::1"));
    assertTrue(Hosts.isIpv6("2001:db8::1"));
    assertTrue(Hosts.isIpv6("2001:DB8:0:0:1:0:0:1"));
    assertTrue(Hosts.isIpv6("::ffff:192.0.2.1"));
  }

  @Test
  void notIpv6() {
    assertFalse(Hosts.isIpv6("[::1]"));
    assertFalse(Hosts.isIpv6("example.com"));
    assertFalse(Hosts.isIpv6("192.0.2.1"));
    assertFalse(Hosts.isIpv6("host:5060"));
    assertFalse(Hosts.isIpv6("1:2:3:4:5:6:7:8:9"));
    assertFalse(Hosts.isIpv6(""));
  }

  @Test
  void ipv6Reference() {
    assertTrue(Hosts.isIpv6Reference("[::1]"));
    assertFalse(Hosts.isIpv6Reference("::1"));
    assertFalse(Hosts.isIpv6Reference("[]"));
    assertFalse(Hosts.isIpv6Reference("[example.com]"));
  }

  @Test
  void canonicalCompressesTheLongestZeroRun() {
    assertEquals("::1", Hosts.canonicalIp("0:0:0:0:0:0:0:1"));
    assertEquals("::", Hosts.canonicalIp("0:0:0:0:0:0:0:0"));
    assertEquals("1::", Hosts.canonicalIp("1:0:0:0:0:0:0:0"));
    assertEquals("2001:db8::1", Hosts.canonicalIp("2001:0db8:0000:0000:0000:0000:0000:0001"));
    assertEquals("2001:0:0:1::1", Hosts.canonicalIp("2001:0:0:1:0:0:0:1"));
  }

  @Test
  void canonicalCompressesTheFirstOfEqualRuns() {
    // RFC 5952 §4.2.3
    assertEquals("2001:db8::1:0:0:1", Hosts.canonicalIp("2001:db8:0:0:1:0:0:1"));
  }

  @Test
  void canonicalDoesNotCompressASingleZeroGroup() {
    // RFC 5952 §4.2.2
    assertEquals("2001:db8:0:1:1:1:1:1", Hosts.canonicalIp("2001:db8:0:1:1:1:1:1"));
    assertEquals("2001:db8:0:1:1:1:1:1", Hosts.canonicalIp("2001:db8::1:1:1:1:1"));
  }

  @Test
  void canonicalIsLowerCaseWithoutLeadingZeros() {
    // RFC 5952 §4.1, §4.3
    assertEquals("2001:db8::abcd:ef", Hosts.canonicalIp("2001:DB8::ABCD:00EF"));
  }

  @Test
  void canonicalRemovesBracketsAndZone() {
    assertEquals("::1", Hosts.canonicalIp("[0::0:1]"));
    assertEquals("fe80::1", Hosts.canonicalIp("fe80:0:0::1%eth0"));
  }

  @Test
  void canonicalLeavesOtherHostsAsTheyAre() {
    assertEquals("192.0.2.1", Hosts.canonicalIp("192.0.2.1"));
    assertEquals("Example.COM", Hosts.canonicalIp("Example.COM"));
    assertEquals("::ffff:192.0.2.1", Hosts.canonicalIp("::ffff:192.0.2.1"));
  }

  @Test
  void forUriBracketsOnlyBareIpv6() {
    assertEquals("[::1]", Hosts.forUri("::1"));
    assertEquals("[::1]", Hosts.forUri("[::1]"));
    assertEquals("example.com", Hosts.forUri("example.com"));
    assertEquals("192.0.2.1", Hosts.forUri("192.0.2.1"));
  }

  @Test
  void bareRemovesBrackets() {
    assertEquals("::1", Hosts.bare("[::1]"));
    assertEquals("::1", Hosts.bare("::1"));
    assertEquals("example.com", Hosts.bare("example.com"));
  }

  @Test
  void ipv6NeedsAtMostEightGroupsOfFourHexDigitsAndOneDoubleColon() {
    org.junit.jupiter.api.Assertions.assertTrue(Hosts.isIpv6("2001:db8::1"));
    org.junit.jupiter.api.Assertions.assertTrue(Hosts.isIpv6("::ffff:192.0.2.1"));
    org.junit.jupiter.api.Assertions.assertTrue(Hosts.isIpv6("1:2:3:4:5:6:7:8"));
    for (String bad : new String[] {":::::", "a:b:c", "12345::1", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7"}) {
      org.junit.jupiter.api.Assertions.assertFalse(Hosts.isIpv6(bad), bad);
    }
  }
}
