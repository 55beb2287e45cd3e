package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIP capture against a running gateway: each message it receives and sends arrives at a HEP collector
 * (a socket of this test that decodes the chunks) with its addresses, ports, protocol and exact bytes;
 * a reload that turns capture off stops the packets, one that turns it back on resumes them, and so
 * does the run-time switch the admin RPC calls.
 */
@Timeout(60)
class HepCaptureTest {
  private static final Duration BOUND = Duration.ofSeconds(5);
  /** How long no packet must come for a message sent while capture is off. */
  private static final Duration QUIET = Duration.ofMillis(1000);

  private static JsonObject capture(HepReceiver collector, boolean enabled) {
    return new JsonObject().put("capture", new JsonObject().put("hep", collector.address()).put("enabled", enabled)
        .put("agentId", 2042).put("password", "s3cret"));
  }

  @Test
  void registerAndItsResponseArriveAsTwoPacketsAndReloadTurnsCaptureOffAndOn() throws IOException {
    try (HepReceiver collector = new HepReceiver(); TestGateway gw = TestGateway.start(capture(collector, true))) {
      assertCaptured(collector, gw, SippTransport.UDP, "alice");
      assertCaptured(collector, gw, SippTransport.TCP, "bob");
      if (gw.hasIpv6()) assertCaptured(collector, gw, SippTransport.UDP, FreePorts.IPV6_LOOPBACK, "ann");

      gw.reload(capture(collector, false));
      assertNotCaptured(collector, gw, "carol");

      gw.reload(capture(collector, true));
      assertCaptured(collector, gw, SippTransport.UDP, "dave");

      gw.sipgw().capture().enable(false); // as the admin RPC does
      assertFalse(gw.sipgw().capture().enabled());
      assertNotCaptured(collector, gw, "erin");
      gw.sipgw().capture().enable(true);
      assertCaptured(collector, gw, SippTransport.UDP, "frank");
      assertTrue(gw.sipgw().capture().sentPackets() >= 8, () -> "sent " + gw.sipgw().capture().sentPackets());
    }
  }

  /** A REGISTER of {@code user} and its 200: two packets, in and out, with the exact bytes. */
  private static void assertCaptured(HepReceiver collector, TestGateway gw, SippTransport transport, String user) throws IOException {
    assertCaptured(collector, gw, transport, FreePorts.IPV4_LOOPBACK, user);
  }

  /** As above, to the gateway's listener at {@code host} (127.0.0.1 or ::1). */
  private static void assertCaptured(HepReceiver collector, TestGateway gw, SippTransport transport, String host, String user)
      throws IOException {
    boolean v6 = host.contains(":");
    try (SipPeer peer = SipPeer.open(transport, host, gw.port(host))) {
      String register = peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, "sip:" + user + "@" + TestGateway.DOMAIN, "Expires: 600\r\n");
      String callId = new SipMessageText(register).header("Call-ID");
      peer.send(register);
      SipMessageText ok = peer.finalResponse(BOUND);
      assertEquals(200, ok.status(), ok::text);
      List<HepReceiver.Packet> packets = collector.await(callId, 2, BOUND);
      assertEquals(2, packets.size(), () -> "HEP packets of " + callId + " over " + transport + ": " + packets);
      int protocol = transport == SippTransport.UDP ? 17 : 6;
      long now = System.currentTimeMillis() / 1000;

      // the two may reach the collector in either order (in and out are captured on their own threads)
      boolean requestFirst = packets.get(0).payloadText().startsWith("REGISTER ");
      HepReceiver.Packet in = packets.get(requestFirst ? 0 : 1);
      assertEquals(register, in.payloadText(), "the REGISTER as received");
      assertArrayEquals(register.getBytes(StandardCharsets.UTF_8), in.payload());
      assertEquals(v6 ? 10 : 2, in.family());
      assertEquals(protocol, in.protocol());
      assertEquals(InetAddress.getByName(host), in.source());
      assertEquals(peer.localPort(), in.sourcePort());
      assertEquals(InetAddress.getByName(host), in.destination());
      assertEquals(gw.port(host), in.destinationPort());
      assertEquals(1, in.protocolType(), "SIP");
      assertEquals(2042, in.agentId());
      assertEquals("s3cret", in.authKey());
      assertTrue(Math.abs(in.seconds() - now) <= 5 && in.microseconds() >= 0 && in.microseconds() < 1_000_000, in::toString);

      HepReceiver.Packet out = packets.get(requestFirst ? 1 : 0);
      assertEquals(ok.text(), out.payloadText(), "the 200 as sent");
      assertEquals(protocol, out.protocol());
      assertEquals(v6 ? 10 : 2, out.family());
      assertEquals(InetAddress.getByName(host), out.source());
      assertEquals(gw.port(host), out.sourcePort());
      assertEquals(InetAddress.getByName(host), out.destination());
      assertEquals(peer.localPort(), out.destinationPort());
      assertEquals(1, out.protocolType());
    }
  }

  @Test
  void webSocketMessagesAreCapturedAsTcpWithoutTheirFraming() throws IOException {
    try (HepReceiver collector = new HepReceiver(); TestGateway gw = TestGateway.startWebSocket(capture(collector, true));
        WsPeer peer = WsPeer.connect(gw.wsPort())) {
      String callId = "ws-capture-" + System.nanoTime();
      String aor = "sip:wendy@" + TestGateway.DOMAIN;
      String register = peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "<" + aor + ">", callId, 1,
          "Contact: <" + peer.contactUri("wendy") + ">\r\nExpires: 600\r\n");
      peer.send(register);
      SipMessageText ok = peer.finalResponse(BOUND);
      assertEquals(200, ok.status(), ok::text);
      List<HepReceiver.Packet> packets = collector.await(callId, 2, BOUND);
      assertEquals(2, packets.size(), () -> "HEP packets over WS: " + packets);
      boolean requestFirst = packets.get(0).payloadText().startsWith("REGISTER ");
      HepReceiver.Packet in = packets.get(requestFirst ? 0 : 1);
      HepReceiver.Packet out = packets.get(requestFirst ? 1 : 0);
      assertEquals(register, in.payloadText());
      assertEquals(ok.text(), out.payloadText());
      for (HepReceiver.Packet p : packets) assertEquals(6, p.protocol(), "WS as TCP");
      assertEquals(gw.wsPort(), in.destinationPort());
      assertEquals(gw.wsPort(), out.sourcePort());
      assertEquals(in.sourcePort(), out.destinationPort());
    }
  }

  private static void assertArrayEquals(byte[] expected, byte[] actual) {
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, "payload bytes");
  }

  /** A REGISTER while capture is off: answered, and no packet of it reaches the collector. */
  private static void assertNotCaptured(HepReceiver collector, TestGateway gw, String user) throws IOException {
    try (SipPeer peer = SipPeer.open(SippTransport.UDP, FreePorts.IPV4_LOOPBACK, gw.port())) {
      String register = peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, "sip:" + user + "@" + TestGateway.DOMAIN, "Expires: 600\r\n");
      peer.send(register);
      assertEquals(200, peer.finalResponse(BOUND).status());
      assertNull(collector.next(QUIET), "no HEP packet while capture is off");
    }
  }
}
