package io.sipgw.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.sip.HeaderName;
import io.sipgw.sip.MessageParser;
import io.sipgw.sip.MessageValidator;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.Transport;
import io.sipgw.sip.Via;
import io.sipgw.transport.Listener;
import org.junit.jupiter.api.Test;

/** The keep-alive OPTIONS is a valid out-of-dialog request whose answers are recognised as ours. */
class PingRequestTest {
  private static final Listener UDP = new Listener("udp:127.0.0.1:5060", Transport.UDP, "127.0.0.1", 5060, "198.51.100.1", 5062);

  @Test
  void theOptionsIsAValidRequestToTheContact() throws SipParseException {
    SipRequest r = parse(PingRequest.options("sip:bob@10.0.0.5:5060;transport=udp", 42, 3, UDP).getBytes());
    MessageValidator.validateRequest(r);
    assertEquals("OPTIONS", r.method());
    assertEquals("sip:bob@10.0.0.5:5060;transport=udp", r.requestUriText());
    Via via = r.topVia();
    assertEquals("198.51.100.1", via.host(), "the listener's advertised address");
    assertEquals(5062, via.port());
    assertTrue(via.hasRfc3261Branch() && via.hasRport());
    assertEquals(70, r.maxForwards());
    assertEquals("sip:bob@10.0.0.5:5060;transport=udp", r.to().uri().toString());
    assertTrue(r.from().tag() != null && r.to().tag() == null);
    assertEquals(3, r.cseq().number());
    assertEquals(42, PingRequest.bindingId(r.callId()));
    assertEquals(null, r.header(HeaderName.CONTACT));
  }

  @Test
  void eachPingIsARequestOfItsOwn() throws SipParseException {
    SipRequest first = parse(PingRequest.options("sip:bob@10.0.0.5", 7, 1, UDP).getBytes());
    SipRequest second = parse(PingRequest.options("sip:bob@10.0.0.5", 7, 2, UDP).getBytes());
    assertTrue(!first.topVia().branch().equals(second.topVia().branch()));
    assertTrue(!first.callId().equals(second.callId()));
    assertEquals(7, PingRequest.bindingId(second.callId()));
  }

  @Test
  void onlyOurOwnCallIdsAreRecognised() {
    assertEquals(-1, PingRequest.bindingId("a84b4c76e66710@pc33.atlanta.com"));
    assertEquals(-1, PingRequest.bindingId("ka-0-1.1@x"), "another node's prefix");
    assertEquals(-1, PingRequest.bindingId(PingRequest.CALL_ID_PREFIX + ".1@x"));
    assertEquals(-1, PingRequest.bindingId(PingRequest.CALL_ID_PREFIX + "12a.1@x"));
    assertEquals(-1, PingRequest.bindingId(PingRequest.CALL_ID_PREFIX + "12"));
    assertEquals(-1, PingRequest.bindingId(null));
    assertEquals(12, PingRequest.bindingId(PingRequest.CALL_ID_PREFIX + "12.3@x"));
  }

  private static SipRequest parse(byte[] b) throws SipParseException { return (SipRequest) MessageParser.parse(b, 0, b.length, true); }
}
