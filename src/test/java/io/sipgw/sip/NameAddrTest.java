package io.sipgw.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** name-addr / addr-spec (RFC 3261 §20.10, §25.1) as {@link NameAddr} reads them. */
class NameAddrTest {

  private static String refused(String value) {
    return assertThrows(SipParseException.class, () -> NameAddr.parse(value, "To")).reason();
  }

  @Test
  void quotedDisplayNameIsKeptWithQuotes() throws Exception {
    NameAddr a = NameAddr.parse("\"Alice Liddell\" <sip:alice@example.com>;tag=88sja8x", "From");
    assertEquals("\"Alice Liddell\"", a.displayName());
    assertEquals("sip:alice@example.com", a.uri().toString());
    assertTrue(a.angled());
    assertEquals("88sja8x", a.tag());
    assertEquals("\"Alice Liddell\" <sip:alice@example.com>;tag=88sja8x", a.toString());
  }

  @Test
  void quotedDisplayNameWithEscapedQuoteAndBackslash() throws Exception {
    NameAddr a = NameAddr.parse("\"Bob \\\"the\\\" \\\\ Builder\" <sip:bob@example.com>", "To");
    assertEquals("\"Bob \\\"the\\\" \\\\ Builder\"", a.displayName());
    assertEquals("sip:bob@example.com", a.uri().toString());
  }

  @Test
  void quotedDisplayNameWithoutSpaceBeforeAngle() throws Exception {
    NameAddr a = NameAddr.parse("\"Bob\"<sip:bob@example.com>", "To");
    assertEquals("\"Bob\"", a.displayName());
  }

  @Test
  void unterminatedQuotedDisplayNameIsRefused() {
    assertEquals("malformed To: unterminated quoted string", refused("\"Bob <sip:bob@example.com>"));
  }

  @Test
  void quotedDisplayNameWithoutAngleIsRefused() {
    assertEquals("malformed To: '<' expected after display name", refused("\"Bob\" sip:bob@example.com"));
  }

  @Test
  void tokenDisplayNameIsJoinedWithSingleSpaces() throws Exception {
    NameAddr a = NameAddr.parse("Bob   Smith\t<sip:bob@example.com>", "To");
    assertEquals("Bob Smith", a.displayName());
    assertEquals("sip:bob@example.com", a.uri().toString());
  }

  @Test
  void tokenDisplayNameWithNoLwsBeforeAngle() throws Exception {
    // RFC 4475 §3.1.1.6 (name-addr with no LWS before <) is accepted.
    NameAddr a = NameAddr.parse("caller<sip:caller@example.net>;tag=323", "From");
    assertEquals("caller", a.displayName());
    assertEquals("sip:caller@example.net", a.uri().toString());
    assertEquals("323", a.tag());
  }

  @Test
  void angledUriWithoutDisplayName() throws Exception {
    NameAddr a = NameAddr.parse("<sip:bob@example.com>", "To");
    assertNull(a.displayName());
    assertTrue(a.angled());
    assertEquals(0, a.params().size());
  }

  @Test
  void addrSpecParamsBelongToTheHeader() throws Exception {
    // §20.10: without <>, all parameters after the URI are header parameters.
    NameAddr a = NameAddr.parse("sip:bob@example.com;transport=tcp;tag=abc", "To");
    assertFalse(a.angled());
    assertEquals("sip:bob@example.com", a.uri().toString());
    assertEquals(0, a.uri().params().size());
    assertEquals("tcp", a.param("transport"));
    assertEquals("abc", a.tag());
  }

  @Test
  void nameAddrParamsInsideAnglesBelongToTheUri() throws Exception {
    NameAddr a = NameAddr.parse("<sip:bob@example.com;transport=tcp>;tag=abc", "To");
    assertEquals("tcp", a.uri().param("transport"));
    assertFalse(a.params().has("transport"));
    assertEquals("abc", a.tag());
    assertEquals(1, a.params().size());
  }

  @Test
  void addrSpecWithHeadersIsRefused() {
    assertEquals("malformed To: a URI with headers must be enclosed in <>", refused("sip:bob@example.com?Subject=x"));
  }

