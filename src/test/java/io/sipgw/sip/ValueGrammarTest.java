package io.sipgw.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The small grammar rules: CSeq (§20.16), delta-seconds (§25.1), escapes (§19.1.2). */
class ValueGrammarTest {

  @Test
  void cseqNumberAndMethod() throws Exception {
    assertEquals(new CSeq(4711, "INVITE"), CSeq.parse("4711 INVITE"));
  }

  @Test
  void cseqWithExtraLws() throws Exception {
    assertEquals(new CSeq(1, "REGISTER"), CSeq.parse("  1 \t REGISTER  "));
  }

  @Test
  void cseqAcceptsTwoToThe32MinusOne() throws Exception {
    assertEquals(4294967295L, CSeq.parse("4294967295 ACK").number());
  }

  @Test
  void cseqRefusesTwoToThe32() {
    SipParseException e = assertThrows(SipParseException.class, () -> CSeq.parse("4294967296 ACK"));
    assertEquals("malformed CSeq: sequence number larger than 2**32-1", e.reason());
  }

  @Test
  void cseqRefusesHugeNumbers() {
    assertEquals("malformed CSeq: sequence number larger than 2**32-1",
        assertThrows(SipParseException.class, () -> CSeq.parse("99999999999999999999 ACK")).reason());
    assertEquals("malformed CSeq: sequence number larger than 2**32-1",
        assertThrows(SipParseException.class, () -> CSeq.parse("999999999999999999999 ACK")).reason());
  }

  @Test
  void cseqAcceptsLeadingZerosBeyondTenDigits() throws SipParseException {
    assertEquals(new CSeq(1, "INVITE"), CSeq.parse("00000000001 INVITE"));
    assertEquals(new CSeq(9, "INVITE"), CSeq.parse("0009 INVITE"));
  }

  @Test
  void cseqRefusesMissingNumberAndMissingMethod() {
    assertEquals("malformed CSeq: sequence number expected", assertThrows(SipParseException.class, () -> CSeq.parse("INVITE")).reason());
    assertEquals("malformed CSeq: sequence number expected", assertThrows(SipParseException.class, () -> CSeq.parse("-1 INVITE")).reason());
    assertEquals("malformed CSeq: method expected", assertThrows(SipParseException.class, () -> CSeq.parse("1")).reason());
    assertEquals("malformed CSeq: unexpected text after method",
        assertThrows(SipParseException.class, () -> CSeq.parse("1 INVITE x")).reason());
  }

  @Test
  void cseqToString() {
    assertEquals("7 BYE", new CSeq(7, "BYE").toString());
  }

  @Test
  void deltaSeconds() throws Exception {
    assertEquals(3600, DeltaSeconds.parse("3600", "Expires"));
    assertEquals(0, DeltaSeconds.parse("0", "Expires"));
    assertEquals(60, DeltaSeconds.parse(" 60 ", "Expires"));
  }

  @Test
  void deltaSecondsClampAtTwoToThe32MinusOne() throws Exception {
    assertEquals(4294967295L, DeltaSeconds.parse("4294967295", "Expires"));
    assertEquals(4294967295L, DeltaSeconds.parse("4294967296", "Expires"));
    assertEquals(4294967295L, DeltaSeconds.parse("12345678901234567890123", "Expires"));
  }

  @Test
  void deltaSecondsRefusesNonDigits() {
    assertEquals("malformed Expires: '-1' is not delta-seconds",
        assertThrows(SipParseException.class, () -> DeltaSeconds.parse("-1", "Expires")).reason());
    assertEquals("malformed Min-Expires: '1.5' is not delta-seconds",
        assertThrows(SipParseException.class, () -> DeltaSeconds.parse("1.5", "Min-Expires")).reason());
    assertEquals("malformed Expires: '' is not delta-seconds",
        assertThrows(SipParseException.class, () -> DeltaSeconds.parse("  ", "Expires")).reason());
  }

  @Test
  void unescapeDecodesOnceOnly() {
    assertEquals("%41", Escapes.unescape("%2541"));
    assertEquals("AB", Escapes.unescape("%41%42"));
    assertEquals("a b", Escapes.unescape("a%20b"));
  }

  @Test
  void unescapeAcceptsLowerCaseHex() {
    assertEquals("\u00e9", Escapes.unescape("%e9"));
  }

  @Test
  void unescapeLeavesIncompleteEscapesAlone() {
    assertEquals("100%", Escapes.unescape("100%"));
    assertEquals("%4", Escapes.unescape("%4"));
    assertEquals("%zz", Escapes.unescape("%zz"));
    assertEquals("plain", Escapes.unescape("plain"));
  }
}
