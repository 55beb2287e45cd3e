package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checks a request passes before routing, as Kamailio's sanity module makes them, against a
 * running gateway over UDP and TCP: each fault is answered with its code and a reason phrase naming
 * it, logged on one line with the Call-ID, and the gateway goes on serving the same socket.
 */
@Timeout(60)
class SanityChecksTest {
  private static final Duration ANSWER = Duration.ofSeconds(5);
  private static final Pattern CALL_ID = Pattern.compile("(?m)^Call-ID: ([^\\r\\n]+)");
  private static TestGateway gateway;

  @BeforeAll
  static void start() { gateway = TestGateway.start(); }

  @AfterAll
  static void stop() {
    if (gateway != null) gateway.close();
  }

  /** A fault made in a well-formed INVITE, the status it must get and a word its reason must hold. */
  record Fault(String name, UnaryOperator<String> edit, int status, String reasonHolds) {
    @Override
    public String toString() { return name; }
  }

  static Stream<Arguments> faults() {
    Stream<Fault> faults = Stream.of(
        new Fault("CSeq method differs", m -> m.replace("CSeq: 1 INVITE", "CSeq: 1 BYE"), 400, "CSeq method"),
        new Fault("CSeq number not a number", m -> m.replace("CSeq: 1 INVITE", "CSeq: one INVITE"), 400, "CSeq"),
        new Fault("Request-URI with a bare IPv6 address (RFC 5118 §4.2)",
            m -> m.replaceFirst("INVITE sip:nobody@[^ ]+ ", "INVITE sip:nobody@2001:db8::10 "), 400, "URI"),
        new Fault("malformed second Via", m -> m.replaceFirst("\r\nFrom:", "\r\nVia: SIP/2.0/UDP ;branch=z9hG4bKx\r\nFrom:"), 400, "Via"),
        new Fault("Max-Forwards not a number", m -> m.replace("Max-Forwards: 70", "Max-Forwards: seventy"), 400, "Max-Forwards"),
        new Fault("missing From", m -> m.replaceFirst("From: [^\r]*\r\n", ""), 400, "From"),
        new Fault("missing To", m -> m.replaceFirst("To: [^\r]*\r\n", ""), 400, "To"),
        new Fault("missing CSeq", m -> m.replaceFirst("CSeq: [^\r]*\r\n", ""), 400, "CSeq"),
        new Fault("two Call-IDs", m -> m.replaceFirst("(Call-ID: [^\r]*\r\n)", "$1Call-ID: another@it\r\n"), 400, "Call-ID"),
        new Fault("Proxy-Require of an unknown extension", m -> m.replace("Max-Forwards: 70", "Max-Forwards: 70\r\nProxy-Require: teleportation"),
            420, "Bad Extension"));
    return faults.flatMap(f -> Stream.of(Arguments.of(SippTransport.UDP, f), Arguments.of(SippTransport.TCP, f)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("faults")
  void answeredWithTheFaultNamedAndLogged(SippTransport transport, Fault fault) throws IOException {
    try (SipPeer peer = SipPeer.open(transport, FreePorts.IPV4_LOOPBACK, gateway.port());
         LogLines log = new LogLines("sipgw")) {
      String good = peer.request("INVITE", "sip:nobody@" + TestGateway.DOMAIN, "sip:nobody@" + TestGateway.DOMAIN, "");
      String bad = fault.edit().apply(good);
      assertTrue(!bad.equals(good), "the fault was not made: " + fault);
      String callId = callId(bad);
      peer.send(bad);
      SipMessageText answer = peer.finalResponse(ANSWER);
      assertEquals(fault.status(), answer.status(), answer::text);
      assertTrue(answer.text().lines().findFirst().orElse("").contains(fault.reasonHolds()), "reason does not name the fault: " + answer.text());
      if (fault.status() == 420) assertEquals("teleportation", answer.header("Unsupported"), answer::text);
      assertEquals(1, log.lines().stream().filter(l -> l.startsWith("INFO rejected INVITE") && l.contains(callId)).count(),
          "one log line with the Call-ID: " + log.lines());

      // the same socket (for TCP, the same connection) is still served
      peer.send(peer.request("OPTIONS", "sip:" + peer.gatewayHostPort(), "sip:" + peer.gatewayHostPort(), ""));
      SipMessageText alive = peer.finalResponse(ANSWER);
      assertEquals(200, alive.status(), alive::text);
    }
  }

  /** RFC 3261 §18.3: over UDP a Content-Length past the datagram's end is a 400. */
  @org.junit.jupiter.api.Test
  void contentLengthLargerThanTheDatagramIs400() throws IOException {
    try (SipPeer peer = SipPeer.open(SippTransport.UDP, FreePorts.IPV4_LOOPBACK, gateway.port())) {
      SipMessageText answer = answerToInvite(peer, m -> m.replace("Content-Length: 0", "Content-Length: 40"));
      assertEquals(400, answer.status(), answer::text);
      assertTrue(answer.text().startsWith("SIP/2.0 400 Bad Request (Content-Length 40 is larger"), answer::text);
    }
  }

  /** RFC 3261 §18.3: a stream cannot be framed without Content-Length: a 400, then the connection is closed. */
  @org.junit.jupiter.api.Test
  void missingContentLengthOnAStreamIs400AndClose() throws IOException {
    try (SipPeer peer = SipPeer.open(SippTransport.TCP, FreePorts.IPV4_LOOPBACK, gateway.port())) {
      SipMessageText answer = answerToInvite(peer, m -> m.replace("Content-Length: 0\r\n", ""));
      assertEquals(400, answer.status(), answer::text);
      assertTrue(answer.text().contains("missing Content-Length"), answer::text);
      assertTrue(peer.awaitClosed(ANSWER), "the connection stays open after a framing fault");
    }
  }

  private static SipMessageText answerToInvite(SipPeer peer, UnaryOperator<String> fault) throws IOException {
    String uri = "sip:nobody@" + TestGateway.DOMAIN;
    peer.send(fault.apply(peer.request("INVITE", uri, uri, "")));
    return peer.finalResponse(ANSWER);
  }

  private static String callId(String message) {
    Matcher m = CALL_ID.matcher(message);
    assertTrue(m.find(), message);
    return m.group(1);
  }
}
