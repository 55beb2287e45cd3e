package io.sipgw.it;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A browser and a plain SIP phone (SIPp over UDP, RTP/AVP) in a call through sipgw, with the media
 * bridged by rtpengine ({@code media.mode: webrtc}): DTLS-SRTP with ICE on the browser's side, plain
 * RTP on the phone's. The SIPp end echoes the RTP it gets ({@code -rtp_echo}), so the browser's
 * getStats() counting packets sent and received proves media flows both ways through the bridge.
 * Everything runs in a network namespace with only {@code lo} ({@link BrowserTestbed}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class BrowserMediaTest {
  private static final Duration BOUND = Duration.ofSeconds(15);
  private static final Duration MEDIA_BOUND = Duration.ofSeconds(10);
  private static final String DOMAIN = TestGateway.DOMAIN;
  /** 50 packets of 20 ms: a second of audio each way. */
  private static final int PACKETS = 50;
  private static final Predicate<JsonObject> RTP_BOTH_WAYS =
      s -> s.getInteger("packetsSent") >= PACKETS && s.getInteger("packetsReceived") >= PACKETS;

  private BrowserTestbed bed;
  @RegisterExtension
  final TestWatcher diagnostics = BrowserTestbed.diagnosticsOnFailure(() -> bed);

  @BeforeAll
  void startTestbed() throws Exception {
    bed = BrowserTestbed.start(Files.createTempDirectory("browser-media-"), false, true);
  }

  @AfterAll
  void stopTestbed() {
    if (bed != null) bed.close();
  }

  @Test
  void browserCallsSippPhoneAndRtpFlowsBothWays() throws Exception {
    Path dir = Files.createDirectories(bed.dir().resolve("echo-uas"));
    try (Callee phone = Callee.listen(bed.namespace(), "uas.xml", "echo", FreePorts.IPV4_LOOPBACK, SippTransport.UDP, 1,
        Duration.ofSeconds(60), dir, "-rtp_echo", "-mi", FreePorts.IPV4_LOOPBACK,
        "-mp", Integer.toString(FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK)))) {
      phone.registerAt(FreePorts.IPV4_LOOPBACK, bed.sipPort(), DOMAIN);
      Browser.Page alice = bed.registeredPage("alice-media", BOUND);

      alice.call("sip:echo@" + DOMAIN);
      alice.awaitCall("confirmed", BOUND);
      alice.awaitStats(RTP_BOTH_WAYS, MEDIA_BOUND, PACKETS + " RTP packets each way");

      alice.hangup();
      alice.awaitCall("ended", BOUND);
      phone.stop().assertSucceeded(1);
      alice.close();
    }
  }

  @Test
  void sippPhoneCallsBrowserAndRtpFlowsBothWays() throws Exception {
    Browser.Page bob = bed.registeredPage("bob-media", BOUND);
    Path dir = Files.createDirectories(bed.dir().resolve("echo-uac"));
    Sipp caller = Sipp.scenario("uac.xml")
        .namespace(bed.namespace())
        .remote(FreePorts.IPV4_LOOPBACK, bed.sipPort())
        .local(FreePorts.IPV4_LOOPBACK)
        .service("bob-media")
        .timeout(Duration.ofSeconds(40))
        .recvTimeout(BOUND)
        .traceMessages()
        .workDir(dir)
        .arg("-d", "6000", "-rtp_echo", "-mi", FreePorts.IPV4_LOOPBACK,
            "-mp", Integer.toString(FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK)));
    try (SippRun run = caller.start()) {
      bob.awaitCall("incoming", BOUND);
      bob.answer();
      bob.awaitCall("confirmed", BOUND);
      bob.awaitStats(RTP_BOTH_WAYS, MEDIA_BOUND, PACKETS + " RTP packets each way");
      bob.awaitCall("ended", BOUND); // SIPp's BYE after six seconds
      run.awaitExit(caller.bound()).assertSucceeded(1);
    }
    bob.close();
  }
}
