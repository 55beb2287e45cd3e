package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stream framing on a real TCP connection to the gateway (RFC 3261 §18.3): several messages in
 * one segment, one message cut into single bytes, the CRLFCRLF keep-alive of RFC 5626 §4.4.1,
 * and a message over {@code transport.maxMessageSize}.
 */
@Timeout(60)
class MultipleMessagesTcpTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final Duration ANSWER = Duration.ofSeconds(5);
  private static final int MAX_MESSAGE_SIZE = 2048;

  private TestGateway gateway;

  @AfterEach
  void stopGateway() {
    if (gateway != null) gateway.close();
  }

  @Test
  void threeRegistersOfThreeUsersInOneWriteGetAnAnswerEach() throws IOException {
    gateway = TestGateway.start();
    try (SipPeer peer = tcpPeer()) {
      StringBuilder batch = new StringBuilder();
      Set<String> callIds = new HashSet<>();
      for (String user : List.of("ann", "ben", "cat")) {
        String aor = "sip:" + user + "@" + TestGateway.DOMAIN;
        String register = peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "Expires: 3600\r\n");
        callIds.add(new SipMessageText(register).header("Call-ID"));
        batch.append(register);
      }
      peer.send(batch.toString()); // one write()

      // three transactions of three Call-IDs: RFC 3261 does not order their answers, the gateway
      // may handle them on different event loops; each must get its own 200
      Set<String> answered = new HashSet<>();
      for (int i = 0; i < callIds.size(); i++) {
        SipMessageText response = peer.finalResponse(ANSWER);
        assertEquals(200, response.status(), response::text);
        answered.add(response.header("Call-ID"));
      }
      assertEquals(callIds, answered, "one 200 for each REGISTER");
    }
  }

  @Test
  void threeRegistersOfOneCallIdInOneWriteGetThreeAnswersInOrder() throws IOException {
    gateway = TestGateway.start();
    try (SipPeer peer = tcpPeer()) {
      String aor = "sip:abe@" + TestGateway.DOMAIN;
      // one UA refreshing its registration (RFC 3261 §10.2.4): one Call-ID, one From tag, CSeq 1, 2, 3
      String first = peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "CSeq: 1 REGISTER\r\nExpires: 3600\r\n");
      SipMessageText firstText = new SipMessageText(first);
      StringBuilder batch = new StringBuilder(first);
      for (int cseq = 2; cseq <= 3; cseq++) {
        SipMessageText next = new SipMessageText(peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor,
            "CSeq: " + cseq + " REGISTER\r\nExpires: 3600\r\n"));
        batch.append(next.text()
            .replace("Call-ID: " + next.header("Call-ID"), "Call-ID: " + firstText.header("Call-ID"))
            .replace("From: " + next.header("From"), "From: " + firstText.header("From")));
      }
      peer.send(batch.toString()); // one write()

      for (int cseq = 1; cseq <= 3; cseq++) {
        SipMessageText response = peer.finalResponse(ANSWER);
        assertEquals(200, response.status(), response::text);
        assertEquals(cseq + " REGISTER", response.header("CSeq"), "answers come in CSeq order\n" + response);
      }
    }
  }

  @Test
  void registerSentByteByByteIsAnswered() throws IOException {
    gateway = TestGateway.start();
    try (SipPeer peer = tcpPeer()) {
      String aor = "sip:dan@" + TestGateway.DOMAIN;
      String register = peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "Expires: 3600\r\n");
      peer.sendInPieces(register, 1, Duration.ofMillis(1)); // a few hundred bytes: well under a second

      SipMessageText response = peer.finalResponse(ANSWER);
      assertEquals(200, response.status(), response::text);
      assertEquals(new SipMessageText(register).header("Call-ID"), response.header("Call-ID"), response::text);
    }
  }

  @Test
  void doubleCrlfPingGetsASingleCrlfPong() throws IOException {
    gateway = TestGateway.start();
    try (SipPeer peer = tcpPeer()) {
      String aor = "sip:eve@" + TestGateway.DOMAIN;
      peer.send(peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "Expires: 3600\r\n"));
      assertEquals(200, peer.finalResponse(ANSWER).status());

      peer.send("\r\n\r\n");
      assertEquals("\r\n", peer.receiveRaw(Duration.ofMillis(700)), "one CRLF pong (RFC 5626 §4.4.1), nothing more");

      // the connection still carries SIP after the keep-alive
      peer.send(peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "Expires: 3600\r\n"));
      assertEquals(200, peer.finalResponse(ANSWER).status());
    }
  }

  @Test
  void messageLargerThanMaxMessageSizeIs513AndTheConnectionCloses() throws IOException {
    gateway = TestGateway.start(new JsonObject()
        .put("transport", new JsonObject().put("maxMessageSize", MAX_MESSAGE_SIZE)));
    try (SipPeer peer = tcpPeer()) {
      String aor = "sip:fred@" + TestGateway.DOMAIN;
      // the header section is small; the body takes the message past the limit
      String body = "x".repeat(MAX_MESSAGE_SIZE + 500);
      String head = peer.request("MESSAGE", aor, aor, "Content-Type: text/plain\r\n")
          .replace("Content-Length: 0\r\n", "Content-Length: " + body.length() + "\r\n");
      peer.send(head + body);

      SipMessageText response = peer.finalResponse(ANSWER);
      assertEquals(513, response.status(), response::text);
      assertEquals(new SipMessageText(head).header("Call-ID"), response.header("Call-ID"), response::text);
      assertTrue(peer.awaitClosed(ANSWER), "the gateway closes a connection whose framing it gave up on");
    }
  }

  private SipPeer tcpPeer() throws IOException { return SipPeer.open(SippTransport.TCP, HOST, gateway.port()); }
}
