package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load balancing over a farm of three PBXs (SIPp servers running uas-pbx.xml on 127.0.0.1) with the
 * dispatcher set and routes of conf/examples/loadbalancer.json (the PBXs at free ports): dispatcher set "pbx", round robin, OPTIONS probes every
 * 2 s, a PBX down after 2 failed probes and up after 1 answered. One PBX is stopped mid-test: it is
 * logged down, and every call goes to the other two, none failing; started again, it is logged up and
 * takes calls again.
 */
@Timeout(240)
class DispatcherSippTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final int INTERVAL = 2;
  private static final int FAILURES = 2;
  /** A down or up change is seen within this: the probes that make it, and a round of slack. */
  private static final Duration CHANGE_BOUND = Duration.ofSeconds(INTERVAL * (FAILURES + 3L));
  private static final Duration PBX_BOUND = Duration.ofSeconds(200);
  private static final int CALLS = 30;
  /** How long a call to a PBX that sends nothing back waits before it goes to the next. */
  private static final int FAILOVER_TIMEOUT_MILLIS = 1000;

  @TempDir Path dir;
  private final List<SippRun> pbxs = new ArrayList<>();
  private final int[] ports = new int[3];
  private final SippRun[] running = new SippRun[3];
  private TestGateway gateway;
  private LogLines log;

  @AfterEach
  void stopEverything() {
    try {
      for (SippRun r : pbxs) r.close();
    } finally {
      try {
        if (gateway != null) gateway.close();
      } finally {
        if (log != null) log.close();
      }
    }
  }

  /** The example this test runs: its dispatcher set and routes, with the PBXs at this test's ports. */
  private static final Path EXAMPLE = Path.of("conf/examples/loadbalancer.json");

  private static JsonObject example() {
    try {
      return new JsonObject(Files.readString(EXAMPLE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The example's {@code dispatcher}: set "pbx" of 127.0.0.1:5071..5073, here at this test's ports. */
  private JsonObject dispatcher() {
    JsonObject d = example().getJsonObject("dispatcher");
    JsonObject set = d.getJsonArray("sets").getJsonObject(0);
    assertEquals("pbx", set.getString("name"));
    assertEquals(new JsonObject().put("interval", INTERVAL).put("failures", FAILURES).put("successes", 1).put("method", "OPTIONS"),
        set.getJsonObject("probe"));
    JsonArray destinations = set.getJsonArray("destinations");
    for (int i = 0; i < 3; i++) {
      assertEquals("sip:127.0.0.1:" + (5071 + i), destinations.getJsonObject(i).getString("uri"));
      destinations.getJsonObject(i).put("uri", uri(ports[i]));
    }
    return d;
  }

  /** The example's {@code routes}: INVITEs for pbx.localhost to the set, in-dialog requests along their route, 404 else. */
  private static JsonArray routes() { return example().getJsonArray("routes"); }

  private static String uri(int port) { return "sip:" + Sipp.hostPort(HOST, port); }

  private void startPbxs() {
    for (int i = 0; i < 3; i++) {
      ports[i] = FreePorts.udpAndTcp(HOST);
      startPbx(i);
    }
  }

  /** PBX {@code i} on its port: answers calls and probes until the test stops it. */
  private void startPbx(int i) {
    SippRun run = Sipp.scenario("uas-pbx.xml").local(HOST, ports[i]).service("service").calls(100_000)
        .timeout(PBX_BOUND).traceMessages().workDir(dir.resolve("pbx" + i + "-" + pbxs.size())).start();
    pbxs.add(run);
    running[i] = run;
  }

  private void startGateway(JsonObject overrides) {
    log = new LogLines("sipgw.lb");
    gateway = TestGateway.start(overrides);
  }

  private long received(int i, String method) {
    return running[i].tracedSoFar().stream().filter(m -> m.received() && m.isRequest(method)).count();
  }

  private long[] invites() {
    long[] n = new long[3];
    for (int i = 0; i < 3; i++) n[i] = received(i, "INVITE");
    return n;
  }

  private String state(int i, String change) { return "dispatcher set pbx: " + uri(ports[i]) + " " + change + " ("; }

  private void awaitLogged(String text) {
    Polling.await(() -> log.count("INFO", text) > 0, Duration.ofMillis(100), CHANGE_BOUND,
        () -> "no log line \"" + text + "\" in " + log.lines());
  }

  /** {@value #CALLS} calls to sip:service@pbx.localhost, 10 a second; each must succeed. */
  private SippResult calls() {
    return Sipp.scenario("uac-target.xml").remote(HOST, gateway.port()).local(HOST).service("service").key("target", "pbx.localhost")
        .calls(CALLS).rate(10).timeout(Duration.ofSeconds(60)).workDir(dir.resolve("caller")).run()
        .assertSucceeded(CALLS).assertNoStrayMessages();
  }

  @Test
  void everyPbxIsProbedAStoppedOneIsMarkedDownThenUpAgainAndAReloadChangesTheProbes() {
    startPbxs();
    startGateway(new JsonObject().put("dispatcher", dispatcher()));
    // each PBX is probed with OPTIONS <uri> (routed there by its Route) and answers
    Polling.await(() -> received(0, "OPTIONS") >= 2 && received(1, "OPTIONS") >= 2 && received(2, "OPTIONS") >= 2,
        Duration.ofMillis(100), CHANGE_BOUND, () -> "each PBX probed twice: " + log.lines());
    for (int i = 0; i < 3; i++) {
      TracedMessage probe = running[i].tracedSoFar().stream().filter(m -> m.received() && m.isRequest("OPTIONS")).findFirst().orElseThrow();
      assertEquals(uri(ports[i]), probe.message().requestUri(), probe::toString);
    }
    assertEquals(0, log.count("INFO", "dispatcher set pbx"), () -> "answering PBXs change nothing: " + log.lines());

    // a reload that drops PBX 2 from the set and probes every second: PBX 2 is probed no more, the others twice as often
    JsonObject set = dispatcher().getJsonArray("sets").getJsonObject(0);
    set.getJsonArray("destinations").remove(2);
    set.getJsonObject("probe").put("interval", 1);
    gateway.reload(new JsonObject().put("dispatcher", new JsonObject().put("sets", new JsonArray().add(set))));
    Polling.pause(Duration.ofMillis(500)); // a probe sent before the reload may still be on its way
    long[] before = {received(0, "OPTIONS"), received(1, "OPTIONS"), received(2, "OPTIONS")};
    Polling.pause(Duration.ofMillis(4 * 1000 + 500));
    assertEquals(before[2], received(2, "OPTIONS"), "a destination no longer in the set is not probed");
    for (int i : new int[] {0, 1}) {
      long n = received(i, "OPTIONS") - before[i];
      assertTrue(n >= 4 && n <= 5, "PBX " + i + " probed every second after the reload: " + n + " probes in 4.5 s");
    }

    running[1].close();
    awaitLogged(state(1, "down") + FAILURES + " probes failed: 408, no answer within 1 s)");
    assertEquals(1, log.count("INFO", "dispatcher set pbx: "), () -> "one change, one line: " + log.lines());

    startPbx(1);
    awaitLogged(state(1, "up") + "1 probe answered: 200)");
    assertEquals(2, log.count("INFO", "dispatcher set pbx: "), () -> "one change, one line: " + log.lines());
  }

  @Test
  void callsGoRoundRobinMoveToTheOthersWhileAPbxIsDownAndComeBack() {
    startPbxs();
    startGateway(new JsonObject().put("dispatcher", dispatcher()).put("routes", routes()));

    long[] before = invites();
    calls();
    long[] after = invites();
    for (int i = 0; i < 3; i++) {
      assertEquals(CALLS / 3, after[i] - before[i], "round robin: PBX " + i + " takes a third of the calls");
    }

    running[1].close();
    awaitLogged(state(1, "down") + FAILURES + " probes failed: ");
    before = invites();
    calls(); // none fails
    after = invites();
    assertEquals(CALLS / 2, after[0] - before[0], "PBX 0 takes half of the calls while PBX 1 is down");
    assertEquals(CALLS / 2, after[2] - before[2], "PBX 2 takes half of the calls while PBX 1 is down");

    startPbx(1);
    awaitLogged(state(1, "up") + "1 probe answered: 200)");
    before = invites();
    calls();
    after = invites();
    for (int i = 0; i < 3; i++) {
      assertEquals(CALLS / 3, after[i] - before[i], "PBX " + i + " takes a third of the calls again");
    }
    noCallsInProgress();
  }

  /** Every call counted on a destination (least calls) when its INVITE went there is counted off by its BYE. */
  private void noCallsInProgress() {
    JsonArray status = gateway.sipgw().destinationSets().status();
    for (Object d : status.getJsonObject(0).getJsonArray("destinations")) {
      assertEquals(0, ((JsonObject) d).getInteger("calls"), () -> "no call in progress: " + status.encode());
    }
  }

  @Test
  void aCallToAPbxThatDoesNotAnswerFailsOverToTheNextBeforeProbesFindItDown() {
    startPbxs();
    JsonObject dispatcher = dispatcher();
    JsonObject set = dispatcher.getJsonArray("sets").getJsonObject(0);
    set.getJsonObject("probe").put("interval", 0); // not probed: it stays up for the set, only failover moves the calls
    set.getJsonObject("failover").put("timeout", FAILOVER_TIMEOUT_MILLIS);
    startGateway(new JsonObject().put("dispatcher", dispatcher).put("routes", routes()));
    running[1].close();
    long[] before = invites();
    calls(); // none fails: a third of them first went to PBX 1, then to the next
    long[] after = invites();
    assertEquals(CALLS / 3, after[0] - before[0], "PBX 0 takes its turns");
    assertEquals(2 * CALLS / 3, after[2] - before[2], "PBX 2 takes its turns and, next in the set, PBX 1's");
    assertEquals(0, log.count("INFO", "dispatcher set pbx: "), () -> "not probed, nothing changes: " + log.lines());
    noCallsInProgress();
  }
}
