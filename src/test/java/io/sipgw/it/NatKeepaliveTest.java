package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * NAT keep-alives (nathelper's natping/sipping) with real peers on loopback, pinged every second.
 * Every phone here registers from 127.0.0.1 with a private Contact (10.0.0.x): the gateway reaches
 * such a binding at the REGISTER's source address, never at the Contact, so nothing leaves the machine.
 */
@Timeout(90)
class NatKeepaliveTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final Duration ANSWER = Duration.ofSeconds(5);
  private static final int MAX_MISSED = 3;

  private TestGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) gateway.close();
  }

  private void start(String keepalive) {
    gateway = TestGateway.start(new JsonObject().put("nat",
        new JsonObject().put("keepalive", keepalive).put("interval", 1).put("maxMissed", MAX_MISSED)));
  }

  @Test
  void aSippPhoneThatAnswersStaysRegisteredAndIsDroppedOnceItStopsAnswering() throws IOException, InterruptedException {
    start("options");
    SippResult run = Sipp.scenario("register-behind-nat.xml").remote(HOST, gateway.port()).local(HOST).service("bob")
        .key("domain", TestGateway.DOMAIN).key("contact", "10.0.0.5:5060")
        .arg("-d", "5000", "-oocsf", scenario("answer-options.xml"))
        .timeout(Duration.ofSeconds(20)).traceMessages().run();
    run.assertSucceeded(1);
    List<TracedMessage> pings = new ArrayList<>();
    long answers = 0;
    for (TracedMessage m : run.traced()) {
      if (m.received() && m.isRequest("OPTIONS")) pings.add(m);
      if (m.sent() && m.isResponse(200, "OPTIONS")) answers++;
    }
    // five seconds at one ping a second: more than maxMissed pings, each answered
    assertTrue(pings.size() >= MAX_MISSED + 1, () -> pings.size() + " OPTIONS\n" + run.describe());
    assertEquals(pings.size(), answers, run::describe);
    assertEquals("sip:bob@10.0.0.5:5060", pings.get(0).message().requestUri());
    assertTrue(registered("bob"), "answering every ping, bob is still registered");

    // SIPp has gone: the pings go unanswered and the binding is dropped after maxMissed of them
    assertTrue(awaitUnregistered("bob", Duration.ofSeconds(MAX_MISSED + 4)), "bob's binding was not dropped");
    assertEquals(480, invite("bob"));
  }

  @Test
  void aClientThatNeverAnswersIsDroppedAfterMaxMissedPings() throws IOException, InterruptedException {
    try (SipPeer phone = phoneBehindNat("options", "carol", "10.0.0.6:5060")) {
      List<SipMessageText> pings = new ArrayList<>();
      SipMessageText m;
      while ((m = phone.receive(Duration.ofMillis(MAX_MISSED * 1000 + 2500))) != null) pings.add(m);
      assertEquals(MAX_MISSED, pings.size(), pings::toString);
      for (int i = 0; i < pings.size(); i++) {
        SipMessageText p = pings.get(i);
        assertEquals("OPTIONS", p.method());
        assertEquals("sip:carol@10.0.0.6:5060", p.requestUri());
        assertEquals((i + 1) + " OPTIONS", p.header("CSeq"));
        assertEquals("70", p.header("Max-Forwards"));
        assertTrue(p.header("Via").contains(";branch=z9hG4bK"), p::text);
        if (i > 0) assertFalse(pings.get(i - 1).header("Call-ID").equals(p.header("Call-ID")), "a new Call-ID per ping");
      }
      assertFalse(registered("carol"));
      assertEquals(480, invite("carol"));
    }
  }

  @Test
  void anyAnswerEvenA405KeepsTheBindingAndGoesNowhere() throws IOException {
    try (SipPeer phone = phoneBehindNat("options", "dave", "10.0.0.7:5060")) {
      for (int i = 0; i < MAX_MISSED + 2; i++) {
        SipMessageText ping = phone.receive(ANSWER);
        assertEquals("OPTIONS", ping.method());
        phone.send(SipPeer.response(ping, i % 2 == 0 ? 200 : 405, i % 2 == 0 ? "OK" : "Method Not Allowed", "dave", ""));
      }
      assertTrue(registered("dave"), "any answer, even 405, keeps the binding");
      SipMessageText next = phone.receive(ANSWER);
      assertEquals("OPTIONS", next.method(), "nothing but pings comes back: the answers went nowhere");
    }
  }

  @Test
  void crlfKeepalivesAreFourBytesAndExpectNoAnswer() throws IOException {
    try (SipPeer phone = phoneBehindNat("crlf", "erin", "10.0.0.8:5060")) {
      for (int i = 0; i < MAX_MISSED + 1; i++) {
        SipMessageText ping = phone.receive(ANSWER);
        assertEquals("\r\n\r\n", ping.text());
      }
      assertTrue(registered("erin"), "unanswered CRLF keep-alives drop nothing");
    }
  }

  @Test
  void aReloadedKeepaliveAppliesToTheBindingsAlreadyPinged() throws IOException {
    try (SipPeer phone = phoneBehindNat("crlf", "hank", "10.0.0.9:5060")) {
      assertEquals("\r\n\r\n", phone.receive(ANSWER).text());
      gateway.reload(new JsonObject().put("nat", new JsonObject().put("keepalive", "options")));
      SipMessageText next;
      do {
        next = phone.receive(ANSWER); // a CRLF already on its way may come first
      } while (next != null && next.text().equals("\r\n\r\n"));
      assertNotNull(next, "no OPTIONS after the reload");
      assertEquals("OPTIONS", next.method());
      assertEquals("sip:hank@10.0.0.9:5060", next.requestUri());
    }
  }

  @Test
  void aViaFromAnotherPortMarksAClientBehindNat() throws IOException {
    start("options");
    try (SipPeer phone = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      // sent-by says a port the REGISTER did not come from (RFC 3581): a NAT mapped it. The Contact
      // names that same address; nothing listens there, on this machine.
      int mapped = FreePorts.udpAndTcp(HOST);
      String register = phone.request("REGISTER", "sip:" + TestGateway.DOMAIN, "sip:frank@" + TestGateway.DOMAIN,
          "Contact: <sip:frank@127.0.0.1:" + mapped + ">\r\nExpires: 3600\r\n")
          .replaceFirst("Via: SIP/2.0/UDP [^;]*;", "Via: SIP/2.0/UDP 127.0.0.1:" + mapped + ";rport;");
      phone.send(register);
      assertEquals(200, phone.finalResponse(ANSWER).status());
      SipMessageText ping = phone.receive(ANSWER);
      assertEquals("OPTIONS", ping.method(), "pinged at the source port");
    }
  }

  @Test
  void aClientNotBehindNatIsNeverPinged() throws IOException {
    start("options");
    try (SipPeer phone = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      phone.send(phone.request("REGISTER", "sip:" + TestGateway.DOMAIN, "sip:gina@" + TestGateway.DOMAIN, "Expires: 3600\r\n"));
      assertEquals(200, phone.finalResponse(ANSWER).status());
      assertNull(phone.receive(Duration.ofMillis(MAX_MISSED * 1000 + 1500)), "a Contact reachable as written is not pinged");
      assertTrue(registered("gina"));
    }
  }

  /**
   * Starts a gateway with {@code keepalive} pings and a phone on a plain UDP socket that registers
   * {@code user} with the private Contact {@code sip:user@contact}.
   */
  private SipPeer phoneBehindNat(String keepalive, String user, String contact) throws IOException {
    start(keepalive);
    SipPeer phone = SipPeer.open(SippTransport.UDP, HOST, gateway.port());
    try {
      phone.send(phone.request("REGISTER", "sip:" + TestGateway.DOMAIN, "sip:" + user + "@" + TestGateway.DOMAIN,
          "Contact: <sip:" + user + "@" + contact + ">\r\nExpires: 3600\r\n"));
      SipMessageText ok = phone.finalResponse(ANSWER);
      assertEquals(200, ok.status(), ok::text);
      return phone;
    } catch (IOException | RuntimeException | Error e) {
      phone.close();
      throw e;
    }
  }

  /** Whether {@code user} has a binding: a REGISTER without Contact lists them (RFC 3261 §10.2.3). */
  private boolean registered(String user) throws IOException {
    try (SipPeer peer = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      String query = peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, "sip:" + user + "@" + TestGateway.DOMAIN, "")
          .replaceFirst("Contact: [^\r]*\r\n", "");
      peer.send(query);
      SipMessageText ok = peer.finalResponse(ANSWER);
      assertEquals(200, ok.status(), ok::text);
      return !ok.headers("Contact").isEmpty();
    }
  }

  private boolean awaitUnregistered(String user, Duration bound) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      if (!registered(user)) return true;
      Thread.sleep(200);
    }
    return false;
  }

  /** The final status of an INVITE for {@code user}. */
  private int invite(String user) throws IOException {
    try (SipPeer caller = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      caller.send(caller.request("INVITE", "sip:" + user + "@" + TestGateway.DOMAIN, "sip:" + user + "@" + TestGateway.DOMAIN, ""));
      return caller.finalResponse(ANSWER).status();
    }
  }

  private static String scenario(String name) {
    try {
      return Path.of(NatKeepaliveTest.class.getResource("/sipp/" + name).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
