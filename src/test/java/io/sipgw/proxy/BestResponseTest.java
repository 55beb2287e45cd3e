package io.sipgw.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.sip.MessageParser;
import io.sipgw.sip.SipMessage;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFC 3261 §16.7 steps 6 and 7: which final response goes up, and how. */
class BestResponseTest {
  private static final String HEAD = "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKproxy\r\n"
      + "Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKcaller\r\n"
      + "From: <sip:alice@localhost>;tag=a\r\nTo: <sip:bob@localhost>;tag=b\r\nCall-ID: c@test\r\nCSeq: 1 INVITE\r\n";
  private static final SipRequest INVITE = (SipRequest) parse("INVITE sip:bob@localhost SIP/2.0\r\n"
      + "Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKcaller\r\nFrom: <sip:alice@localhost>;tag=a\r\n"
      + "To: <sip:bob@localhost>\r\nCall-ID: c@test\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");

  private final BestResponse best = new BestResponse();

  private static SipMessage parse(String text) {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    try {
      return MessageParser.parse(b, 0, b.length, true);
    } catch (SipParseException e) {
      throw new AssertionError(e.reason());
    }
  }

  private static SipResponse response(int status, String extra) {
    return (SipResponse) parse("SIP/2.0 " + status + " R\r\n" + HEAD + extra + "Content-Length: 0\r\n\r\n");
  }

  private String sent() throws SipParseException { return best.toSend(INVITE).toString(StandardCharsets.ISO_8859_1); }

  @Test
  void theLowestClassWinsAndTheFirstOfAClassIsKept() throws Exception {
    best.consider(503, response(503, ""), null);
    best.consider(486, response(486, "X-First: yes\r\n"), null);
    best.consider(480, response(480, ""), null);
    assertEquals(486, best.statusToSend());
    assertTrue(sent().contains("X-First: yes"), sent());
  }

  @Test
  void a6xxBeatsEverythingElse() throws Exception {
    best.consider(302, response(302, ""), null);
    best.consider(603, response(603, ""), null);
    best.consider(404, response(404, ""), null);
    assertEquals(603, best.statusToSend());
  }

  @Test
  void a503FromDownstreamGoesUpAs500ButOurOwn503Stays() throws Exception {
    best.consider(503, response(503, ""), null);
    assertEquals(500, best.statusToSend());
    assertTrue(sent().startsWith("SIP/2.0 500 "), sent());
    best.clear();
    best.consider(503, null, "Service Unavailable (next hop unreachable)");
    assertEquals(503, best.statusToSend());
    assertTrue(sent().startsWith("SIP/2.0 503 Service Unavailable (next hop unreachable)\r\n"), sent());
  }

  @Test
  void aReceivedResponseGoesUpWithoutOurVia() throws Exception {
    best.consider(486, response(486, ""), null);
    assertFalse(sent().contains("z9hG4bKproxy"), sent());
    assertTrue(sent().contains("z9hG4bKcaller"), sent());
  }

  @Test
  void everyChallengeGoesUpWithThe401Or407() throws Exception {
    best.consider(401, response(401, "WWW-Authenticate: Digest realm=\"a\"\r\n"), null);
    best.consider(407, response(407, "Proxy-Authenticate: Digest realm=\"b\"\r\n"), null);
    String s = sent();
    assertTrue(s.startsWith("SIP/2.0 401 "), s);
    assertTrue(s.contains("WWW-Authenticate: Digest realm=\"a\"\r\n") && s.contains("Proxy-Authenticate: Digest realm=\"b\"\r\n"), s);
  }

  @Test
  void withNoAnswerAtAllTheCallerGets408() throws Exception {
    assertEquals(0, best.status());
    assertEquals(408, best.statusToSend());
    assertTrue(sent().startsWith("SIP/2.0 408 "), sent());
  }
}
