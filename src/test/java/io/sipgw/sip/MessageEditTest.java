package io.sipgw.sip;

import static io.sipgw.sip.Messages.bytes;
import static io.sipgw.sip.Messages.crlf;
import static io.sipgw.sip.Messages.datagram;
import static io.sipgw.sip.Messages.stream;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link MessageEdit} rewrites only what it was told to: everything else is copied byte for byte. */
class MessageEditTest {

  private static String text(io.vertx.core.buffer.Buffer b) { return b.toString(StandardCharsets.ISO_8859_1); }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void prependViaAndNewMaxForwardsLeaveEveryOtherByteAlone() throws Exception {
    // Odd but legal spellings that a re-serialiser would normalise: compact form, folding, LF-only
    // line, tab, spacing, and a binary body with NUL, CR, LF and high octets.
    String head = "INVITE sip:bob@example.com SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9\r\n"
        + "Max-Forwards: 70\r\n"
        + "f:   Alice <sip:alice@example.com>;tag=9fxced76sl\r\n"
        + "To: Bob\r\n   <sip:bob@example.com>\r\n"
        + "Call-ID:\t3848276298220188511@192.0.2.1\n"
        + "CSeq: 1 INVITE\r\n"
        + "X-Weird :  kept   \r\n"
        + "Content-Type: application/octet-stream\r\n"
        + "Content-Length: 7\r\n"
        + "\r\n";
    byte[] body = {0, '\r', '\n', (byte) 0xff, '\r', 0, '\n'};
    byte[] in = concat(bytes(head), body);
    SipMessage m = MessageParser.parse(in, 0, in.length, false);

    byte[] out = m.edit()
        .prepend(HeaderName.VIA, "SIP/2.0/UDP proxy.example.com:5060;branch=z9hG4bKnew")
        .replace(m.field(HeaderName.MAX_FORWARDS), "69")
        .toBuffer().getBytes();

    String expectedHead = "INVITE sip:bob@example.com SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP proxy.example.com:5060;branch=z9hG4bKnew\r\n"
        + head.substring(head.indexOf("Via: SIP/2.0/UDP 192")).replace("Max-Forwards: 70\r\n", "Max-Forwards: 69\r\n");
    assertArrayEquals(concat(bytes(expectedHead), body), out);
  }

  @Test
  void prependsGoOnTopInReverseOrderOfCalls() throws Exception {
    SipMessage m = stream(crlf("OPTIONS sip:a@b SIP/2.0", "Call-ID: c", "Content-Length: 0", ""));
    String out = text(m.edit().prepend(HeaderName.VIA, "SIP/2.0/UDP one").prepend(HeaderName.RECORD_ROUTE, "<sip:p;lr>").toBuffer());
    assertEquals(crlf("OPTIONS sip:a@b SIP/2.0", "Record-Route: <sip:p;lr>", "Via: SIP/2.0/UDP one", "Call-ID: c", "Content-Length: 0", ""), out);
  }

  @Test
  void unchangedEditGivesTheSameBytes() throws Exception {
    String in = Messages.invite("Content-Length: 3") + "abc";
    assertEquals(in, text(stream(in).edit().toBuffer()));
  }

  @Test
  void removeFirstValueKeepsTheRestOfTheLine() throws Exception {
    SipMessage m = stream(crlf("SIP/2.0 200 OK",
        "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2, SIP/2.0/UDP ua.example.com;branch=z9hG4bK1",
        "Call-ID: c", "Content-Length: 0", ""));
    String out = text(m.edit().removeFirstValue(HeaderName.VIA, m.topVia().toString()).toBuffer());
    assertEquals(crlf("SIP/2.0 200 OK", "Via: SIP/2.0/UDP ua.example.com;branch=z9hG4bK1", "Call-ID: c", "Content-Length: 0", ""), out);
  }

  @Test
  void removeFirstValueOfASingleValueLineRemovesTheLine() throws Exception {
    SipMessage m = stream(crlf("SIP/2.0 200 OK",
        "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2",
        "Via: SIP/2.0/UDP ua.example.com;branch=z9hG4bK1",
        "Call-ID: c", "Content-Length: 0", ""));
    String out = text(m.edit().removeFirstValue(HeaderName.VIA, m.topVia().toString()).toBuffer());
    assertEquals(crlf("SIP/2.0 200 OK", "Via: SIP/2.0/UDP ua.example.com;branch=z9hG4bK1", "Call-ID: c", "Content-Length: 0", ""), out);
  }

  @Test
  void removeFirstValueOfAnAbsentHeaderChangesNothing() throws Exception {
    String in = crlf("SIP/2.0 200 OK", "Call-ID: c", "Content-Length: 0", "");
    assertEquals(in, text(stream(in).edit().removeFirstValue(HeaderName.ROUTE, "<sip:x>").toBuffer()));
  }

  @Test
  void replaceFirstValueKeepsTheRestOfTheLine() throws Exception {
    SipMessage m = stream(crlf("BYE sip:a@b SIP/2.0", "Route: <sip:p1;lr>, <sip:p2;lr>", "Content-Length: 0", ""));
    String out = text(m.edit().replaceFirstValue(HeaderName.ROUTE, "<sip:p1;lr>", "<sip:p1b;lr>").toBuffer());
    assertEquals(crlf("BYE sip:a@b SIP/2.0", "Route: <sip:p1b;lr>, <sip:p2;lr>", "Content-Length: 0", ""), out);
  }

