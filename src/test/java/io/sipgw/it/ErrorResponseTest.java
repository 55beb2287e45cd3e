package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Requests SIPp cannot or should not send, by hand over plain sockets on loopback: the error
 * responses of the proxy and registrar, and a gateway that keeps serving after a malformed
 * message.
 */
@Timeout(60)
class ErrorResponseTest extends GatewayTest {
  @Test
  void unknownUserIs404() throws IOException {
    try (SipPeer peer = udpPeer()) {
      String uri = "sip:nobody@" + peer.gatewayHostPort();
      peer.send(peer.request("INVITE", uri, uri, ""));
      assertEquals(404, peer.finalResponse(ANSWER).status());
    }
  }

  @Test
  void maxForwardsZeroIs483() throws IOException {
    try (SipPeer peer = udpPeer()) {
      // dave is bound to this very peer: a proxy that forwarded the request would send it here
      assertEquals(200, register(peer, "dave", "Expires: 3600\r\n").status());
      String uri = "sip:dave@" + peer.gatewayHostPort();
      peer.send(peer.request("INVITE", uri, uri, "Max-Forwards: 0\r\n"));
      assertEquals(483, peer.finalResponse(ANSWER).status());
    }
  }

  @Test
  void tooBriefARegistrationIs423WithMinExpires() throws IOException {
    try (SipPeer peer = udpPeer()) {
      SipMessageText response = register(peer, "erin", "Expires: 10\r\n");
      assertEquals(423, response.status(), response::text);
      assertEquals("60", response.header("Min-Expires"), response::text);
    }
  }

  @ParameterizedTest
  @EnumSource(SippTransport.class)
  void malformedRequestIs400AndTheGatewayKeepsServing(SippTransport transport) throws IOException {
    try (SipPeer peer = SipPeer.open(transport, HOST, gateway.port())) {
      String aor = "sip:frank@" + TestGateway.DOMAIN;
      peer.send(peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "CSeq: one REGISTER\r\n"));
      SipMessageText rejected = peer.finalResponse(ANSWER);
      assertEquals(400, rejected.status(), rejected::text);

      // the same socket (for TCP, the same connection) still gets answers
      SipMessageText accepted = register(peer, "frank", "Expires: 3600\r\n");
      assertEquals(200, accepted.status(), accepted::text);
    }
  }

  @Test
  void garbageDatagramIsDroppedAndTheGatewayKeepsServing() throws IOException {
    try (SipPeer peer = udpPeer()) {
      peer.send("this is not SIP\r\n\r\n");
      peer.send("INVITE sip:\u0000\u0001\u0002 SIP/2.0\r\nVia: nonsense\r\n\r\n");
      assertNull(peer.receive(Duration.ofMillis(500)), "nothing to answer to garbage without a usable Via");

      SipMessageText accepted = register(peer, "grace", "Expires: 3600\r\n");
      assertNotNull(accepted);
      assertEquals(200, accepted.status(), accepted::text);
    }
  }

  private SipPeer udpPeer() throws IOException { return SipPeer.open(SippTransport.UDP, HOST, gateway.port()); }

  private static SipMessageText register(SipPeer peer, String user, String headers) throws IOException {
    String aor = "sip:" + user + "@" + TestGateway.DOMAIN;
    peer.send(peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, headers));
    return peer.finalResponse(ANSWER);
  }
}
