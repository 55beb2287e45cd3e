package io.sipgw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostAndPortTest {

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "255.255.255.255", "::", "::1", "1::", "2001:db8::1", "fe80::1:2:3:4:5",
      "1:2:3:4:5:6:7:8", "::ffff:192.0.2.1", "1:2:3:4:5:6:1.2.3.4", "[::1]", "localhost", "sip.example.com",
      "a-b.example", "1example.com", "x"})
  void validHosts(String host) { assertTrue(HostAndPort.isHost(host), host); }

  @ParameterizedTest
  @ValueSource(strings = {"", "256.1.1.1", "1.2.3", "1.2.3.4.5", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3",
      "g::1", ":1", "1:", "1:2:3:4:5:6:7", "::1%eth0", "[::1", "-a.example", "a-.example", "a..b", "a b", "a_b.example",
      "example.com.", "12345", "1.2.3.4.5.6", "١٢٣::1"})
  void invalidHosts(String host) { assertFalse(HostAndPort.isHost(host), host); }

  @Test
  void parsesTheAdvertiseForms() {
    assertEquals(new HostAndPort("203.0.113.7", 5060), HostAndPort.parse("203.0.113.7:5060"));
    assertEquals(new HostAndPort("203.0.113.7", HostAndPort.NO_PORT), HostAndPort.parse("203.0.113.7"));
    assertEquals(new HostAndPort("2001:db8::1", 5061), HostAndPort.parse("[2001:DB8::1]:5061"));
    assertEquals(new HostAndPort("2001:db8::1", HostAndPort.NO_PORT), HostAndPort.parse("[2001:db8::1]"));
    assertEquals(new HostAndPort("2001:db8::1", HostAndPort.NO_PORT), HostAndPort.parse("2001:db8::1"));
    assertEquals(new HostAndPort("sip.example.com", 65535), HostAndPort.parse(" sip.example.com:65535 "));
  }

  @Test
  void rejectsBadPorts() {
    assertThrows(IllegalArgumentException.class, () -> HostAndPort.parse("h:"));
    assertThrows(IllegalArgumentException.class, () -> HostAndPort.parse("h:65536"));
    assertThrows(IllegalArgumentException.class, () -> HostAndPort.parse("[::1]5060"));
    assertThrows(IllegalArgumentException.class, () -> HostAndPort.parse("[::1]:+50"));
  }

  @Test
  void uriHostBracketsIpv6() {
    assertEquals("[::1]", HostAndPort.uriHost("::1"));
    assertEquals("10.0.0.1", HostAndPort.uriHost("10.0.0.1"));
  }
}
