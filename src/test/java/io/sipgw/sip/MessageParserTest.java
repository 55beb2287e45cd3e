package io.sipgw.sip;

import static io.sipgw.sip.Messages.bytes;
import static io.sipgw.sip.Messages.crlf;
import static io.sipgw.sip.Messages.datagram;
import static io.sipgw.sip.Messages.invite;
import static io.sipgw.sip.Messages.refusedAsDatagram;
import static io.sipgw.sip.Messages.refusedOnStream;
import static io.sipgw.sip.Messages.stream;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per framing and start-line rule of RFC 3261 §7 and §18.3 as {@link MessageParser} applies them. */
class MessageParserTest {

  // --- start line ---

  @Test
  void requestLineGivesMethodUriAndStartLine() throws Exception {
    SipRequest r = (SipRequest) datagram(invite());
    assertTrue(r.isRequest());
    assertEquals("INVITE", r.method());
    assertEquals("sip:bob@example.com", r.requestUriText());
    assertEquals("INVITE sip:bob@example.com SIP/2.0", r.startLine());
  }

  @Test
  void methodIsKeptAsReceivedCaseSensitive() throws Exception {
    SipRequest r = (SipRequest) datagram(invite().replace("INVITE sip:", "invite sip:"));
    assertEquals("invite", r.method());
    assertFalse(r.isMethod("INVITE"));
  }

  @Test
  void statusLineGivesStatusAndReasonWithSpaces() throws Exception {
    SipResponse r = (SipResponse) datagram(crlf("SIP/2.0 180 Ringing Now Please", "Call-ID: a", ""));
    assertFalse(r.isRequest());
    assertEquals(180, r.status());
    assertEquals("Ringing Now Please", r.reason());
    assertTrue(r.isProvisional());
  }

  @Test
  void statusCodeOfTwoDigitsIsRefused() {
    SipParseException e = refusedAsDatagram(crlf("SIP/2.0 20 OK", "Call-ID: a", ""));
    assertEquals(400, e.status());
    assertEquals("malformed Status-Line: status code is not 3 digits", e.reason());
  }

  @Test
  void statusCodeOfFourDigitsIsRefused() {
    assertEquals("malformed Status-Line: status code is not 3 digits",
        refusedAsDatagram(crlf("SIP/2.0 2000 OK", "Call-ID: a", "")).reason());
  }

  @Test
  void statusCodeOutOfRangeIsRefused() {
    assertEquals("status code 700 out of range", refusedAsDatagram(crlf("SIP/2.0 700 Odd", "Call-ID: a", "")).reason());
    assertEquals("status code 99 out of range", refusedAsDatagram(crlf("SIP/2.0 099 Odd", "Call-ID: a", "")).reason());
  }

  @Test
  void requestWithSip30Gets505() {
    SipParseException e = refusedAsDatagram(invite().replace(" SIP/2.0\r\n", " SIP/3.0\r\n"));
    assertEquals(505, e.status());
    assertEquals("Version Not Supported", e.reason());
  }

  @Test
  void responseWithSip30Gets505() {
    SipParseException e = refusedAsDatagram(crlf("SIP/3.0 200 OK", "Call-ID: a", ""));
    assertEquals(505, e.status());
  }

  @Test
  void versionIsCaseInsensitive() throws Exception {
    // RFC 3261 §7.1: "The SIP-Version string is case-insensitive".
    SipRequest r = (SipRequest) datagram(invite().replace(" SIP/2.0\r\n", " sip/2.0\r\n"));
    assertEquals("INVITE", r.method());
    SipResponse s = (SipResponse) datagram(crlf("sip/2.0 200 OK", "Call-ID: a", ""));
    assertEquals(200, s.status());
  }

  @Test
  void versionThatIsNotSipIsMalformed() {
    SipParseException e = refusedAsDatagram(invite().replace(" SIP/2.0\r\n", " HTTP/1.1\r\n"));
    assertEquals(400, e.status());
    assertEquals("malformed SIP-Version", e.reason());
  }

