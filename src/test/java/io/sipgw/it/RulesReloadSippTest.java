package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route rules reloaded from the config file under load, in sipgw as its own process ({@code Main run
 * -c FILE}, {@code reload.scanPeriod} 200 ms): two SIPp callers at a steady rate (one with ACK and BYE back
 * to back, one holding its calls 2 s, so calls in progress span every reload) through the rules to two SIPp
 * callees. The file is rewritten while they run: each version sets {@code X-Version} and sends the calls
 * to the other callee. Then an invalid version (an unknown action) is refused, naming its key, and the
 * calls go on by the rules before it; then a version that also changes {@code listen} is applied but for
 * the listener, with a message saying a restart is needed. Zero failed calls, and each callee got exactly
 * the versions whose rules sent calls to it.
 */
@Timeout(150)
class RulesReloadSippTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final int RATE = 40;
  private static final int CALLS = 600;
  private static final int HELD_RATE = 10;
  private static final int HELD_CALLS = 150;
  private static final Duration PHONE_BOUND = Duration.ofSeconds(80);
  private static final Duration CALLER_BOUND = Duration.ofSeconds(60);
  private static final Duration LOG_BOUND = Duration.ofSeconds(5);
  private static final Duration STEP = Duration.ofMillis(2500);

  @TempDir Path dir;
  private GatewayProcess gateway;
  private int port;
  private Callee a;
  private Callee b;
  private SippRun backToBack;
  private SippRun held;

  @AfterEach
  void stopEverything() {
    for (AutoCloseable c : new AutoCloseable[] {backToBack, held, a, b, gateway}) {
      try {
        if (c != null) c.close();
      } catch (Exception e) {
        // the others are still closed
      }
    }
  }

  private static JsonArray rules(String version, int calleePort) {
    return new JsonArray("""
        [{"name": "within-dialog", "actions": [{"looseRoute": {}}]},
         {"name": "calls", "when": {"method": "INVITE"}, "actions": [
           {"setHeader": {"name": "X-Version", "value": "%s"}}, {"forward": {"to": "sip:127.0.0.1:%d"}}]},
         {"name": "rest", "actions": [{"reply": 404}]}]""".formatted(version, calleePort));
  }

  /** Writes {@code config} to the gateway's config file at once (a rename: the watcher never reads half a file). */
  private void write(JsonObject config) {
    Path file = gateway.configFile();
    Path next = file.resolveSibling("sipgw.json.next");
    try {
      Files.writeString(next, config.encodePrettily(), StandardCharsets.UTF_8);
      Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Sipp caller(int rate, int calls) {
    return Sipp.scenario("uac.xml").remote(HOST, port).local(HOST).service("bob").calls(calls).rate(rate)
        .timeout(CALLER_BOUND).workDir(dir).arg("-buff_size", "4194304");
  }

  private static Set<String> versions(Callee callee) {
    Set<String> v = new TreeSet<>();
    for (TracedMessage m : callee.tracedSoFar()) if (m.received() && m.isRequest("INVITE")) v.addAll(m.message().headers("X-Version"));
    return v;
  }

  private static long invitesOf(Callee callee, String version) {
    return callee.tracedSoFar().stream()
        .filter(m -> m.received() && m.isRequest("INVITE") && m.message().headers("X-Version").contains(version)).count();
  }

  private void awaitLog(String text, Supplier<String> what) {
    Polling.await(() -> gateway.logText().contains(text), Duration.ofMillis(50), LOG_BOUND,
        () -> what.get() + ": no \"" + text + "\" in the log\n" + gateway.logTail());
  }

  @Test
  void rulesChangedUnderLoadLoseNoCallAndAnInvalidVersionIsRefused() {
    a = Callee.listen("uas.xml", "pbx", HOST, SippTransport.UDP, CALLS + HELD_CALLS, PHONE_BOUND, dir, "-buff_size", "4194304");
    b = Callee.listen("uas.xml", "pbx", HOST, SippTransport.UDP, CALLS + HELD_CALLS, PHONE_BOUND, dir, "-buff_size", "4194304");
    port = FreePorts.udpAndTcp(HOST);
    JsonObject config = TestGateway.config(port, 0).put("reload", new JsonObject().put("scanPeriod", 200));
    gateway = GatewayProcess.start(null, config.copy().put("routes", rules("1", a.port())), dir.resolve("gateway"));

    backToBack = caller(RATE, CALLS).start();
    held = caller(HELD_RATE, HELD_CALLS).arg("-d", "2000").start();
    Polling.pause(STEP);
    write(config.copy().put("routes", rules("2", b.port())));
    Polling.pause(STEP);
    write(config.copy().put("routes", rules("3", a.port())));
    Polling.pause(STEP);
    write(config.copy().put("routes", rules("4", b.port())));
    Polling.pause(STEP);

    JsonArray invalid = rules("5", a.port());
    invalid.getJsonObject(1).getJsonArray("actions").set(0, new JsonObject().put("jump", new JsonObject()));
    write(config.copy().put("routes", invalid));
    awaitLog("routes[1].actions[0].jump", () -> "the invalid rules are refused naming the key");
    assertTrue(gateway.logText().contains("config reload refused, keeping the running config"), gateway::logTail);
    long before = invitesOf(b, "4");
    Polling.pause(Duration.ofMillis(1500));
    assertTrue(invitesOf(b, "4") > before + RATE / 2, () -> "calls go on by the rules before the invalid ones (version 4 to b): "
        + before + " then " + invitesOf(b, "4"));

    int otherPort = FreePorts.udpAndTcp(HOST);
    JsonObject moved = config.copy().put("routes", rules("5", a.port()));
    moved.getJsonArray("listen").add(new JsonObject().put("transport", "tcp").put("host", HOST).put("port", otherPort));
    write(moved);
    awaitLog("restart needed for listen", () -> "a listener change is refused, saying a restart is needed");

    SippResult callers = backToBack.awaitExit(CALLER_BOUND.plus(Sipp.EXIT_GRACE));
    SippResult holders = held.awaitExit(CALLER_BOUND.plus(Sipp.EXIT_GRACE));
    callers.assertSucceeded(CALLS).assertInOrder();
    holders.assertSucceeded(HELD_CALLS).assertInOrder();
    Set<String> atA = versions(a);
    Set<String> atB = versions(b);
    SippResult answeredA = a.stop();
    SippResult answeredB = b.stop();
    assertEquals(0, answeredA.failedCalls(), answeredA::describe);
    assertEquals(0, answeredB.failedCalls(), answeredB::describe);
    assertEquals(CALLS + HELD_CALLS, answeredA.successfulCalls() + answeredB.successfulCalls(), () -> answeredA.describe() + answeredB.describe());

    assertEquals(Set.of("1", "3", "5"), atA, "a got the calls of versions 1, 3 and 5 (5 applied with the listener change), and only those");
    assertEquals(Set.of("2", "4"), atB, "b got the calls of versions 2 and 4, and only those");
    assertFalse(FreePorts.isBound(otherPort, true), "the new listener was not opened");
    assertTrue(gateway.logText().lines().filter(l -> l.contains("config reload refused")).count() == 1,
        () -> "one refusal, the invalid version's\n" + gateway.logTail());
  }
}
