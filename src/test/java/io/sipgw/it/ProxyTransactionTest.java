package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stateful proxy's choices (RFC 3261 §16.7, §16.6, §17.2) seen from plain UDP sockets that play
 * caller and callees, where each step must be checked message by message: a failed branch does not
 * spoil the others, a 503 goes up as 500, a 6xx cancels the other branches, every 2xx is forwarded,
 * a retransmitted INVITE is absorbed, and a strict router as next hop gets the Request-URI it expects.
 */
@Timeout(60)
class ProxyTransactionTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String BOB = "sip:bob@" + TestGateway.DOMAIN;

  private TestGateway gateway;
  private final List<SipPeer> peers = new ArrayList<>();

  @BeforeEach
  void start() { gateway = TestGateway.start(); }

  @AfterEach
  void stop() throws IOException {
    for (SipPeer p : peers) p.close();
    gateway.close();
  }

  private SipPeer peer() throws IOException {
    SipPeer p = SipPeer.open(SippTransport.UDP, HOST, gateway.port());
    peers.add(p);
    return p;
  }

  /** A phone registered as bob at its own address. */
  private SipPeer phone() throws IOException {
    SipPeer p = peer();
    register(p, "<sip:bob@" + p.hostPort() + ">");
    return p;
  }

  private void register(SipPeer via, String contact) throws IOException {
    via.send(via.request("REGISTER", "sip:" + TestGateway.DOMAIN, BOB, "Contact: " + contact + "\r\nExpires: 600\r\n"));
    assertEquals(200, via.finalResponse(WAIT).status());
  }

  private String invite(SipPeer caller) {
    return caller.request("INVITE", "sip:bob@" + caller.gatewayHostPort(), BOB, "");
  }

  /** A call forked to two registered phones, each of which has received its INVITE. */
  private record Fork(SipPeer caller, SipPeer bob1, SipPeer bob2, SipMessageText inv1, SipMessageText inv2) { }

  private Fork forkToTwoPhones() throws IOException {
    SipPeer bob1 = phone();
    SipPeer bob2 = phone();
    SipPeer caller = peer();
    caller.send(invite(caller));
    return new Fork(caller, bob1, bob2, request(bob1, "INVITE"), request(bob2, "INVITE"));
  }

  /** The next request the gateway sends {@code phone}, skipping nothing; fails if none comes. */
  private static SipMessageText request(SipPeer phone, String method) throws IOException {
    SipMessageText m = phone.receive(WAIT);
    assertNotNull(m, "no " + method + " reached the phone");
    assertEquals(method, m.method(), "expected " + method + ", got:\n" + m);
    return m;
  }

  /** The next response to the caller other than 100 Trying. */
  private static SipMessageText response(SipPeer caller) throws IOException {
    while (true) {
      SipMessageText m = caller.receive(WAIT);
      assertNotNull(m, "no response reached the caller");
      if (m.status() != 100) return m;
    }
  }

  @Test
  void aBranchThatCannotBeReachedDoesNotSpoilTheOthers() throws IOException {
    int closed = FreePorts.udpAndTcp(HOST);
    SipPeer bob = phone();
    register(bob, "<sip:bob@" + HOST + ":" + closed + ";transport=tcp>"); // nothing listens there
    SipPeer caller = peer();
    caller.send(invite(caller));
    SipMessageText inv = request(bob, "INVITE");
    bob.send(SipPeer.response(inv, 200, "OK", "b1", ""));
    SipMessageText answer = response(caller);
    assertEquals(200, answer.status(), "the refused TCP branch is one failed branch, not the call's answer:\n" + answer);
  }

  @Test
  void a503FromDownstreamGoesUpAs500() throws IOException {
    SipPeer bob = phone();
    SipPeer caller = peer();
    caller.send(invite(caller));
    SipMessageText inv = request(bob, "INVITE");
    bob.send(SipPeer.response(inv, 503, "Service Unavailable", "b1", ""));
    assertEquals(500, response(caller).status(), "§16.7 step 6");
    assertEquals("ACK", request(bob, "ACK").method(), "the proxy acknowledges the 503 itself");
  }

  @Test
  void aDeclineEverywhereCancelsTheOtherBranches() throws IOException {
    Fork f = forkToTwoPhones();
    f.bob1().send(SipPeer.response(f.inv1(), 180, "Ringing", "b1", ""));
    f.bob2().send(SipPeer.response(f.inv2(), 180, "Ringing", "b2", ""));
    f.bob1().send(SipPeer.response(f.inv1(), 603, "Decline", "b1", ""));
    SipMessageText cancel = request(f.bob2(), "CANCEL");
    assertEquals(f.inv2().headers("Via").get(0), cancel.headers("Via").get(0), "the CANCEL has the INVITE's branch (§9.1)");
    f.bob2().send(SipPeer.response(cancel, 200, "OK", "b2", ""));
    f.bob2().send(SipPeer.response(f.inv2(), 487, "Request Terminated", "b2", ""));
    SipMessageText first = response(f.caller());
    assertEquals(180, first.status());
    SipMessageText answer = response(f.caller());
    while (answer.status() == 180) answer = response(f.caller());
    assertEquals(603, answer.status(), "a 6xx beats the 487 (§16.7 step 6)");
    assertEquals("ACK", request(f.bob1(), "ACK").method());
    assertEquals("ACK", request(f.bob2(), "ACK").method());
  }

  @Test
  void every2xxIsForwarded() throws IOException {
    Fork f = forkToTwoPhones();
    f.bob1().send(SipPeer.response(f.inv1(), 200, "OK", "b1", ""));
    f.bob2().send(SipPeer.response(f.inv2(), 200, "OK", "b2", ""));
    SipMessageText a = response(f.caller());
    SipMessageText b = response(f.caller());
    assertEquals(200, a.status());
    assertEquals(200, b.status());
    assertNotEquals(a.header("To"), b.header("To"), "two dialogs, one per answering phone (§16.7 step 5)");
  }

  @Test
  void aRetransmittedInviteIsAbsorbedAndAnsweredWithTheLastProvisional() throws IOException {
    SipPeer bob = phone();
    SipPeer caller = peer();
    String invite = invite(caller);
    caller.send(invite);
    SipMessageText inv = request(bob, "INVITE");
    SipMessageText trying = caller.receive(WAIT);
    assertEquals(100, trying.status(), "100 Trying at once");
    bob.send(SipPeer.response(inv, 180, "Ringing", "b1", ""));
    assertEquals(180, caller.receive(WAIT).status());
    caller.send(invite);
    assertEquals(180, caller.receive(WAIT).status(), "the retransmission gets the last provisional again");
    assertNull(bob.receive(Duration.ofMillis(700)), "and is not forwarded");
  }

  @Test
  void aStrictRouterNextHopGetsItsUriAsRequestUriAndTheRequestUriGoesLast() throws IOException {
    String other = "127.0.0.2";
    int otherPort = FreePorts.udpAndTcp(other);
    SipPeer caller = peer();
    try (DatagramSocket strict = new DatagramSocket(new InetSocketAddress(other, otherPort))) {
      strict.setSoTimeout(5000);
      String target = "sip:carol@example.test";
      String routes = "Route: <sip:" + caller.gatewayHostPort() + ";lr>, <sip:" + other + ":" + otherPort + ">\r\n";
      caller.send(caller.request("OPTIONS", target, target, routes));
      DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
      strict.receive(p);
      SipMessageText got = new SipMessageText(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
      assertEquals("sip:" + other + ":" + otherPort, got.requestUri(), "§16.6 step 6: the strict router's URI is the Request-URI");
      List<String> route = got.headers("Route");
      assertEquals("<" + target + ">", route.get(route.size() - 1), "the old Request-URI is the last Route: " + got);
      assertTrue(route.stream().noneMatch(r -> r.contains(other)), "the strict router's Route entry is gone: " + got);
      // answer it, and the caller gets the answer through the proxy's transaction
      String resp = SipPeer.response(got, 200, "OK", "s1", "");
      byte[] bytes = resp.getBytes(StandardCharsets.UTF_8);
      strict.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName(HOST), gateway.port()));
      assertEquals(200, caller.finalResponse(WAIT).status());
    }
  }

  @Test
  void aContactThatAsksForUdpGetsUdpThoughItRegisteredOverAConnection() throws IOException {
    SipPeer phone = peer();
    try (SipPeer registrar = SipPeer.open(SippTransport.TCP, HOST, gateway.port())) {
      register(registrar, "<sip:bob@" + phone.hostPort() + ";transport=udp>");
      SipPeer caller = peer();
      caller.send(invite(caller));
      SipMessageText inv = request(phone, "INVITE");
      assertTrue(inv.headers("Via").get(0).startsWith("SIP/2.0/UDP "), "sent over UDP, not down the open TCP connection: " + inv);
      phone.send(SipPeer.response(inv, 486, "Busy Here", "b1", ""));
      assertEquals(486, response(caller).status());
    }
  }

  @Test
  void theChallengesOfEvery401And407GoUpTogether() throws IOException {
    Fork f = forkToTwoPhones();
    f.bob1().send(SipPeer.response(f.inv1(), 401, "Unauthorized", "b1", "WWW-Authenticate: Digest realm=\"one\", nonce=\"n1\"\r\n"));
    f.bob2().send(SipPeer.response(f.inv2(), 407, "Proxy Authentication Required", "b2",
        "Proxy-Authenticate: Digest realm=\"two\", nonce=\"n2\"\r\n"));
    SipMessageText answer = response(f.caller());
    assertTrue(answer.status() == 401 || answer.status() == 407, answer.toString());
    assertEquals(List.of("Digest realm=\"one\", nonce=\"n1\""), answer.headers("WWW-Authenticate"), "§16.7 step 7: " + answer);
    assertEquals(List.of("Digest realm=\"two\", nonce=\"n2\""), answer.headers("Proxy-Authenticate"), "§16.7 step 7: " + answer);
  }

  @Test
  void aFailureRouteToALocalUserRingsThatUsersPhone() throws IOException {
    gateway.close();
    gateway = TestGateway.start(new JsonObject().put("proxy", new JsonObject().put("failureRoutes", new JsonArray()
        .add(new JsonObject().put("codes", new JsonArray().add(486)).put("target", "sip:carol@" + TestGateway.DOMAIN)))));
    SipPeer bob = phone();
    SipPeer carol = peer();
    String carolAor = "sip:carol@" + TestGateway.DOMAIN;
    carol.send(carol.request("REGISTER", "sip:" + TestGateway.DOMAIN, carolAor, "Contact: <sip:carol@" + carol.hostPort() + ">\r\nExpires: 600\r\n"));
    assertEquals(200, carol.finalResponse(WAIT).status());
    SipPeer caller = peer();
    caller.send(invite(caller));
    SipMessageText inv = request(bob, "INVITE");
    bob.send(SipPeer.response(inv, 486, "Busy Here", "b1", ""));
    assertEquals("ACK", request(bob, "ACK").method());
    SipMessageText toCarol = request(carol, "INVITE");
    assertEquals("sip:carol@" + carol.hostPort(), toCarol.requestUri(), "carol is looked up: her Contact is the Request-URI");
    carol.send(SipPeer.response(toCarol, 200, "OK", "c1", ""));
    assertEquals(200, response(caller).status(), "the caller gets carol's answer, not bob's 486");
  }

  @Test
  void anRfc2543CallersRetransmissionAndAckAreMatchedWithoutABranch() throws IOException {
    SipPeer bob = phone();
    SipPeer caller = peer();
    // an RFC 2543 phone: no magic-cookie branch, so §17.2.3's old rules match its messages
    String invite = invite(caller).replaceFirst(";branch=[^\\r]*", "");
    caller.send(invite);
    SipMessageText inv = request(bob, "INVITE");
    bob.send(SipPeer.response(inv, 486, "Busy Here", "b1", ""));
    SipMessageText busy = response(caller);
    assertEquals(486, busy.status());
    assertEquals("ACK", request(bob, "ACK").method(), "the proxy acknowledges the 486 itself");

    caller.send(invite);
    assertEquals(486, response(caller).status(), "the retransmitted INVITE matches its transaction and gets the 486 again");
    String ack = invite.replaceFirst("^INVITE ", "ACK ").replace(" INVITE\r\n", " ACK\r\n")
        .replaceFirst("(?m)^To: (.*)\r\n", "To: " + busy.header("To").replace("$", "\\$") + "\r\n");
    caller.send(ack);
    assertNull(bob.receive(Duration.ofMillis(700)), "neither the INVITE nor the caller's ACK goes on to the phone");
  }
}