  @Test
  void twoSpacesBeforeRequestUriAreRefused() {
    assertEquals("malformed Request-Line: extra white space before the Request-URI",
        refusedAsDatagram(invite().replace("INVITE sip:", "INVITE  sip:")).reason());
  }

  @Test
  void twoSpacesBeforeVersionAreRefused() {
    assertEquals("malformed Request-Line: white space in the Request-URI or before SIP-Version",
        refusedAsDatagram(invite().replace(".com SIP/2.0", ".com  SIP/2.0")).reason());
  }

  @Test
  void whiteSpaceAfterVersionIsRefused() {
    assertEquals("malformed Request-Line: white space after SIP-Version",
        refusedAsDatagram(invite().replace("SIP/2.0\r\nVia", "SIP/2.0 \r\nVia")).reason());
  }

  @Test
  void requestLineWithoutVersionIsRefused() {
    assertEquals("malformed Request-Line: no SIP-Version",
        refusedAsDatagram(invite().replace("sip:bob@example.com SIP/2.0", "sip:bob@example.com")).reason());
  }

  @Test
  void methodWithNonTokenCharacterIsRefused() {
    assertEquals("malformed Request-Line: bad method", refusedAsDatagram(invite().replace("INVITE sip:", "IN<VITE sip:")).reason());
  }

  @Test
  void messageWithoutLineEndingIsRefused() {
    assertEquals("no line ending after the start line", refusedAsDatagram("INVITE sip:bob@example.com SIP/2.0").reason());
  }

  // --- leading CRLFs and line endings ---

  @Test
  void leadingCrlfsAreIgnored() throws Exception {
    SipRequest r = (SipRequest) datagram("\r\n\r\n\n" + invite());
    assertEquals("INVITE sip:bob@example.com SIP/2.0", r.startLine());
    assertEquals(6, r.headers().size());
  }

  @Test
  void onlyCrlfsIsAnEmptyMessage() {
    assertEquals("empty message", refusedAsDatagram("\r\n\r\n").reason());
  }

  @Test
  void bareLfLineEndingsAreAccepted() throws Exception {
    String text = invite("Content-Length: 4").replace("\r\n", "\n") + "abcd";
    SipRequest r = (SipRequest) stream(text);
    assertEquals("INVITE sip:bob@example.com SIP/2.0", r.startLine());
    assertEquals("3848276298220188511@192.0.2.1", r.callId());
    assertEquals("1 INVITE", r.header(HeaderName.CSEQ));
    assertArrayEquals(bytes("abcd"), r.body());
  }

  @Test
  void strayCrInHeaderSectionIsRefused() {
    String text = invite().replace("CSeq: 1 INVITE\r\n\r\n", "CSeq: 1 INVITE\r\n\r\r\n");
    assertEquals("stray CR in header section", refusedAsDatagram(text).reason());
  }

  // --- header location ---

  @Test
  void headersAreKeptInReceivedOrderWithNamesAsReceived() throws Exception {
    SipMessage m = datagram(invite("X-First: 1", "via: SIP/2.0/TCP second.example.com;branch=z9hG4bK2", "X-Last: 3"));
    List<HeaderField> h = m.headers();
    assertEquals(9, h.size());
    assertEquals("Via", h.get(0).name());
    assertEquals("X-First", h.get(6).name());
    assertNull(h.get(6).known());
    assertEquals("via", h.get(7).name());
    assertEquals(HeaderName.VIA, h.get(7).known());
    assertEquals("X-Last", h.get(8).name());
    assertEquals(2, m.count(HeaderName.VIA));
    assertEquals("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9", m.header(HeaderName.VIA));
    assertEquals("SIP/2.0/TCP second.example.com;branch=z9hG4bK2", m.fields(HeaderName.VIA).get(1).value());
  }

  @Test
  void unknownHeaderIsFoundByNameCaseInsensitively() throws Exception {
    SipMessage m = datagram(invite("X-Custom-Thing: hello world"));
    assertEquals("hello world", m.header("x-custom-thing"));
    assertNull(m.header("X-Missing"));
  }

