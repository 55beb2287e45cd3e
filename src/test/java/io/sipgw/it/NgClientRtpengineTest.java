package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.MediaConfig;
import io.sipgw.config.MediaConfig.Address;
import io.sipgw.config.MediaMode;
import io.sipgw.media.MediaProfile;
import io.sipgw.media.NgClient;
import io.sipgw.media.NgCommands;
import io.sipgw.media.NgException;
import io.sipgw.media.NgReply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The ng client against a real rtpengine on loopback: commands, failover past a dead instance, timeouts. */
@Timeout(60)
class NgClientRtpengineTest {
  private static final String SDP = "v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
      + "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
  private static final String ANSWER = SDP.replace("alice", "bob").replace("6000", "6002");
  private static final Pattern MEDIA_PORT = Pattern.compile("(?m)^m=audio (\\d+) ");

  @TempDir Path dir;
  private Vertx vertx;
  private Rtpengine rtpengine;
  private NgClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    rtpengine = Rtpengine.start(dir);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (client != null) await(client.close());
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      rtpengine.close();
    }
  }

  private NgClient client(int timeout, int retries, Address... instances) {
    MediaConfig c = new MediaConfig(List.of(instances), timeout, retries, 60_000, MediaMode.ALWAYS);
    client = NgClient.create(vertx, () -> c);
    return client;
  }

  private Address live() { return new Address(Rtpengine.HOST, Integer.parseInt(rtpengine.ngAddress().split(":")[1])); }

  private static Address dead() { return new Address(Rtpengine.HOST, FreePorts.udpAndTcp(Rtpengine.HOST)); }

  @Test
  void pingIsAnsweredPong() throws Exception {
    NgReply r = await(client(500, 0, live()).send(live(), NgCommands.ping()));
    assertEquals("pong", r.result());
  }

  @Test
  void offerAnswerQueryDeleteOfAPlainCall() throws Exception {
    NgClient c = client(500, 1, live());
    NgReply offer = await(c.call("call-1", NgCommands.offer("call-1", "ft1", SDP, MediaProfile.RTP)));
    assertEquals("ok", offer.result());
    assertRelayed(offer.sdp());
    NgReply answer = await(c.call("call-1", NgCommands.answer("call-1", "ft1", "tt1", ANSWER, MediaProfile.RTP)));
    assertRelayed(answer.sdp());
    assertEquals(live(), c.instanceOf("call-1"));

    NgReply query = await(c.call("call-1", NgCommands.query("call-1")));
    assertEquals("ok", query.result());
    assertTrue(query.dictionary("tags").containsKey("ft1") && query.dictionary("tags").containsKey("tt1"), query.dictionary().toString());

    assertEquals("ok", await(c.call("call-1", NgCommands.delete("call-1", "tt1"))).result());
    NgReply gone = rtpengine.query("call-1");
    assertTrue(gone.isError(), gone.dictionary().toString());
    assertEquals("Unknown call-id", gone.errorReason());
  }

  @Test
  void anErrorReplyFailsTheCommandWithRtpenginesReason() {
    NgException e = failure(client(500, 0, live()).call("nope", NgCommands.query("nope")));
    assertFalse(e.unreachable());
    assertEquals("Unknown call-id", e.getMessage());
  }

  @Test
  void aDeadFirstInstanceIsPassedOverAndTheCallSticksToTheLiveOne() throws Exception {
    Address dead = dead();
    NgClient c = client(200, 1, dead, live());
    long t0 = System.nanoTime();
    assertRelayed(await(c.call("call-2", NgCommands.offer("call-2", "ft", SDP, MediaProfile.RTP))).sdp());
    long firstMs = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(firstMs >= 400, "the dead instance had two tries of 200 ms first, took " + firstMs + " ms");
    assertEquals(live(), c.instanceOf("call-2"));
    // the answer goes to the call's instance, and a new call skips the instance marked down at once
    assertRelayed(await(c.call("call-2", NgCommands.answer("call-2", "ft", "tt", ANSWER, MediaProfile.RTP))).sdp());
    t0 = System.nanoTime();
    assertRelayed(await(c.call("call-3", NgCommands.offer("call-3", "ft", SDP, MediaProfile.RTP))).sdp());
    assertTrue((System.nanoTime() - t0) / 1_000_000 < 200, "no wait for the instance marked down");
    assertEquals("ok", rtpengine.query("call-3").result());
  }

  @Test
  void whenNoInstanceAnswersTheCommandFailsAfterEveryRetry() {
    NgClient c = client(150, 1, dead(), dead());
    long t0 = System.nanoTime();
    NgException e = failure(c.call("call-4", NgCommands.offer("call-4", "ft", SDP, MediaProfile.RTP)));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(e.unreachable(), e.getMessage());
    assertTrue(ms >= 550 && ms < 3000, "2 instances x 2 tries x 150 ms, took " + ms + " ms");
    assertNull(c.instanceOf("call-4"));
    // both are marked down now: the next call fails at once
    t0 = System.nanoTime();
    NgException again = failure(c.call("call-5", NgCommands.offer("call-5", "ft", SDP, MediaProfile.RTP)));
    assertTrue(again.unreachable());
    assertEquals("every rtpengine is marked down", again.getMessage());
    assertTrue((System.nanoTime() - t0) / 1_000_000 < 100);
  }

  /** The SDP points at rtpengine: c= 127.0.0.1 and a media port in its range. */
  private void assertRelayed(String sdp) {
    assertTrue(sdp.contains("c=IN IP4 127.0.0.1\r\n"), sdp);
    Matcher m = MEDIA_PORT.matcher(sdp);
    assertTrue(m.find(), sdp);
    int port = Integer.parseInt(m.group(1));
    assertTrue(rtpengine.isMediaPort(port), port + " is not in " + rtpengine.portMin() + ".." + rtpengine.portMax());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static NgException failure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return assertInstanceOf(NgException.class, e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the command succeeded");
  }
}
