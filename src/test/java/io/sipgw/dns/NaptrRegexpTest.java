package io.sipgw.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The substitution expression of RFC 3402 §3.2, with the examples of RFC 6116 and RFC 3403. */
class NaptrRegexpTest {
  private static String apply(String regexp, String input) { return NaptrRegexp.parse(regexp).apply(input); }

  @Test
  void wholeStringReplaced() {
    assertEquals("sip:info@example.com", apply("!^.*$!sip:info@example.com!", "+441632960083"));
  }

  @Test
  void backReferences() {
    assertEquals("sip:4930123@gw.example.com", apply("!^\\+(.*)$!sip:\\1@gw.example.com!", "+4930123"));
    assertEquals("sip:30123@de.example.com;cc=49", apply("!^\\+(49)([0-9]*)$!sip:\\2@de.example.com;cc=\\1!", "+4930123"));
  }

  @Test
  void likeSedOnlyTheMatchIsReplaced() {
    assertEquals("+0030123", apply("/49/00/", "+4930123"));
  }

  @Test
  void noMatchIsNull() {
    assertNull(apply("!^\\+1(.*)$!sip:\\1@us.example.com!", "+4930123"));
  }

  @Test
  void otherDelimitersAndEscapedDelimiters() {
    assertEquals("sip:a/b@example.com", apply("/^.*$/sip:a\\/b@example.com/", "+1"));
    assertEquals("sip:x@example.com", apply("#^\\+1\\#$#sip:x@example.com#", "+1#"));
    assertEquals("sip:back\\slash@example.com", apply("!^.*$!sip:back\\\\slash@example.com!", "+1"));
  }

  @Test
  void caseInsensitiveFlag() {
    assertEquals("sip:x@example.com", apply("!^ABC$!sip:x@example.com!i", "abc"));
    assertNull(apply("!^ABC$!sip:x@example.com!", "abc"));
  }

  @Test
  void malformedExpressionsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> NaptrRegexp.parse(""));
    assertThrows(IllegalArgumentException.class, () -> NaptrRegexp.parse("!^.*$!sip:x@example.com"));
    assertThrows(IllegalArgumentException.class, () -> NaptrRegexp.parse("1^.*$1x1"));
    assertThrows(IllegalArgumentException.class, () -> NaptrRegexp.parse("\\^.*$\\x\\"));
    assertThrows(IllegalArgumentException.class, () -> NaptrRegexp.parse("!^.*$!x!g"));
    assertThrows(IllegalArgumentException.class, () -> NaptrRegexp.parse("!^(.*$!x!"));
    Exception e = assertThrows(IllegalArgumentException.class, () -> apply("!^.*$!sip:\\2@x!", "+1"));
    assertTrue(e.getMessage().contains("\\2"), e.getMessage());
  }
}
