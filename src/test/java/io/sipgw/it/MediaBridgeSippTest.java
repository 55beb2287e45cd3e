package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sipgw.media.NgReply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Calls between two plain SIPp phones with media bridged through a real rtpengine (mode
 * {@code always}, the one in which two UDP phones go through it): the SDP each side sees points at
 * rtpengine, RTP flows both ways through it, the call is deleted after the BYE; and with rtpengine
 * unreachable the INVITE gets 503 while calls without SDP go on.
 */
@Timeout(90)
class MediaBridgeSippTest extends PhoneCallTest {
  private static final Path PCAP = Path.of("/usr/share/sip-tester/g711a.pcap");
  private static final Pattern MEDIA = Pattern.compile("(?m)^m=audio (\\d+) RTP/AVP");
  private static final Pattern CONNECTION = Pattern.compile("(?m)^c=IN IP4 (\\S+)\\s*$");
  private static final Duration POLL = Duration.ofMillis(100);

  private Rtpengine rtpengine;

  @AfterEach
  void stopRtpengine() {
    if (rtpengine != null) rtpengine.close();
  }

  /** Starts rtpengine and a gateway bridging through it, and a phone of bob's running {@code scenario}, registered. */
  private Callee bridgedPhone(String scenario) {
    rtpengine = Rtpengine.start(dir);
    startGateway(media(rtpengine.ngAddress()));
    Callee phone = phone(scenario);
    register(phone);
    return phone;
  }

  private static JsonObject media(String... ngAddresses) {
    return new JsonObject().put("media", new JsonObject().put("rtpengine", new JsonArray(java.util.List.of((Object[]) ngAddresses)))
        .put("mode", "always").put("timeout", 300).put("retries", 1));
  }

  @Test
  void aCallBetweenTwoPhonesGoesThroughRtpengineAndRtpFlowsBothWays() throws Exception {
    assumeTrue(Files.isReadable(PCAP), "sip-tester's " + PCAP + " is needed to send RTP");
    rtpengine = Rtpengine.start(dir);
    startGateway(media(rtpengine.ngAddress()));
    int calleeMedia = FreePorts.udpAndTcp(HOST);
    Callee phone = phone("uas.xml", "-rtp_echo", "-mp", Integer.toString(calleeMedia));
    register(phone);

    String callId = "media-1-it";
    SippRun call = caller("uac-rtp.xml").arg("-d", "4000", "-cid_str", "media-%u-it", "-mp", Integer.toString(FreePorts.udpAndTcp(HOST)))
        .start();
    Map<String, Long> bySide;
    try {
      bySide = awaitRtpBothWays(callId, Duration.ofSeconds(15));
    } finally {
      call.awaitExit(CALLER_BOUND.plus(Duration.ofSeconds(10))).assertSucceeded(1);
    }
    SippResult callee = completed(phone);

    assertEquals(2, bySide.size(), "the caller's and the callee's side: " + bySide);
    for (var side : bySide.entrySet()) assertTrue(side.getValue() > 0, "RTP from side " + side.getKey() + ": " + bySide);

    // the callee was offered rtpengine's address, not the caller's
    TracedMessage invite = first(callee, "INVITE", m -> m.received() && m.isRequest("INVITE"));
    assertPointsAtRtpengine(invite.message().text());
    assertFalse(invite.message().text().contains("RTP/SAVPF") || invite.message().text().contains("a=ice-"),
        "a plain offer toward a phone\n" + invite.message());
    // the BYE deleted the call (delete-delay 0)
    NgReply gone = awaitDeleted(callId, Duration.ofSeconds(5));
    assertEquals("Unknown call-id", gone.errorReason());
  }

  @Test
  void bothSidesSeeRtpengineInTheSdpAndContentLengthMatches() {
    Callee phone = bridgedPhone("uas.xml");
    SippResult caller = completes(caller("uac.xml"));
    SippResult callee = completed(phone);

    TracedMessage invite = first(callee, "INVITE", m -> m.received() && m.isRequest("INVITE"));
    TracedMessage answer = first(caller, "200", m -> m.received() && m.isResponse(200, "INVITE"));
    for (TracedMessage m : java.util.List.of(invite, answer)) {
      String text = m.message().text();
      assertPointsAtRtpengine(text);
      // SIPp's trace ends a message with an extra line end: the SDP itself ends with one
      int body = text.substring(text.indexOf("\r\n\r\n") + 4).replaceAll("(\r\n)+$", "\r\n").length();
      assertEquals(Integer.toString(body), m.message().header("Content-Length"), "Content-Length fits the new body\n" + text);
    }
    // the rest of the INVITE went through untouched (lumps, not a re-serialization)
    assertEquals("sipgw-it", invite.message().header("Subject"));
    assertTrue(rtpengine.log().contains("Received command 'delete'"), rtpengine.log());
  }