  @Test
  void lookupOfANonAsciiNameIsNull() throws Exception {
    SipMessage m = datagram(invite());
    assertNull(m.header("\u00e9"));
    assertNull(HeaderName.lookup("\u00c9"));
    assertNull(HeaderName.lookup("\u00e9t\u00e9"));
  }

  @Test
  void knownHeaderIsFoundByNameInAnyCase() throws Exception {
    SipMessage m = datagram(invite());
    assertEquals("3848276298220188511@192.0.2.1", m.header("CALL-id"));
  }

  @Test
  void compactFormsAreRecognised() throws Exception {
    String text = crlf("INVITE sip:bob@example.com SIP/2.0",
        "v: SIP/2.0/UDP h;branch=z9hG4bK1",
        "f: <sip:a@example.com>;tag=1",
        "T: <sip:b@example.com>",
        "i: cid",
        "m: <sip:a@192.0.2.1>",
        "c: text/plain",
        "s: subject",
        "k: path",
        "e: gzip",
        "o: presence",
        "r: <sip:c@example.com>",
        "x: 1800",
        "L: 0",
        "");
    SipMessage m = datagram(text);
    assertEquals("SIP/2.0/UDP h;branch=z9hG4bK1", m.header(HeaderName.VIA));
    assertEquals("<sip:a@example.com>;tag=1", m.header(HeaderName.FROM));
    assertEquals("<sip:b@example.com>", m.header(HeaderName.TO));
    assertEquals("cid", m.callId());
    assertEquals("<sip:a@192.0.2.1>", m.header(HeaderName.CONTACT));
    assertEquals("text/plain", m.header(HeaderName.CONTENT_TYPE));
    assertEquals("subject", m.header(HeaderName.SUBJECT));
    assertEquals("path", m.header(HeaderName.SUPPORTED));
    assertEquals("gzip", m.header(HeaderName.CONTENT_ENCODING));
    assertEquals("presence", m.header(HeaderName.EVENT));
    assertEquals("<sip:c@example.com>", m.header(HeaderName.REFER_TO));
    assertEquals("1800", m.header(HeaderName.SESSION_EXPIRES));
    assertEquals("0", m.header(HeaderName.CONTENT_LENGTH));
    assertEquals("i", m.field(HeaderName.CALL_ID).name());
  }

  @Test
  void oneLetterNameWithoutCompactMeaningIsUnknown() throws Exception {
    SipMessage m = datagram(invite("z: zed"));
    assertNull(m.headers().get(6).known());
    assertEquals("zed", m.header("Z"));
  }

  @Test
  void whiteSpaceAroundColonAndAfterValueIsNotPartOfTheValue() throws Exception {
    SipMessage m = datagram(invite("Subject \t:   hello there \t"));
    assertEquals("hello there", m.header(HeaderName.SUBJECT));
    assertEquals("Subject", m.field(HeaderName.SUBJECT).name());
  }

  @Test
  void emptyHeaderValueIsEmptyString() throws Exception {
    assertEquals("", datagram(invite("Subject:")).header(HeaderName.SUBJECT));
  }

  @Test
  void foldedValueIsJoinedWithOneSpace() throws Exception {
    SipMessage m = datagram(invite("Subject: I know you're there,", "    pick up the phone", "\t and talk to me!"));
    assertEquals("I know you're there, pick up the phone and talk to me!", m.header(HeaderName.SUBJECT));
    assertEquals("Subject: I know you're there,\r\n    pick up the phone\r\n\t and talk to me!\r\n",
        m.field(HeaderName.SUBJECT).line());
  }

  @Test
  void foldedValueWithLfEndingsIsJoined() throws Exception {
    SipMessage m = datagram(invite("Subject: one", " two").replace("\r\n", "\n"));
    assertEquals("one two", m.header(HeaderName.SUBJECT));
  }

