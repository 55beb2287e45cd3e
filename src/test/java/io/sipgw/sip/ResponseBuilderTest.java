package io.sipgw.sip;

import static io.sipgw.sip.Messages.crlf;
import static io.sipgw.sip.Messages.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A response to a received request (RFC 3261 §8.2.6) as {@link ResponseBuilder} writes it. */
class ResponseBuilderTest {
  private static final String REQUEST = "INVITE sip:bob@example.com SIP/2.0\r\n"
      + "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2, SIP/2.0/UDP  ua.example.com ;branch=z9hG4bK1\r\n"
      + "v: SIP/2.0/TCP third.example.com;branch=z9hG4bK0;received=192.0.2.3\r\n"
      + "Max-Forwards: 69\r\n"
      + "From:   \"Alice\" <sip:alice@example.com>;tag=9fxced76sl\r\n"
      + "To: Bob <sip:bob@example.com>\r\n"
      + "Contact: <sip:alice@192.0.2.1>\r\n"
      + "i: 3848276298220188511@192.0.2.1\r\n"
      + "CSeq:  1  INVITE\r\n"
      + "Subject: not copied\r\n"
      + "Content-Length: 0\r\n"
      + "\r\n";

  private static String text(io.vertx.core.buffer.Buffer b) { return b.toString(StandardCharsets.ISO_8859_1); }

  @Test
  void copiesViaFromCallIdCSeqBytesExactlyAndAddsToTag() throws Exception {
    SipRequest r = request(REQUEST);
    String out = text(ResponseBuilder.of(r, 486).toTag("xyz").toBuffer());
    assertEquals("SIP/2.0 486 Busy Here\r\n"
        + "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2, SIP/2.0/UDP  ua.example.com ;branch=z9hG4bK1\r\n"
        + "v: SIP/2.0/TCP third.example.com;branch=z9hG4bK0;received=192.0.2.3\r\n"
        + "From:   \"Alice\" <sip:alice@example.com>;tag=9fxced76sl\r\n"
        + "To: Bob <sip:bob@example.com>;tag=xyz\r\n"
        + "i: 3848276298220188511@192.0.2.1\r\n"
        + "CSeq:  1  INVITE\r\n"
        + "Content-Length: 0\r\n"
        + "\r\n", out);
  }

  @Test
  void reasonGivenIsUsed() throws Exception {
    String out = text(ResponseBuilder.of(request(REQUEST), 400, "Bad Request (missing Max-Forwards)").toTag("t").toBuffer());
    assertTrue(out.startsWith("SIP/2.0 400 Bad Request (missing Max-Forwards)\r\n"), out);
  }

  @Test
  void noToTagOn100Trying() throws Exception {
    String out = text(ResponseBuilder.of(request(REQUEST), 100).toBuffer());
    assertEquals("SIP/2.0 100 Trying\r\n"
        + "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2, SIP/2.0/UDP  ua.example.com ;branch=z9hG4bK1\r\n"
        + "v: SIP/2.0/TCP third.example.com;branch=z9hG4bK0;received=192.0.2.3\r\n"
        + "From:   \"Alice\" <sip:alice@example.com>;tag=9fxced76sl\r\n"
        + "To: Bob <sip:bob@example.com>\r\n"
        + "i: 3848276298220188511@192.0.2.1\r\n"
        + "CSeq:  1  INVITE\r\n"
        + "Content-Length: 0\r\n"
        + "\r\n", out);
  }

  @Test
  void existingToTagIsKept() throws Exception {
    SipRequest r = request(REQUEST.replace("To: Bob <sip:bob@example.com>", "To: Bob <sip:bob@example.com>;tag=have"));
    String out = text(ResponseBuilder.of(r, 200).toTag("other").toBuffer());
    assertTrue(out.contains("\r\nTo: Bob <sip:bob@example.com>;tag=have\r\n"), out);
    assertEquals(1, out.split("tag=have", -1).length - 1);
    assertEquals(-1, out.indexOf("other"));
  }

  @Test
  void derivedTagIsTheSameForARetransmission() throws Exception {
    String first = text(ResponseBuilder.of(request(REQUEST), 404).toBuffer());
    String again = text(ResponseBuilder.of(request(REQUEST), 404).toBuffer());
    assertEquals(first, again);
    String to = first.substring(first.indexOf("\r\nTo: ") + 2, first.indexOf("\r\n", first.indexOf("\r\nTo: ") + 2));
    assertTrue(to.matches("To: Bob <sip:bob@example\\.com>;tag=sgw[0-9a-f]+"), to);
  }

  @Test
  void derivedTagDiffersForAnotherTransaction() throws Exception {
    String a = text(ResponseBuilder.of(request(REQUEST), 404).toBuffer());
    String b = text(ResponseBuilder.of(request(REQUEST.replace("CSeq:  1  INVITE", "CSeq:  2  INVITE")), 404).toBuffer());
    assertNotEquals(toLine(a), toLine(b));
  }

  private static String toLine(String response) {
    int s = response.indexOf("\r\nTo: ") + 2;
    return response.substring(s, response.indexOf("\r\n", s));
  }

  @Test
  void extraHeadersAndBody() throws Exception {
    String out = text(ResponseBuilder.of(request(REQUEST), 423).toTag("t")
        .header(HeaderName.MIN_EXPIRES, "60").header("X-Why", "because").body("text/plain", "hi").toBuffer());
    assertTrue(out.endsWith("CSeq:  1  INVITE\r\nMin-Expires: 60\r\nX-Why: because\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi"), out);
    assertTrue(out.startsWith("SIP/2.0 423 "), out);
  }

  @Test
  void lastHeaderWithoutLineEndingGetsOne() throws Exception {
    SipRequest r = request(crlf("OPTIONS sip:a@b SIP/2.0", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "From: <sip:a@b>;tag=1", "To: <sip:a@b>",
        "Call-ID: c") + "CSeq: 1 OPTIONS");
    assertEquals(crlf("SIP/2.0 200 OK", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "From: <sip:a@b>;tag=1", "To: <sip:a@b>;tag=t",
        "Call-ID: c", "CSeq: 1 OPTIONS", "Content-Length: 0", ""), text(ResponseBuilder.of(r, 200).toTag("t").toBuffer()));
  }
}
