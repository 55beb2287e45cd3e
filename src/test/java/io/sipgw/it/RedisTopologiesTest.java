package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The location service on a Redis Cluster and behind a Sentinel, real redis-server processes on
 * loopback ({@link RedisTopology}): two gateways on it serve one domain (a phone registered through A
 * is called through B), and the keys are where the topology puts them — spread over the cluster's
 * masters, on the master the Sentinel names.
 */
@Timeout(120)
class RedisTopologiesTest {
  private static final int CALLS = 5;
  private static final int USERS = 30;

  @TempDir Path dir;
  private RedisTopology redis;
  private TestGateway a;
  private TestGateway b;
  private Callee callee;

  @AfterEach
  void stop() {
    try {
      if (callee != null) callee.close();
      if (a != null) a.close();
      if (b != null) b.close();
    } finally {
      if (redis != null) redis.close();
    }
  }

  @Test
  void twoNodesServeOneDomainOnARedisClusterAndItsKeysAreSpreadOverTheMasters() {
    redis = RedisTopology.cluster(dir.resolve("redis"));
    List<String> urls = redis.urls();
    twoNodesServeOneDomain(new JsonObject().put("type", "redis").put("topology", "cluster").put("redis", urls.get(0))
        .put("nodes", new JsonArray().add(urls.get(1)).add(urls.get(2))));
    for (int port : redis.ports()) {
      String keys = RedisTopology.cli(port, "--scan", "--pattern", "sipgw:aor:*");
      assertTrue(keys.contains("sipgw:aor:"), () -> "the master on " + port + " holds none of the " + (USERS + 1) + " AORs");
    }
  }

  @Test
  void twoNodesServeOneDomainThroughASentinel() {
    redis = RedisTopology.sentinel(dir.resolve("redis"));
    List<String> urls = redis.urls();
    twoNodesServeOneDomain(new JsonObject().put("type", "redis").put("topology", "sentinel").put("redis", urls.get(1))
        .put("masterName", RedisTopology.MASTER_NAME));
    int master = redis.ports().get(0);
    assertEquals("1", RedisTopology.cli(master, "exists", "sipgw:aor:bob@" + TestGateway.DOMAIN).trim(),
        "the binding is on the master the Sentinel names");
  }

  private void twoNodesServeOneDomain(JsonObject store) {
    a = TestGateway.start(new JsonObject().put("store", store.copy()));
    b = TestGateway.start(new JsonObject().put("store", store.copy()));
    String host = FreePorts.IPV4_LOOPBACK;
    for (int i = 0; i < USERS; i++) {
      SipMessageText ok = Registration.register(host, a.port(), SippTransport.UDP, "u" + i, TestGateway.DOMAIN,
          List.of("<sip:u" + i + "@127.0.0.1:5990>"));
      assertEquals(200, ok.status(), ok::toString);
    }
    callee = Callee.listen("bob", host, SippTransport.UDP, CALLS, Duration.ofSeconds(60), dir);
    callee.registerAt(host, a.port(), TestGateway.DOMAIN);
    Sipp.scenario("uac.xml").remote(host, b.port()).local(host).service("bob").calls(CALLS).rate(10)
        .timeout(Duration.ofSeconds(30)).workDir(dir).run().assertSucceeded(CALLS).assertInOrder();
    callee.stop().assertSucceeded(CALLS);
  }
}