  @Test
  void valueStartingOnAFoldedLineHasNoLeadingSpace() throws Exception {
    // RFC 3261 §7.3.1: LWS before the value is not part of it, even when it spans a line fold.
    SipMessage m = datagram(invite("Subject:", "   hello"));
    assertEquals("hello", m.header(HeaderName.SUBJECT));
  }

  @Test
  void headerSectionStartingWithWhiteSpaceIsRefused() {
    String text = crlf("INVITE sip:bob@example.com SIP/2.0", " Via: SIP/2.0/UDP h;branch=z9hG4bK1", "");
    assertEquals("header section starts with white space", refusedAsDatagram(text).reason());
  }

  @Test
  void headerWithoutColonIsRefusedNamingIt() {
    assertEquals("header 'Bogus' has no colon", refusedAsDatagram(invite("Bogus value")).reason());
  }

  @Test
  void headerNameWithNonTokenCharacterIsRefused() {
    assertEquals("malformed header name", refusedAsDatagram(invite("@Bad: value")).reason());
  }

  @Test
  void moreThanMaxHeadersIsRefused() throws Exception {
    String[] extra = new String[MessageParser.MAX_HEADERS - 6];
    for (int i = 0; i < extra.length; i++) extra[i] = "X-H" + i + ": " + i;
    assertEquals(MessageParser.MAX_HEADERS, datagram(invite(extra)).headers().size());
    String[] tooMany = new String[MessageParser.MAX_HEADERS - 5];
    for (int i = 0; i < tooMany.length; i++) tooMany[i] = "X-H" + i + ": " + i;
    assertEquals("more than 256 header lines", refusedAsDatagram(invite(tooMany)).reason());
  }

  // --- Content-Length and the body ---

  @Test
  void datagramWithoutContentLengthHasBodyToTheEnd() throws Exception {
    SipMessage m = datagram(invite() + "v=0\r\n");
    assertEquals(5, m.bodyLength());
    assertArrayEquals(bytes("v=0\r\n"), m.body());
  }

  @Test
  void datagramOctetsPastContentLengthAreIgnored() throws Exception {
    SipMessage m = datagram(invite("Content-Length: 3") + "abcJUNK");
    assertArrayEquals(bytes("abc"), m.body());
    assertTrue(m.toString().endsWith("\r\n\r\nabc"));
  }

  @Test
  void datagramWithContentLengthLargerThanBodyIsRefused() {
    SipParseException e = refusedAsDatagram(invite("Content-Length: 10") + "abc");
    assertEquals(400, e.status());
    assertEquals("Content-Length 10 is larger than the 3 octets of body received", e.reason());
  }

  @Test
  void streamMessageWithoutContentLengthIsRefused() {
    assertEquals("missing Content-Length on a stream", refusedOnStream(invite()).reason());
  }

  @Test
  void streamMessageBodyIsExactlyContentLength() throws Exception {
    SipMessage m = stream(invite("Content-Length: 5") + "hello");
    assertArrayEquals(bytes("hello"), m.body());
  }

  @Test
  void binaryBodyIsKeptByteForByte() throws Exception {
    byte[] head = bytes(invite("Content-Type: application/octet-stream", "Content-Length: 6"));
    byte[] body = {0, '\r', '\n', (byte) 0xff, '\n', 0};
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    SipMessage m = MessageParser.parse(all, 0, all.length, false);
    assertArrayEquals(body, m.body());
  }

  @Test
  void parseHonoursOffsetAndLength() throws Exception {
    byte[] inner = bytes(invite("Content-Length: 2") + "hi");
    byte[] buf = new byte[inner.length + 20];
    System.arraycopy(inner, 0, buf, 10, inner.length);
    buf[9] = 'X';
    buf[10 + inner.length] = 'Y';
    SipMessage m = MessageParser.parse(buf, 10, inner.length, false);
    assertEquals("INVITE sip:bob@example.com SIP/2.0", m.startLine());
    assertArrayEquals(bytes("hi"), m.body());
    assertEquals(invite("Content-Length: 2") + "hi", m.toBuffer().toString("ISO-8859-1"));
  }

