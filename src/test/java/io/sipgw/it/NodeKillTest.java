package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway process on Redis killed with SIGKILL and started again serves every binding registered
 * through it before: its UDP phone is called at once, with no new REGISTER. The gateway (as its own
 * JVM, the jar's code), redis-server and the SIPps run in a network namespace with only {@code lo}.
 */
@Timeout(120)
class NodeKillTest {
  private static final int SIP_PORT = 5060;
  private static final int REDIS_PORT = 6379;

  @TempDir Path dir;
  private NetNamespace ns;
  private RedisServer redis;
  private GatewayProcess gateway;
  private Callee callee;

  @AfterEach
  void stop() {
    try {
      if (callee != null) callee.close();
      if (gateway != null) gateway.close();
      if (redis != null) redis.close();
    } finally {
      if (ns != null) ns.close();
    }
  }

  @Test
  void aKilledNodeStartedAgainCallsThePhonesRegisteredThroughIt() {
    ns = NetNamespace.create();
    redis = RedisServer.start(ns, REDIS_PORT, dir.resolve("redis"));
    JsonObject config = TestGateway.config(SIP_PORT, 0)
        .put("store", new JsonObject().put("type", "redis").put("redis", "redis://127.0.0.1:" + REDIS_PORT));
    gateway = GatewayProcess.start(ns, config, dir.resolve("gateway-1"));
    String host = FreePorts.IPV4_LOOPBACK;
    callee = Callee.listen(ns, "uas.xml", "bob", host, SippTransport.UDP, 2, Duration.ofSeconds(90), dir);
    callee.registerAt(host, SIP_PORT, TestGateway.DOMAIN);

    gateway.kill();
    gateway = GatewayProcess.start(ns, config, dir.resolve("gateway-2"));

    Sipp.scenario("uac.xml").namespace(ns).remote(host, SIP_PORT).local(host).service("bob").calls(2).rate(10)
        .timeout(Duration.ofSeconds(30)).workDir(dir).run().assertSucceeded(2).assertInOrder();
    callee.stop().assertSucceeded(2);
  }

  /**
   * The restarted node looks after what its last run saved, read back from Redis by its node name: a
   * UDP phone behind NAT is pinged again without a new REGISTER (the first run sent no keep-alives at
   * all, so every ping the phone sees comes from the second), and an RFC 5626 outbound binding, which
   * only the TCP connection that died with the first run reached, is removed.
   */
  @Test
  void aRestartedNodePingsItsPhonesBehindNatAgainAndDropsTheFlowsThatDiedWithIt() throws Exception {
    ns = NetNamespace.create();
    redis = RedisServer.start(ns, REDIS_PORT, dir.resolve("redis"));
    String host = FreePorts.IPV4_LOOPBACK;
    JsonObject first = TestGateway.config(SIP_PORT, 0)
        .put("store", new JsonObject().put("type", "redis").put("redis", "redis://127.0.0.1:" + REDIS_PORT))
        .put("nat", new JsonObject().put("keepalive", "none"));
    gateway = GatewayProcess.start(ns, first, dir.resolve("gateway-1"));
    try (SippRun phone = Sipp.scenario("register-behind-nat.xml").namespace(ns).remote(host, SIP_PORT).local(host).service("bob")
             .key("domain", TestGateway.DOMAIN).key("contact", "10.0.0.5:5060")
             .arg("-d", "30000", "-oocsf", scenario("answer-options.xml")).timeout(Duration.ofSeconds(60)).traceMessages()
             .workDir(dir.resolve("phone")).start();
         SippRun flow = Sipp.scenario("register-outbound.xml").namespace(ns).remote(host, SIP_PORT).local(host)
             .transport(SippTransport.TCP).service("carol").key("domain", TestGateway.DOMAIN).arg("-d", "30000")
             .timeout(Duration.ofSeconds(60)).workDir(dir.resolve("flow")).start()) {
      awaitBindings("bob", true);
      awaitBindings("carol", true);

      gateway.kill();
      JsonObject second = first.copy().put("nat", new JsonObject().put("keepalive", "options").put("interval", 1).put("maxMissed", 3));
      gateway = GatewayProcess.start(ns, second, dir.resolve("gateway-2"));

      String restarted = "node udp:127.0.0.1:" + SIP_PORT + " restarted: 2 AOR(s) had bindings saved through it before; "
          + "1 UDP binding(s) behind NAT pinged again, 1 removed";
      awaitLog(restarted);
      awaitBindings("carol", false);
      Thread.sleep(3_500); // three pings at one a second
      SippResult run = phone.stop(Duration.ofSeconds(40));
      long pings = run.traced().stream().filter(m -> m.received() && m.isRequest("OPTIONS")).count();
      long answered = run.traced().stream().filter(m -> m.sent() && m.isResponse(200, "OPTIONS")).count();
      assertTrue(pings >= 2, () -> pings + " keep-alive OPTIONS after the restart\n" + run.describe());
      assertEquals(pings, answered, run::describe);
      assertTrue(bindingsJson("bob").contains("10.0.0.5"), "bob, who answers, stays registered");
    }
  }

  /**
   * A node on a wildcard listener without advertise is named, and reached by the other nodes, at
   * {@code store.nodeAddress}; it says so at start (in the namespace: a wildcard bind stays off the
   * machine's network).
   */
  @Test
  void aWildcardNodeIsNamedByItsNodeAddress() throws Exception {
    ns = NetNamespace.create();
    redis = RedisServer.start(ns, REDIS_PORT, dir.resolve("redis"));
    JsonObject config = TestGateway.config(SIP_PORT, 0)
        .put("listen", new JsonArray().add(new JsonObject().put("transport", "udp").put("host", "0.0.0.0").put("port", SIP_PORT)))
        .put("store", new JsonObject().put("type", "redis").put("redis", "redis://127.0.0.1:" + REDIS_PORT).put("nodeAddress", "127.0.0.1"));
    gateway = GatewayProcess.start(ns, config, dir.resolve("gateway"));
    awaitLog("this node is udp:127.0.0.1:" + SIP_PORT + ": other nodes reach its flows there (udp:0.0.0.0:" + SIP_PORT
        + ", store.nodeAddress)");
    assertFalse(Files.readString(gateway.log(), StandardCharsets.UTF_8).contains("first non-loopback"), gateway::logTail);
  }

  /** The AOR's bindings as the Redis store keeps them (JSON), read with redis-cli in the namespace. */
  private String bindingsJson(String user) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(ns.command(List.of("redis-cli", "-p", Integer.toString(REDIS_PORT), "HGET",
        "sipgw:aor:" + user + "@" + TestGateway.DOMAIN, "b"))).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), "redis-cli did not end");
    return out;
  }

  private void awaitBindings(String user, boolean present) throws IOException, InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String json = "";
    while (System.nanoTime() < end) {
      json = bindingsJson(user);
      if (json.contains("\"c\":") == present) return;
      Thread.sleep(100);
    }
    fail(user + (present ? " has no binding" : " still has a binding") + " in Redis: " + json + "\n" + gateway.logTail());
  }

  private void awaitLog(String line) throws IOException, InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < end) {
      if (Files.readString(gateway.log(), StandardCharsets.UTF_8).contains(line)) return;
      Thread.sleep(100);
    }
    fail("no \"" + line + "\" in the log:\n" + gateway.logTail());
  }

  private static String scenario(String name) throws URISyntaxException {
    return Path.of(NodeKillTest.class.getResource("/sipp/" + name).toURI()).toString();
  }
}