  @Test
  void angledUriWithHeadersIsAccepted() throws Exception {
    assertEquals("Subject=x", NameAddr.parse("<sip:bob@example.com?Subject=x>", "To").uri().headers());
  }

  @Test
  void whiteSpaceInsideAnglesIsRefused() {
    assertEquals("malformed To: white space inside <>", refused("< sip:bob@example.com>"));
    assertEquals("malformed To: white space inside <>", refused("<sip:bob@example.com >"));
  }

  @Test
  void missingClosingAngleIsRefused() {
    assertEquals("malformed To: '>' expected", refused("<sip:bob@example.com"));
  }

  @Test
  void emptyAnglesAreRefused() {
    assertEquals("malformed To: white space inside <>", refused("<>"));
  }

  @Test
  void headerParamWithSpacesAroundSemicolonAndEquals() throws Exception {
    NameAddr a = NameAddr.parse("<sip:bob@example.com> ; tag = 1a2b ; x", "To");
    assertEquals("1a2b", a.tag());
    assertTrue(a.params().has("x"));
    assertNull(a.param("x"));
  }

  @Test
  void quotedHeaderParamValueKeepsQuotes() throws Exception {
    NameAddr a = NameAddr.parse("<sip:a@b>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"", "Contact");
    assertEquals("\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"", a.param("+sip.instance"));
  }

  @Test
  void twoValuesInASingleHeaderAreRefused() {
    assertEquals("malformed To: more than one value", refused("<sip:a@b>, <sip:c@d>"));
  }

  @Test
  void trailingGarbageIsRefused() {
    assertEquals("malformed To: unexpected '>'", refused("<sip:a@b>>"));
  }

  @Test
  void listSplitsOnCommasOutsideQuotesAndAngles() throws Exception {
    List<NameAddr> l = NameAddr.parseList(
        "\"Smith, Bob\" <sip:bob@example.com;lr>;q=0.5 , <sip:a,b@example.com>,sip:c@example.com;expires=60", "Contact");
    assertEquals(3, l.size());
    assertEquals("\"Smith, Bob\"", l.get(0).displayName());
    assertEquals("sip:bob@example.com;lr", l.get(0).uri().toString());
    assertEquals("0.5", l.get(0).param("q"));
    assertEquals("\"Smith, Bob\" <sip:bob@example.com;lr>;q=0.5", l.get(0).toString());
    assertEquals("a,b", l.get(1).uri().user());
    assertEquals("sip:c@example.com", l.get(2).uri().toString());
    assertEquals("60", l.get(2).param("expires"));
  }

  @Test
  void listWithEmptyElementIsRefused() {
    SipParseException e = assertThrows(SipParseException.class, () -> NameAddr.parseList("<sip:a@b>,,<sip:c@d>", "Route"));
    assertEquals("malformed Route: URI expected", e.reason());
  }

  @Test
  void withParamsWritesNameAddrForm() throws Exception {
    NameAddr a = NameAddr.parse("sip:bob@example.com;tag=old", "To");
    Params p = new Params();
    p.add("tag", "new");
    p.add("lr", null);
    NameAddr b = a.withParams(p);
    assertEquals("<sip:bob@example.com>;tag=new;lr", b.toString());
    assertTrue(b.angled());
    assertEquals("new", b.tag());
    assertEquals("sip:bob@example.com;tag=old", a.toString());
  }

  @Test
  void withParamsKeepsDisplayName() throws Exception {
    NameAddr a = NameAddr.parse("\"Bob\" <sip:bob@example.com>", "To");
    Params p = new Params();
    p.add("tag", "t1");
    assertEquals("\"Bob\" <sip:bob@example.com>;tag=t1", a.withParams(p).toString());
  }

  @Test
  void ofWritesAngledUriAndParams() throws Exception {
    Params p = new Params();
    p.add("expires", "60");
    assertEquals("<sip:a@192.0.2.1:5060>;expires=60", NameAddr.of(SipUri.parse("sip:a@192.0.2.1:5060"), p).toString());
  }
}
