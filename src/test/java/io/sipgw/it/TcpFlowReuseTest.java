package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A phone registered over TCP is reached over the connection it registered on. Its Contact names
 * a port where nobody listens (as behind a NAT or with an ephemeral source port), so a proxy that
 * opened a new connection to the Contact could not deliver the INVITE: it has to arrive on the
 * phone's own registration connection (the flow of RFC 5626 §5.3; RFC 3261 §18.2.2 reuse of the
 * connection a request came on).
 */
@Timeout(60)
class TcpFlowReuseTest extends GatewayTest {
  @Test
  void inviteArrivesOnThePhonesRegistrationConnection() throws IOException {
    int unreachable = FreePorts.udpAndTcp(HOST); // free: nobody listens there
    String contact = "sip:dave@" + Sipp.hostPort(HOST, unreachable) + ";transport=tcp";
    String aor = "sip:dave@" + TestGateway.DOMAIN;
    try (SipPeer phone = SipPeer.open(SippTransport.TCP, HOST, gateway.port());
         SipPeer caller = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      phone.send(phone.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor,
          "Contact: <" + contact + ">\r\nExpires: 3600\r\n"));
      SipMessageText registered = phone.finalResponse(ANSWER);
      assertEquals(200, registered.status(), registered::text);

      caller.send(caller.request("INVITE", aor, aor, ""));

      SipMessageText invite = phone.receive(ANSWER);
      assertNotNull(invite, "the INVITE did not arrive on the phone's registration connection");
      assertFalse(invite.isResponse(), invite::text);
      assertEquals("INVITE", invite.method(), invite::text);
      assertEquals(contact, invite.requestUri(), "the Request-URI is the registered Contact\n" + invite);
      assertTrue(invite.headers("Via").size() >= 2, "the proxy added its Via over the caller's\n" + invite);
      assertTrue(invite.headers("Via").get(0).startsWith("SIP/2.0/TCP"), "the proxy's Via names TCP\n" + invite);

      phone.send(SipPeer.response(invite, 200, "OK", "phone1", "Contact: <" + contact + ">\r\n"));

      SipMessageText answer = caller.finalResponse(ANSWER);
      assertEquals(200, answer.status(), answer::text);
      assertEquals(invite.header("Call-ID"), answer.header("Call-ID"), answer::text);
      assertTrue(answer.header("To").contains("tag=phone1"), "the caller's 200 carries the phone's To tag\n" + answer);
      assertEquals(1, answer.headers("Via").size(), "the proxy removed its own Via\n" + answer);
    }
  }
}
