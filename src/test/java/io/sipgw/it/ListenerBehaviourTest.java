package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a listener puts in and takes off the wire: the advertised address (Kamailio's
 * {@code listen=... advertise}) in Via and Record-Route, and the idle timeout of TCP connections.
 */
@Timeout(60)
class ListenerBehaviourTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final Duration ANSWER = Duration.ofSeconds(5);
  /** A documentation address (RFC 5737): it only appears in headers; nothing is sent to it. */
  private static final String ADVERTISED = "203.0.113.7:5099";

  private TestGateway gateway;

  @AfterEach
  void stopGateway() {
    if (gateway != null) gateway.close();
  }

  @Test
  void forwardedRequestsCarryTheAdvertisedAddressInViaAndRecordRoute() throws IOException {
    int port = FreePorts.udpAndTcp(HOST);
    JsonObject json = TestGateway.config(port, 0);
    json.put("listen", new JsonArray()
        .add(new JsonObject().put("transport", "udp").put("host", HOST).put("port", port).put("advertise", ADVERTISED))
        .add(new JsonObject().put("transport", "tcp").put("host", HOST).put("port", port)));
    gateway = TestGateway.start(port, 0, json);
    try (SipPeer callee = SipPeer.open(SippTransport.UDP, HOST, port);
         SipPeer caller = SipPeer.open(SippTransport.UDP, HOST, port)) {
      String aor = "sip:fay@" + TestGateway.DOMAIN;
      callee.send(callee.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "Expires: 3600\r\n"));
      assertEquals(200, callee.finalResponse(ANSWER).status());

      caller.send(caller.request("INVITE", aor, aor, ""));
      SipMessageText invite = callee.receive(ANSWER);
      assertNotNull(invite, "the INVITE reached the registered contact");
      List<String> vias = invite.headers("Via");
      assertTrue(vias.get(0).startsWith("SIP/2.0/UDP " + ADVERTISED + ";branch=z9hG4bK"), invite.text());
      assertEquals("<sip:" + ADVERTISED + ";transport=udp;lr>", invite.headers("Record-Route").get(0), invite.text());
    }
  }

  @Test
  void anIdleTcpConnectionIsClosedAfterTcpIdleTimeout() throws IOException {
    gateway = TestGateway.start(new JsonObject().put("transport", new JsonObject().put("tcpIdleTimeout", 2)));
    try (SipPeer phone = SipPeer.open(SippTransport.TCP, HOST, gateway.port())) {
      String aor = "sip:gil@" + TestGateway.DOMAIN;
      phone.send(phone.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "Expires: 3600\r\n"));
      assertEquals(200, phone.finalResponse(ANSWER).status());
      long started = System.nanoTime();
      assertTrue(phone.awaitClosed(Duration.ofSeconds(8)), "the gateway closed the idle connection");
      assertTrue(System.nanoTime() - started >= 1_000_000_000L, "not closed before it was idle");
    }
  }
}
