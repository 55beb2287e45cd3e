package io.sipgw.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RFC 3261 §19.1 and §25.1 SIP-URI / SIPS-URI as {@link SipUri#parse} reads them. */
class SipUriTest {

  private static String refused(String text) {
    return assertThrows(SipParseException.class, () -> SipUri.parse(text)).reason();
  }

  @Test
  void sipUriWithUserHostPortParamsAndHeaders() throws Exception {
    SipUri u = SipUri.parse("sip:alice@atlanta.example.com:5070;transport=tcp;lr?subject=project&priority=urgent");
    assertEquals("sip", u.scheme());
    assertTrue(u.isSip());
    assertFalse(u.isSecure());
    assertEquals("alice", u.user());
    assertNull(u.password());
    assertEquals("atlanta.example.com", u.host());
    assertEquals(5070, u.port());
    assertEquals("tcp", u.param("transport"));
    assertEquals(Transport.TCP, u.transport());
    assertTrue(u.isLooseRouter());
    assertEquals(2, u.params().size());
    assertEquals("subject=project&priority=urgent", u.headers());
    assertEquals("sip:alice@atlanta.example.com:5070;transport=tcp;lr?subject=project&priority=urgent", u.toString());
  }

  @Test
  void hostOnlyHasNoUserAndNoPort() throws Exception {
    SipUri u = SipUri.parse("sip:example.com");
    assertNull(u.user());
    assertEquals("example.com", u.host());
    assertEquals(-1, u.port());
    assertEquals(0, u.params().size());
    assertNull(u.headers());
  }

  @Test
  void sipsIsSecureAndSchemeIsLowerCased() throws Exception {
    SipUri u = SipUri.parse("SIPS:bob@biloxi.example.com");
    assertEquals("sips", u.scheme());
    assertTrue(u.isSip());
    assertTrue(u.isSecure());
    assertEquals("SIPS:bob@biloxi.example.com", u.toString());
  }

  @Test
  void telUriIsKeptOpaque() throws Exception {
    SipUri u = SipUri.parse("tel:+1-201-555-0123;phone-context=example.com");
    assertEquals("tel", u.scheme());
    assertFalse(u.isSip());
    assertNull(u.host());
    assertNull(u.user());
    assertEquals(-1, u.port());
    assertEquals("tel:+1-201-555-0123;phone-context=example.com", u.toString());
    assertEquals("", u.aor());
  }

  @Test
  void unknownSchemeIsKeptOpaque() throws Exception {
    SipUri u = SipUri.parse("urn:service:sos");
    assertEquals("urn", u.scheme());
    assertFalse(u.isSip());
    assertEquals("urn:service:sos", u.toString());
  }

  @Test
  void emptyNonSipUriIsRefused() {
    assertEquals("malformed URI: empty tel URI", refused("tel:"));
  }

  @Test
  void missingSchemeIsRefused() {
    assertEquals("malformed URI: no scheme in 'alice.example.com'", refused("alice.example.com"));
    assertEquals("malformed URI: no scheme in ':x'", refused(":x"));
  }

  @Test
  void schemeStartingWithDigitIsRefused() {
    assertEquals("malformed URI: bad scheme in '9ip:x'", refused("9ip:x"));
  }

  @Test
  void userWithSemicolonAndQuestionMarkBeforeTheAt() throws Exception {
    // user-unreserved (§25.1) includes ';' and '?': they are the user's, not params or headers.
    SipUri u = SipUri.parse("sip:user;par=u%40example.net?x=1@example.com;lr");
    assertEquals("user;par=u%40example.net?x=1", u.user());
    assertEquals("example.com", u.host());
    assertTrue(u.isLooseRouter());
    assertNull(u.headers());
  }

  @Test
  void lastAtSeparatesUserFromHost() throws Exception {
    SipUri u = SipUri.parse("sip:a@b@example.com");
    assertEquals("a@b", u.user());
    assertEquals("example.com", u.host());
  }

  @Test
  void passwordIsSplitFromUser() throws Exception {
    SipUri u = SipUri.parse("sip:alice:secretword@atlanta.com;transport=tcp");
    assertEquals("alice", u.user());
    assertEquals("secretword", u.password());
    assertEquals("atlanta.com", u.host());
  }

  @Test
  void emptyUserIsRefused() {
    assertEquals("malformed URI: empty user part in 'sip:@example.com'", refused("sip:@example.com"));
    assertEquals("malformed URI: empty user part in 'sip::pw@example.com'", refused("sip::pw@example.com"));
  }

  @Test
  void ipv6HostWithPort() throws Exception {
    SipUri u = SipUri.parse("sip:[::1]:5060");
    assertEquals("[::1]", u.host());
    assertEquals(5060, u.port());
  }

  @Test
  void ipv6HostWithUserAndParams() throws Exception {
    SipUri u = SipUri.parse("sip:bob@[2001:db8::10]:5070;transport=udp");
    assertEquals("bob", u.user());
    assertEquals("[2001:db8::10]", u.host());
    assertEquals(5070, u.port());
    assertEquals("udp", u.param("transport"));
  }

  @Test
  void unterminatedIpv6ReferenceIsRefused() {
    assertEquals("malformed URI: unterminated IPv6 reference", refused("sip:[::1"));
  }

  @Test
  void ipv6ReferenceWithNonHexIsRefused() {
    assertEquals("malformed URI: bad IPv6 reference", refused("sip:[::g]"));
  }

  @Test
  void ipv4HostWithPort() throws Exception {
    SipUri u = SipUri.parse("sip:192.0.2.4:5061");
    assertEquals("192.0.2.4", u.host());
    assertEquals(5061, u.port());
  }

  @Test
  void paramsWithFlagsAndValuesInOrder() throws Exception {
    SipUri u = SipUri.parse("sip:example.com;lr;maddr=239.255.255.1;ttl=15;ob");
    assertEquals(4, u.params().size());
    assertEquals("lr", u.params().name(0));
    assertNull(u.params().value(0));
    assertTrue(u.hasParam("lr"));
    assertNull(u.param("lr"));
    assertEquals("239.255.255.1", u.param("maddr"));
    assertEquals("15", u.param("TTL"));
    assertTrue(u.hasParam("ob"));
    assertFalse(u.hasParam("missing"));
  }

  @Test
  void portThenHeadersWithoutParams() throws Exception {
    SipUri u = SipUri.parse("sip:bob@example.com:5060?Subject=hi");
    assertEquals(5060, u.port());
    assertEquals("Subject=hi", u.headers());
    assertEquals(0, u.params().size());
  }

  @Test
  void emptyPortIsRefused() {
    assertEquals("malformed URI: bad port in 'sip:example.com:'", refused("sip:example.com:"));
  }

  @Test
  void nonNumericPortIsRefused() {
    assertEquals("malformed URI: bad port in 'sip:example.com:50a0'", refused("sip:example.com:50a0"));
  }

  @Test
  void sixDigitPortIsRefused() {
    assertEquals("malformed URI: bad port in 'sip:example.com:123456'", refused("sip:example.com:123456"));
  }

  @Test
  void portAbove65535IsRefused() {
    assertEquals("malformed URI: port out of range in 'sip:example.com:65536'", refused("sip:example.com:65536"));
  }

  @Test
  void port65535IsAccepted() throws Exception {
    assertEquals(65535, SipUri.parse("sip:example.com:65535").port());
  }

  @Test
  void whiteSpaceIsRefused() {
    assertEquals("malformed URI: character 0x20 not allowed in 'sip:bob@example.com; lr'", refused("sip:bob@example.com; lr"));
    assertEquals("malformed URI: character 0x9 not allowed in 'sip:bob\t@example.com'", refused("sip:bob\t@example.com"));
  }

  @Test
  void angleBracketAndQuoteAreRefused() {
    assertEquals("malformed URI: character 0x3e not allowed in 'sip:bob@example.com>'", refused("sip:bob@example.com>"));
    assertEquals("malformed URI: character 0x22 not allowed in 'sip:\"bob\"@example.com'", refused("sip:\"bob\"@example.com"));
  }

  @Test
  void nonAsciiIsRefused() {
    assertEquals("malformed URI: character 0xe9 not allowed in 'sip:r\u00e9mi@example.com'", refused("sip:r\u00e9mi@example.com"));
  }

  @Test
  void missingHostIsRefused() {
    assertEquals("malformed URI: host expected", refused("sip:bob@"));
  }

  @Test
  void garbageAfterHostIsRefused() {
    assertEquals("malformed URI: unexpected '#' after host in 'sip:example.com#frag'", refused("sip:example.com#frag"));
  }

  @Test
  void emptyParameterIsRefused() {
    assertEquals("malformed URI: empty parameter in 'sip:example.com;;lr'", refused("sip:example.com;;lr"));
    assertEquals("malformed URI: empty parameter in 'sip:example.com;'", refused("sip:example.com;"));
  }

  @Test
  void parameterWithBadCharacterIsRefused() {
    assertEquals("malformed URI: bad parameter 'a=b,c'", refused("sip:example.com;a=b,c"));
    assertEquals("malformed URI: bad parameter '=x'", refused("sip:example.com;=x"));
  }

  @Test
  void escapedParameterValueIsAccepted() throws Exception {
    assertEquals("a%20b", SipUri.parse("sip:example.com;x=a%20b").param("x"));
  }

  @Test
  void aorUnescapesUserOnceAndLowerCasesHost() throws Exception {
    assertEquals("alice@atlanta.example.com", SipUri.parse("sip:%61lice@AtLanta.Example.COM:5060;transport=tcp").aor());
    assertEquals("%41@example.com", SipUri.parse("sip:%2541@example.com").aor());
    assertEquals("Alice@example.com", SipUri.parse("sip:Alice@example.com").aor());
  }

  @Test
  void aorOfHostOnlyUriIsTheHost() throws Exception {
    assertEquals("example.com", SipUri.parse("sip:EXAMPLE.com").aor());
  }

  @Test
  void withoutHeadersDropsOnlyTheHeaders() throws Exception {
    SipUri u = SipUri.parse("sip:bob@example.com:5060;lr?Subject=hi");
    assertEquals("sip:bob@example.com:5060;lr", u.withoutHeaders().toString());
    SipUri plain = SipUri.parse("sip:bob@example.com");
    assertSame(plain, plain.withoutHeaders());
  }

  @Test
  void withParamAddsOrReplaces() throws Exception {
    SipUri u = SipUri.parse("sip:bob@example.com;transport=udp");
    assertEquals("sip:bob@example.com;transport=tcp", u.withParam("transport", "tcp").toString());
    assertEquals("sip:bob@example.com;transport=udp;lr", u.withParam("lr", null).toString());
    assertEquals("sip:bob@example.com;transport=udp", u.toString());
  }

  @Test
  void withoutParamRemovesIt() throws Exception {
    SipUri u = SipUri.parse("sip:bob@example.com;ob;lr");
    assertEquals("sip:bob@example.com;lr", u.withoutParam("OB").toString());
    assertSame(u, u.withoutParam("maddr"));
  }

  @Test
  void withHostPortBracketsIpv6() throws Exception {
    SipUri u = SipUri.parse("sip:bob@example.com;lr");
    assertEquals("sip:bob@[2001:db8::1]:5062;lr", u.withHostPort("2001:db8::1", 5062).toString());
    assertEquals("sip:bob@192.0.2.1;lr", u.withHostPort("192.0.2.1", -1).toString());
  }

  @Test
  void equalityIsByText() throws Exception {
    assertEquals(SipUri.parse("sip:a@b"), SipUri.parse("sip:a@b"));
    assertFalse(SipUri.parse("sip:a@b").equals(SipUri.parse("sip:a@B")));
  }
}