  @Test
  void compactContentLengthFramesTheBody() throws Exception {
    assertArrayEquals(bytes("ab"), stream(invite("l: 2") + "ab").body());
  }

  @Test
  void conflictingContentLengthsAreRefused() {
    SipParseException e = refusedAsDatagram(invite("Content-Length: 3", "l: 4") + "abcd");
    assertEquals(400, e.status());
    assertEquals("conflicting Content-Length values", e.reason());
  }

  @Test
  void repeatedEqualContentLengthsAreAccepted() throws Exception {
    assertArrayEquals(bytes("abc"), stream(invite("Content-Length: 3", "l: 3") + "abc").body());
  }

  @Test
  void negativeContentLengthIsRefused() {
    assertEquals("malformed Content-Length '-1'", refusedAsDatagram(invite("Content-Length: -1")).reason());
  }

  @Test
  void nonNumericContentLengthIsRefused() {
    assertEquals("malformed Content-Length '1 2'", refusedAsDatagram(invite("Content-Length: 1 2") + "ab").reason());
  }

  @Test
  void emptyContentLengthIsRefused() {
    assertEquals("empty Content-Length", refusedAsDatagram(invite("Content-Length:")).reason());
  }

  @Test
  void contentLengthPastIntRangeIsRefused() {
    assertEquals("Content-Length too large", refusedAsDatagram(invite("Content-Length: 99999999999")).reason());
  }

  @Test
  void datagramWithoutBlankLineHasNoBody() throws Exception {
    String text = invite().substring(0, invite().length() - 4); // drop "\r\n\r\n": last line has no ending
    SipMessage m = datagram(text);
    assertEquals(0, m.bodyLength());
    assertEquals("1 INVITE", m.header(HeaderName.CSEQ));
    assertEquals(6, m.headers().size());
  }

  @Test
  void datagramWhoseLastHeaderEndsWithCrlfButNoBlankLineHasNoBody() throws Exception {
    String text = invite().substring(0, invite().length() - 2);
    SipMessage m = datagram(text);
    assertEquals(0, m.bodyLength());
    assertEquals("1 INVITE", m.header(HeaderName.CSEQ));
  }

  @Test
  void streamMessageWithoutBlankLineIsRefused() {
    String text = invite("Content-Length: 0");
    assertEquals("header section not terminated", refusedOnStream(text.substring(0, text.length() - 2)).reason());
  }

  // --- salvageRequest ---

  @Test
  void salvageReadsHeadersOfARequestWithABadRequestLine() {
    byte[] b = bytes(invite().replace("INVITE sip:", "INVITE  sip:"));
    SipRequest r = MessageParser.salvageRequest(b, 0, b.length);
    assertNotNull(r);
    assertEquals("INVITE", r.method());
    assertEquals("3848276298220188511@192.0.2.1", r.callId());
    assertEquals("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9", r.header(HeaderName.VIA));
  }

  @Test
  void salvageSkipsLinesThatAreNotHeaders() {
    byte[] b = bytes(invite("this is not a header", "Subject: kept"));
    SipRequest r = MessageParser.salvageRequest(b, 0, b.length);
    assertNotNull(r);
    assertEquals("kept", r.header(HeaderName.SUBJECT));
    assertEquals(7, r.headers().size());
  }

  @Test
  void salvageGivesNullWithoutCallId() {
    byte[] b = bytes(invite().replace("Call-ID: 3848276298220188511@192.0.2.1\r\n", ""));
    assertNull(MessageParser.salvageRequest(b, 0, b.length));
  }

  @Test
  void salvageGivesNullForAResponse() {
    byte[] b = bytes(crlf("SIP/2.0 200 OK", "Via: SIP/2.0/UDP h", "From: <sip:a@b>", "To: <sip:a@b>", "Call-ID: x", "CSeq: 1 INVITE", ""));
    assertNull(MessageParser.salvageRequest(b, 0, b.length));
  }
}