  @Test
  void replaceKeepsTheReceivedNameSpelling() throws Exception {
    SipMessage m = stream(crlf("BYE sip:a@b SIP/2.0", "v: SIP/2.0/UDP h;branch=z9hG4bK1", "l: 0", ""));
    String out = text(m.edit().replace(m.field(HeaderName.VIA), "SIP/2.0/UDP h;branch=z9hG4bK1;received=192.0.2.9").toBuffer());
    assertEquals(crlf("BYE sip:a@b SIP/2.0", "v: SIP/2.0/UDP h;branch=z9hG4bK1;received=192.0.2.9", "l: 0", ""), out);
  }

  @Test
  void removeAndAppend() throws Exception {
    SipMessage m = stream(crlf("BYE sip:a@b SIP/2.0", "Route: <sip:p1;lr>", "Call-ID: c", "Content-Length: 0", ""));
    String out = text(m.edit().remove(m.field(HeaderName.ROUTE)).append("X-Added", "yes").toBuffer());
    assertEquals(crlf("BYE sip:a@b SIP/2.0", "Call-ID: c", "Content-Length: 0", "X-Added: yes", ""), out);
  }

  @Test
  void contentLengthIsAddedWhenTheOriginalHadNone() throws Exception {
    SipMessage m = datagram(crlf("MESSAGE sip:a@b SIP/2.0", "Call-ID: c", "") + "hello");
    assertEquals(crlf("MESSAGE sip:a@b SIP/2.0", "Call-ID: c", "Content-Length: 5", "") + "hello", text(m.edit().toBuffer()));
  }

  @Test
  void datagramWithoutBlankLineGetsLineEndingContentLengthAndBlankLine() throws Exception {
    SipMessage m = datagram("OPTIONS sip:a@b SIP/2.0\r\nCall-ID: c\r\nCSeq: 1 OPTIONS");
    assertEquals(crlf("OPTIONS sip:a@b SIP/2.0", "Call-ID: c", "CSeq: 1 OPTIONS", "Content-Length: 0", ""), text(m.edit().toBuffer()));
  }

  @Test
  void datagramOctetsPastContentLengthAreNotForwarded() throws Exception {
    SipMessage m = datagram(crlf("MESSAGE sip:a@b SIP/2.0", "Content-Length: 2", "") + "hiJUNK");
    assertEquals(crlf("MESSAGE sip:a@b SIP/2.0", "Content-Length: 2", "") + "hi", text(m.edit().toBuffer()));
  }

  @Test
  void requestUriIsReplaced() throws Exception {
    SipMessage m = stream(crlf("INVITE sip:bob@example.com SIP/2.0", "Call-ID: c", "Content-Length: 0", ""));
    assertEquals(crlf("INVITE sip:bob@192.0.2.4:5062;transport=tcp SIP/2.0", "Call-ID: c", "Content-Length: 0", ""),
        text(m.edit().requestUri("sip:bob@192.0.2.4:5062;transport=tcp").toBuffer()));
  }

  @Test
  void responseHasNoRequestUri() throws Exception {
    SipMessage m = stream(crlf("SIP/2.0 200 OK", "Content-Length: 0", ""));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.edit().requestUri("sip:x"));
    assertEquals("a response has no Request-URI", e.getMessage());
  }

  @Test
  void newBodyReplacesContentTypeAndLength() throws Exception {
    SipMessage m = stream(crlf("INVITE sip:a@b SIP/2.0", "Content-Type: text/plain", "Call-ID: c", "Content-Length: 3", "") + "old");
    assertEquals(crlf("INVITE sip:a@b SIP/2.0", "Call-ID: c", "Content-Type: application/sdp", "Content-Length: 4", "") + "v=0\n",
        text(m.edit().body("application/sdp", "v=0\n").toBuffer()));
  }

  @Test
  void sameTypeBodyKeepsContentTypeInPlaceAndRewritesOnlyTheLength() throws Exception {
    SipMessage m = stream(crlf("INVITE sip:a@b SIP/2.0", "c:  application/sdp ", "Call-ID: c", "l: 3", "Subject: x", "") + "old");
    assertEquals(crlf("INVITE sip:a@b SIP/2.0", "c:  application/sdp ", "Call-ID: c", "l: 10", "Subject: x", "") + "v=0\r\ns=-\r\n",
        text(m.edit().body("v=0\r\ns=-\r\n").toBuffer()));
  }

  @Test
  void sameTypeBodyAddsAContentLengthWhenThereWasNone() throws Exception {
    SipMessage m = datagram(crlf("SIP/2.0 200 OK", "Content-Type: application/sdp", "Call-ID: c", "") + "old");
    assertEquals(crlf("SIP/2.0 200 OK", "Content-Type: application/sdp", "Call-ID: c", "Content-Length: 4", "") + "v=0\n",
        text(m.edit().body("v=0\n").toBuffer()));
  }
}
