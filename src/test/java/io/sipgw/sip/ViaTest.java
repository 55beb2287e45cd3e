package io.sipgw.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Via header (RFC 3261 §20.42, §25.1 via-parm) as {@link Via} reads it. */
class ViaTest {

  private static String refused(String value) {
    return assertThrows(SipParseException.class, () -> Via.parseList(value)).reason();
  }

  @Test
  void sentProtocolSentByAndParams() throws Exception {
    Via v = Via.parseFirst("SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1");
    assertEquals("SIP/2.0", v.protocol());
    assertEquals("UDP", v.transportName());
    assertEquals(Transport.UDP, v.transport());
    assertEquals("pc33.atlanta.com", v.host());
    assertEquals(5066, v.port());
    assertEquals("z9hG4bK776asdhds", v.branch());
    assertEquals("192.0.2.1", v.received());
    assertEquals("SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1", v.toString());
  }

  @Test
  void noPortIsMinusOne() throws Exception {
    assertEquals(-1, Via.parseFirst("SIP/2.0/TCP example.com;branch=z9hG4bK1").port());
  }

  @Test
  void lwsAroundSlashSemicolonAndEquals() throws Exception {
    Via v = Via.parseFirst("SIP / 2.0 / TLS  host.example.com : 5061 ; branch = z9hG4bKx ; rport");
    assertEquals("SIP/2.0", v.protocol());
    assertEquals("TLS", v.transportName());
    assertEquals("host.example.com", v.host());
    assertEquals(5061, v.port());
    assertEquals("z9hG4bKx", v.branch());
    assertTrue(v.hasRport());
    assertEquals("SIP / 2.0 / TLS  host.example.com : 5061 ; branch = z9hG4bKx ; rport", v.toString());
  }

  @Test
  void unknownTransportIsKeptByName() throws Exception {
    Via v = Via.parseFirst("SIP/2.0/FOO example.com");
    assertEquals("FOO", v.transportName());
    assertNull(v.transport());
  }

  @Test
  void ipv6SentBy() throws Exception {
    Via v = Via.parseFirst("SIP/2.0/UDP [2001:db8::9:1]:5070;branch=z9hG4bKas3");
    assertEquals("[2001:db8::9:1]", v.host());
    assertEquals(5070, v.port());
  }

  @Test
  void receivedWithBareIpv6() throws Exception {
    Via v = Via.parseFirst("SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3;received=2001:db8::9:255");
    assertEquals("2001:db8::9:255", v.received());
    assertEquals("z9hG4bKas3", v.branch());
  }

  @Test
  void receivedWithBracketedIpv6() throws Exception {
    Via v = Via.parseFirst("SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3");
    assertEquals("[2001:db8::9:255]", v.received());
  }

  @Test
  void rportFlagHasNoValue() throws Exception {
    Via v = Via.parseFirst("SIP/2.0/UDP h;rport;branch=z9hG4bK1");
    assertTrue(v.hasRport());
    assertEquals(-1, v.rport());
  }

  @Test
  void rportWithValue() throws Exception {
    Via v = Via.parseFirst("SIP/2.0/UDP h;branch=z9hG4bK1;rport=5070");
    assertTrue(v.hasRport());
    assertEquals(5070, v.rport());
  }

  @Test
  void noRport() throws Exception {
    Via v = Via.parseFirst("SIP/2.0/UDP h;branch=z9hG4bK1");
    assertFalse(v.hasRport());
    assertEquals(-1, v.rport());
  }

  @Test
  void withParamFillsRportFlagAndAddsReceivedKeepingTheRest() throws Exception {
    Via v = Via.parseFirst("SIP/2.0/UDP h.example.com:5060;rport;branch=z9hG4bK1;x=y");
    Via w = v.withParam("rport", "6000").withParam("received", "192.0.2.7");
    assertEquals("SIP/2.0/UDP h.example.com:5060;rport=6000;branch=z9hG4bK1;x=y;received=192.0.2.7", w.toString());
    assertEquals(6000, w.rport());
    assertEquals("192.0.2.7", w.received());
    assertEquals("z9hG4bK1", w.branch());
    assertEquals("SIP/2.0/UDP h.example.com:5060;rport;branch=z9hG4bK1;x=y", v.toString());
  }

  @Test
  void rfc3261BranchNeedsTheCookieAndMore() throws Exception {
    assertTrue(Via.parseFirst("SIP/2.0/UDP h;branch=z9hG4bKa").hasRfc3261Branch());
    assertFalse(Via.parseFirst("SIP/2.0/UDP h;branch=z9hG4bK").hasRfc3261Branch());
    assertFalse(Via.parseFirst("SIP/2.0/UDP h;branch=1234").hasRfc3261Branch());
    assertFalse(Via.parseFirst("SIP/2.0/UDP h").hasRfc3261Branch());
  }

  @Test
  void listOfTwoValues() throws Exception {
    List<Via> l = Via.parseList("SIP/2.0/UDP first.example.com;branch=z9hG4bK1 ,SIP/2.0/TCP [::1]:5062;branch=z9hG4bK2");
    assertEquals(2, l.size());
    assertEquals("first.example.com", l.get(0).host());
    assertEquals("SIP/2.0/UDP first.example.com;branch=z9hG4bK1", l.get(0).toString());
    assertEquals("[::1]", l.get(1).host());
    assertEquals(5062, l.get(1).port());
  }

  @Test
  void parseFirstReadsOnlyTheFirstValue() throws Exception {
    Via v = Via.parseFirst("SIP/2.0/UDP a;branch=z9hG4bK1, this is not read");
    assertEquals("a", v.host());
  }

  @Test
  void parseFirstRefusesGarbageAfterTheValue() {
    SipParseException e = assertThrows(SipParseException.class, () -> Via.parseFirst("SIP/2.0/UDP a;branch=z9hG4bK1 junk"));
    assertEquals("malformed Via: unexpected 'j'", e.reason());
  }

  @Test
  void protocolOtherThanSipIsRefused() {
    assertEquals("malformed Via: protocol is not SIP", refused("HTTP/1.1/TCP h"));
  }

  @Test
  void missingTransportIsRefused() {
    assertEquals("malformed Via: '/' expected", refused("SIP/2.0 h"));
  }

  @Test
  void missingHostIsRefused() {
    assertEquals("malformed Via: host expected", refused("SIP/2.0/UDP ;branch=z9hG4bK1"));
  }

  @Test
  void badPortsAreRefused() {
    assertEquals("malformed Via: bad port", refused("SIP/2.0/UDP h:;branch=z9hG4bK1"));
    assertEquals("malformed Via: bad port", refused("SIP/2.0/UDP h:123456"));
    assertEquals("malformed Via: port out of range", refused("SIP/2.0/UDP h:65536"));
  }

  @Test
  void paramWithoutValueAfterEqualsIsRefused() {
    assertEquals("malformed Via: value of parameter branch expected", refused("SIP/2.0/UDP h;branch="));
  }

  @Test
  void ofBuildsAValueWithBracketedIpv6() {
    Via v = Via.of(Transport.TCP, "2001:db8::1", 5060, "z9hG4bKabc");
    assertEquals("SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bKabc", v.toString());
    assertEquals("[2001:db8::1]", v.host());
    assertEquals("z9hG4bKabc", v.branch());
  }
}
