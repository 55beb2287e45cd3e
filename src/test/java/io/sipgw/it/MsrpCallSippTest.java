package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.auth.CredentialsFile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An MSRP session (RFC 4975, 4976) set up by SIP through the proxy between two SIPp phones, its
 * messages through the MSRP relay. Alice and Bob first AUTHenticate to the relay with their SIP
 * credentials (session URIs A and B); Bob's phone (msrp-uas.xml) is registered; Alice's phone
 * (msrp-uac.xml) sends an INVITE whose SDP is a session-mode MSRP offer with {@code a=path:A alice},
 * Bob's answers 200 with {@code a=path:B bob}; each SDP must arrive as it was sent (the proxy has no
 * business with MSRP SDP). While the call is up, the MSRP clients talk along the paths the SDPs
 * carried: Alice's SEND goes with To-Path A B bob and reaches Bob with From-Path B A alice, Bob
 * answers 200 and sends back; then Alice hangs up through the proxy. SIP from 127.0.0.0/8 is trusted
 * (the phones send no digest); MSRP AUTH still needs it.
 */
@Timeout(90)
class MsrpCallSippTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  /** How long Alice's phone holds the call after its ACK: the MSRP exchange happens meanwhile. */
  private static final Duration HOLD = Duration.ofSeconds(3);
  private static final Duration SIPP_TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private TestGateway gateway;
  private int port;
  private int msrpPort;
  private Callee callee;
  private SippRun caller;
  private final List<MsrpTestClient> clients = new ArrayList<>();

  private Rtpengine rtpengine;

  @BeforeEach
  void credentials() throws IOException {
    CredentialsFile.write(dir.resolve("users.json"), List.of(CredentialsFile.hash("alice", TestGateway.DOMAIN, "alice-Pa55"),
        CredentialsFile.hash("bob", TestGateway.DOMAIN, "bob-Pa55")));
  }

  /** The gateway: SIP on UDP and TCP, the MSRP relay on TCP, with {@code media} (none: no media relay). */
  private void startGateway(JsonObject media) {
    port = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    msrpPort = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    JsonObject json = TestGateway.config(port, 0);
    json.getJsonArray("listen").add(new JsonObject().put("transport", "msrp").put("host", FreePorts.IPV4_LOOPBACK).put("port", msrpPort));
    json.put("auth", new JsonObject().put("enabled", true).put("users", dir.resolve("users.json").toString())
        .put("trusted", new JsonArray().add("127.0.0.0/8")));
    if (media != null) json.put("media", media);
    gateway = TestGateway.start(port, 0, json);
  }

  @AfterEach
  void stop() throws IOException {
    try {
      for (MsrpTestClient c : clients) c.close();
      if (caller != null) caller.close();
      if (callee != null) callee.close();
      if (rtpengine != null) rtpengine.close();
    } finally {
      if (gateway != null) gateway.close();
    }
  }

  private MsrpTestClient client() throws IOException {
    MsrpTestClient c = MsrpTestClient.tcp(msrpPort);
    clients.add(c);
    return c;
  }

  @ParameterizedTest(name = "SIP over {0}")
  @EnumSource(value = SippTransport.class, names = {"UDP", "TCP"})
  void anMsrpSessionSetUpThroughTheProxyCarriesMessagesThroughTheRelay(SippTransport transport) throws IOException {
    startGateway(null);
    session(transport);
  }

  /**
   * With a media relay that bridges every call (mode {@code always}, a real rtpengine), an SDP that
   * has no RTP in it is still none of its business: the offer and the answer go through unchanged.
   */
  @Test
  void anMsrpOfferIsLeftAloneWhenEveryCallsMediaIsBridged() throws IOException {
    rtpengine = Rtpengine.start(dir);
    startGateway(new JsonObject().put("rtpengine", new JsonArray().add(rtpengine.ngAddress())).put("mode", "always")
        .put("timeout", 300).put("retries", 1));
    session(SippTransport.UDP);
  }

  private void session(SippTransport transport) throws IOException {
    String host = FreePorts.IPV4_LOOPBACK;
    String relay = "msrp://127.0.0.1:" + msrpPort + ";tcp";
    MsrpTestClient alice = client();
    MsrpTestClient bob = client();
    String a = alice.auth(relay, "alice", "alice-Pa55");
    String b = bob.auth(relay, "bob", "bob-Pa55");

    callee = Callee.listen("msrp-uas.xml", "bob", host, transport, 1, SIPP_TIMEOUT, dir,
        "-key", "msrp_relay", b, "-key", "msrp_self", bob.uri, "-recv_timeout", "15000ms");
    callee.registerAt(host, port, TestGateway.DOMAIN);
    Sipp uac = Sipp.scenario("msrp-uac.xml").remote(host, port).local(host).transport(transport).service("bob")
        .calls(1).timeout(SIPP_TIMEOUT).traceMessages().workDir(dir)
        .key("msrp_relay", a).key("msrp_self", alice.uri).arg("-d", Long.toString(HOLD.toMillis()));
    caller = uac.start();

    // the call is up once Bob's phone has the ACK: the SDP went both ways through the proxy
    callee.awaitReceived("ACK", 1, WAIT);
    List<TracedMessage> callerSoFar = caller.tracedSoFar();
    List<TracedMessage> calleeSoFar = callee.tracedSoFar();
    TracedMessage offerSent = only(callerSoFar, m -> m.sent() && m.isRequest("INVITE"), "the INVITE alice sent");
    TracedMessage offerGot = only(calleeSoFar, m -> m.received() && m.isRequest("INVITE"), "the INVITE bob got");
    TracedMessage answerSent = only(calleeSoFar, m -> m.sent() && m.isResponse(200, "INVITE"), "the 200 bob sent");
    TracedMessage answerGot = only(callerSoFar, m -> m.received() && m.isResponse(200, "INVITE"), "the 200 alice got");
    String offer = sdp(offerSent);
    String answer = sdp(answerSent);
    assertTrue(lines(offer).containsAll(List.of("m=message 2855 TCP/MSRP *", "a=accept-types:text/plain", "a=path:" + a + " " + alice.uri)),
        "the offer SIPp sent is the one meant:\n" + offer);
    assertTrue(lines(answer).containsAll(List.of("m=message 2856 TCP/MSRP *", "a=accept-types:text/plain", "a=path:" + b + " " + bob.uri)),
        "the answer SIPp sent is the one meant:\n" + answer);
    assertEquals(offer, sdp(offerGot), "the offer went through the proxy unchanged");
    assertEquals(answer, sdp(answerGot), "the answer went through the proxy unchanged");
    assertEquals(offerSent.message().header("Content-Length"), offerGot.message().header("Content-Length"));
    assertEquals(answerSent.message().header("Content-Length"), answerGot.message().header("Content-Length"));

    // the MSRP paths as each side learns them: its own relay session, then the other side's a=path
    List<String> aliceToBob = new ArrayList<>(List.of(a));
    aliceToBob.addAll(path(sdp(answerGot)));
    List<String> bobToAlice = new ArrayList<>(List.of(b));
    bobToAlice.addAll(path(sdp(offerGot)));
    assertEquals(List.of(a, b, bob.uri), aliceToBob);
    assertEquals(List.of(b, a, alice.uri), bobToAlice);

    String tid = alice.sendText(aliceToBob, "msg-a1", "Hello Bob, this is Alice.");
    MsrpTestClient.Message got = bob.next(WAIT);
    assertNotNull(got, "bob got no SEND through the relay");
    assertEquals("SEND", got.method());
    assertEquals("Hello Bob, this is Alice.", new String(got.body(), StandardCharsets.UTF_8));
    assertEquals("text/plain", got.header("Content-Type"));
    assertEquals(bob.uri, got.header("To-Path"), "the relay took A and B off the To-Path");
    assertEquals(b + " " + a + " " + alice.uri, got.header("From-Path"), "and put them in front of the From-Path (RFC 4976 §7.1)");
    bob.answer(got, 200, "OK");
    MsrpTestClient.Message ok = alice.response(tid);
    assertEquals(200, ok.status(), ok.startLine());
    assertEquals(alice.uri, ok.header("To-Path"));

    String back = bob.sendText(bobToAlice, "msg-b1", "Hi Alice, Bob here.");
    MsrpTestClient.Message reply = alice.next(WAIT);
    assertNotNull(reply, "alice got no SEND through the relay");
    assertEquals("SEND", reply.method());
    assertEquals("Hi Alice, Bob here.", new String(reply.body(), StandardCharsets.UTF_8));
    assertEquals(alice.uri, reply.header("To-Path"));
    assertEquals(a + " " + b + " " + bob.uri, reply.header("From-Path"));
    alice.answer(reply, 200, "OK");
    MsrpTestClient.Message okBack = bob.response(back);
    assertEquals(200, okBack.status(), okBack.startLine());
    assertEquals(bob.uri, okBack.header("To-Path"));

    // all that happened during the call: no BYE yet; then Alice hangs up and both phones end well
    assertTrue(callee.tracedSoFar().stream().noneMatch(m -> m.received() && m.isRequest("BYE")),
        "the MSRP exchange took longer than the call was held (" + HOLD + ")");
    SippResult callerResult = caller.awaitExit(uac.bound()).assertSucceeded(1);
    SippResult calleeResult = callee.awaitExit(uac.bound()).assertSucceeded(1);
    assertEquals(0, callerResult.exitCode(), callerResult::describe);
    assertEquals(0, calleeResult.exitCode(), calleeResult::describe);
    assertTrue(callee.tracedSoFar().stream().anyMatch(m -> m.received() && m.isRequest("BYE")), "the BYE went through the proxy");
  }

  private static TracedMessage only(List<TracedMessage> trace, Predicate<TracedMessage> which, String what) {
    List<TracedMessage> found = trace.stream().filter(which).toList();
    assertEquals(1, found.size(), () -> what + ": " + found.size() + " in the trace\n" + trace);
    return found.get(0);
  }

  /** The SDP of a traced message, trailing line ends aside (the trace adds its own). */
  private static String sdp(TracedMessage m) {
    assertEquals("application/sdp", m.message().header("Content-Type"), m.message().text());
    return m.message().body().stripTrailing();
  }

  private static List<String> lines(String sdp) { return Arrays.asList(sdp.split("\r\n")); }

  /** The URIs of an SDP's {@code a=path} line. */
  private static List<String> path(String sdp) {
    for (String line : lines(sdp)) {
      if (line.startsWith("a=path:")) return Arrays.asList(line.substring("a=path:".length()).trim().split(" +"));
    }
    throw new AssertionError("no a=path in\n" + sdp);
  }
}
