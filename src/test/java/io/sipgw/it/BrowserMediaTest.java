package io.sipgw.it;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A browser and a plain SIP phone (SIPp over UDP, RTP/AVP) in a call through sipgw, with the media
 * bridged by rtpengine ({@code media.mode: webrtc}): DTLS-SRTP with ICE on the browser's side, plain
 * RTP on the phone's. The SIPp end echoes the RTP it gets ({@code -rtp_echo}), so the browser's
 * getStats() counting packets sent and received proves media flows both ways through the bridge.
 * Everything runs in a network namespace with only {@code lo} ({@link BrowserTestbed}), and the
 * gateway authenticates: the browsers and the SIPp phone register and call with their passwords.
 */
class BrowserMediaTest extends BrowserTestCase {
  private static final Duration MEDIA_BOUND = Duration.ofSeconds(10);
  /** 50 packets of 20 ms: a second of audio each way. */
  private static final int PACKETS = 50;
  private static final Predicate<JsonObject> RTP_BOTH_WAYS =
      s -> s.getInteger("packetsSent") >= PACKETS && s.getInteger("packetsReceived") >= PACKETS;

  BrowserMediaTest() { super(false, true, "alice-media", "echo", "bob-media", "bob-late", "phone"); }

  @Test
  void browserCallsSippPhoneAndRtpFlowsBothWays() throws Exception {
    Path dir = Files.createDirectories(bed.dir().resolve("echo-uas"));
    try (Callee phone = Callee.listen(bed.namespace(), "uas.xml", "echo", FreePorts.IPV4_LOOPBACK, SippTransport.UDP, 1,
        Duration.ofSeconds(60), dir, "-rtp_echo", "-mi", FreePorts.IPV4_LOOPBACK,
        "-mp", Integer.toString(FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK)))) {
      phone.registerAt(FreePorts.IPV4_LOOPBACK, bed.sipPort(), DOMAIN, bed.password("echo"));
      Browser.Page alice = registered("alice-media");

      alice.call("sip:echo@" + DOMAIN);
      alice.awaitCall("confirmed", BOUND);
      alice.awaitStats(RTP_BOTH_WAYS, MEDIA_BOUND, PACKETS + " RTP packets each way");

      alice.hangup();
      alice.awaitCall("ended", BOUND);
      phone.stop().assertSucceeded(1);
    }
  }

  @Test
  void sippPhoneCallsBrowserAndRtpFlowsBothWays() throws Exception {
    phoneCallsBrowser("bob-media", "uac-auth.xml");
  }

  @Test
  void sippPhoneCallsBrowserWithALateOfferAndRtpFlowsBothWays() throws Exception {
    // an INVITE without SDP: the browser's offer goes back in its 200, the phone's answer in the ACK
    phoneCallsBrowser("bob-late", "uac-auth-late-offer.xml");
  }

  /**
   * A SIPp phone (the local user {@code phone}, answering the 407 with its password) running
   * {@code scenario} (echoing RTP) calls the browser of {@code user}, which answers; RTP both ways.
   */
  private void phoneCallsBrowser(String user, String scenario) throws Exception {
    Browser.Page callee = registered(user);
    Sipp caller = caller(scenario, "phone", user)
        .arg("-d", "6000", "-rtp_echo", "-mi", FreePorts.IPV4_LOOPBACK,
            "-mp", Integer.toString(FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK)));
    try (SippRun run = caller.start()) {
      callee.awaitCall("incoming", BOUND);
      callee.answer();
      callee.awaitCall("confirmed", BOUND);
      callee.awaitStats(RTP_BOTH_WAYS, MEDIA_BOUND, PACKETS + " RTP packets each way");
      callee.awaitCall("ended", BOUND); // SIPp's BYE after six seconds
      run.awaitExit(caller.bound()).assertSucceeded(1);
    }
  }
}
