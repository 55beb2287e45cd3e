package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One source floods the gateway with OPTIONS as fast as SIPp sends them (127.0.0.2, bounded: 60,000
 * at most, 3 s) while another (127.0.0.1) makes calls: the flooder is banned within a second after
 * {@code bans.maxRequests} of its messages, the ban is logged once, and every call of the other
 * source succeeds. The gateway (its own JVM, the jar's code) and the SIPps run in a network
 * namespace with only {@code lo}.
 */
@Timeout(120)
class FloodBanTest {
  private static final int SIP_PORT = 5060;
  private static final int LIMIT = 300;
  private static final int CALLS = 40;

  @TempDir Path dir;
  private NetNamespace ns;
  private GatewayProcess gateway;
  private Callee callee;

  @AfterEach
  void stop() {
    try {
      if (callee != null) callee.close();
      if (gateway != null) gateway.close();
    } finally {
      if (ns != null) ns.close();
    }
  }

  @Test
  void aFloodingSourceIsBannedAndTheOthersCallsGoOn() throws Exception {
    ns = NetNamespace.create();
    JsonObject config = TestGateway.config(SIP_PORT, 0)
        .put("bans", new JsonObject().put("maxRequests", LIMIT).put("interval", 1).put("banTime", 60).put("exempt", new JsonArray()));
    gateway = GatewayProcess.start(ns, config, dir.resolve("gateway"));
    String host = FreePorts.IPV4_LOOPBACK;
    callee = Callee.listen(ns, "uas.xml", "bob", host, SippTransport.UDP, CALLS, Duration.ofSeconds(60), dir);
    callee.registerAt(host, SIP_PORT, TestGateway.DOMAIN);

    SippRun flood = Sipp.scenario("options-uac.xml").namespace(ns).remote(host, SIP_PORT).local("127.0.0.2")
        .key("ruri", "sip:" + host + ":" + SIP_PORT).calls(60_000).rate(20_000).recvTimeout(Duration.ofSeconds(1))
        .timeout(Duration.ofSeconds(3)).workDir(dir.resolve("flood")).arg("-max_retrans", "0").start();
    SippResult calls = Sipp.scenario("uac.xml").namespace(ns).remote(host, SIP_PORT).local(host).service("bob").calls(CALLS)
        .rate(20).timeout(Duration.ofSeconds(40)).workDir(dir).run();
    SippResult flooded = flood.awaitExit(Duration.ofSeconds(30));

    calls.assertSucceeded(CALLS).assertInOrder();
    callee.stop().assertSucceeded(CALLS);
    String log = Files.readString(gateway.log(), StandardCharsets.UTF_8);
    long bans = log.lines().filter(l -> l.contains("banned 127.0.0.2 for 60 s")).count();
    assertEquals(1, bans, () -> "one line per ban, not per packet:\n" + gateway.logTail());
    assertTrue(flooded.successfulCalls() <= 2L * LIMIT,
        () -> "the flooder got " + flooded.successfulCalls() + " answers: it was banned after about " + LIMIT + "\n" + flooded.describe());
    assertTrue(log.lines().noneMatch(l -> l.contains("banned 127.0.0.1")), gateway::logTail);
  }
}
