package io.sipgw.it;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
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
}