  @Test
  void aLateOfferIsBridgedFromThe200AndTheAck() {
    Callee phone = bridgedPhone("uas.xml");
    SippResult caller = completes(caller("uac-late-offer.xml").arg("-cid_str", "late-%u-it"));
    SippResult callee = completed(phone);

    TracedMessage invite = first(callee, "INVITE", m -> m.received() && m.isRequest("INVITE"));
    assertEquals("0", invite.message().header("Content-Length"), "the INVITE goes without SDP, as it came");
    // RFC 3261 §13.2.1: the callee's offer in the 200, the caller's answer in the ACK, each rewritten
    TracedMessage offer = first(caller, "200", m -> m.received() && m.isResponse(200, "INVITE"));
    TracedMessage answer = first(callee, "ACK", m -> m.received() && m.isRequest("ACK"));
    assertPointsAtRtpengine(offer.message().text());
    assertPointsAtRtpengine(answer.message().text());
    String log = rtpengine.log();
    assertTrue(log.contains("Received command 'offer'") && log.contains("Received command 'answer'")
        && log.contains("Received command 'delete'"), log);
  }

  @Test
  void aReInviteIsOfferedAndAnsweredAgain() {
    Callee phone = bridgedPhone("uas-reinvite.xml");
    SippResult caller = completes(caller("uac-reinvite.xml").arg("-cid_str", "reinvite-%u-it"));
    SippResult callee = completed(phone);
    TracedMessage reInvite = first(callee, "re-INVITE", m -> m.received() && m.isRequest("INVITE")
        && m.message().header("CSeq").startsWith("2 "));
    assertPointsAtRtpengine(reInvite.message().text());
    TracedMessage reAnswer = first(caller, "200 to the re-INVITE", m -> m.received() && m.isResponse(200, "INVITE")
        && m.message().header("CSeq").startsWith("2 "));
    assertPointsAtRtpengine(reAnswer.message().text());
    String log = rtpengine.log();
    assertEquals(2, log.split("\\[reinvite-1-it\\]: \\[control\\] Received command 'offer'", -1).length - 1, log);
    assertEquals(2, log.split("\\[reinvite-1-it\\]: \\[control\\] Received command 'answer'", -1).length - 1, log);
  }

  @Test
  void aCancelledCallIsDeletedOnRtpengine() throws Exception {
    Callee phone = bridgedPhone("uas-cancelled.xml");
    completes(caller("uac-cancel.xml").arg("-cid_str", "cancelled-%u-it"));
    completed(phone);
    assertTrue(rtpengine.log().contains("[cancelled-1-it]: [control] Received command 'offer'"), rtpengine.log());
    // the 487 after the CANCEL is a failed final answer: the call's media is deleted
    assertEquals("Unknown call-id", awaitDeleted("cancelled-1-it", Duration.ofSeconds(5)).errorReason());
    assertTrue(rtpengine.log().contains("[cancelled-1-it]: [control] Received command 'delete'"), rtpengine.log());
  }

  @Test
  void withRtpengineUnreachableTheInviteGets503AndCallsWithoutSdpGoOn() {
    String dead = HOST + ":" + FreePorts.udpAndTcp(HOST); // nothing listens there
    startGateway(media(dead));
    Callee phone = phone("uas.xml");
    register(phone);

    long t0 = System.nanoTime();
    SippResult refused = caller("uac-media-down.xml").run().assertSucceeded(1);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(refused.messages().contains("SIP/2.0 503 Service Unavailable (media relay not reachable)"), refused.describe());
    assertTrue(ms < 10_000, "answered after the ng timeouts (2 x 300 ms), not after the caller gave up: " + ms + " ms");

    // signalling goes on: a call whose INVITE has no SDP (a late offer, left alone) completes
    completes(caller("uac-late-offer.xml"));
    completed(phone);
  }

  private void assertPointsAtRtpengine(String message) {
    Matcher c = CONNECTION.matcher(message);
    assertTrue(c.find(), "c= line\n" + message);
    assertEquals(Rtpengine.HOST, c.group(1));
    Matcher m = MEDIA.matcher(message);
    assertTrue(m.find(), "m= line\n" + message);
    int port = Integer.parseInt(m.group(1));
    assertTrue(rtpengine.isMediaPort(port), "media port " + port + " is rtpengine's (" + rtpengine.portMin() + ".." + rtpengine.portMax()
        + ")\n" + message);
  }

  private Map<String, Long> awaitRtpBothWays(String callId, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    Map<String, Long> last = Map.of();
    while (System.nanoTime() < deadline) {
      last = rtpengine.rtpPacketsBySide(callId);
      if (last.size() == 2 && last.values().stream().allMatch(n -> n > 0)) return last;
      Thread.sleep(POLL.toMillis());
    }
    throw new AssertionError("no RTP both ways through rtpengine within " + bound + ": " + last + "\n" + rtpengine.query(callId).dictionary());
  }

  private NgReply awaitDeleted(String callId, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    NgReply q = rtpengine.query(callId);
    while (!q.isError() && System.nanoTime() < deadline) {
      Thread.sleep(POLL.toMillis());
      q = rtpengine.query(callId);
    }
    assertTrue(q.isError(), "the call is still on rtpengine after the BYE: " + q.dictionary());
    return q;
  }
}
