package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.metrics.PrometheusText;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics of a running gateway, read as Prometheus text ({@code Sipgw.metrics().scrape()}, what
 * {@code /metrics} serves) while real peers use it: SIPp users register, SIPp calls go through to a SIPp
 * callee (INVITE / 180 / 200 / ACK / BYE / 200), a TCP peer calls an unknown user, a REGISTER goes
 * to a Redis store that stops answering. Each series is compared with what the peers did.
 */
@Timeout(90)
class MetricsGatewayTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final int USERS = 100;
  private static final int CALLS = 10;
  /** A test that starts a gateway of its own. */
  private static final String OWN_GATEWAY = "own-gateway";

  @TempDir Path dir;
  private TestGateway gateway;
  private Callee callee;
  private RedisServer redis;

  @BeforeEach
  void startGateway(TestInfo test) {
    if (!test.getTags().contains(OWN_GATEWAY)) gateway = TestGateway.start();
  }

  @AfterEach
  void stopEverything() {
    try {
      if (callee != null) callee.close();
    } finally {
      try {
        if (gateway != null) gateway.close();
      } finally {
        if (redis != null) redis.close();
      }
    }
  }

  private PrometheusText scrape() { return PrometheusText.parse(gateway.sipgw().metrics().scrape()); }

  @Test
  void registrationsAndCallsAreCountedAsTheyHappen() throws IOException {
    PrometheusText before = scrape();
    assertEquals(0.0, before.value("sipgw_sip_requests_total", "method", "REGISTER"));
    assertEquals(0.0, before.value("sipgw_location_bindings"));

    Path users = InjectionFile.users(dir, "muser", USERS, TestGateway.DOMAIN, HOST, FreePorts.udpAndTcp(HOST), SippTransport.UDP);
    Sipp.scenario("register.xml").remote(HOST, gateway.port()).local(HOST).transport(SippTransport.UDP).injectionFile(users)
        .calls(USERS).rate(200).timeout(Duration.ofSeconds(20)).arg("-cid_str", "muser-%u@it").workDir(dir).run()
        .assertSucceeded(USERS);
    PrometheusText registered = scrape();
    double registers = registered.value("sipgw_sip_requests_total", "method", "REGISTER");
    assertTrue(registers >= USERS, "REGISTERs received: " + registers);
    assertEquals((double) USERS, registered.value("sipgw_sip_responses_sent_total", "method", "REGISTER", "code", "200"),
        "a 200 per REGISTER (SIPp checked each)");
    assertEquals((double) USERS, registered.value("sipgw_location_bindings"));
    assertEquals((double) USERS, registered.value("sipgw_request_first_response_seconds_count", "method", "REGISTER"),
        "the latency of each REGISTER's answer");
    assertEquals((double) USERS, registered.value("sipgw_request_first_response_seconds_bucket", "method", "REGISTER", "le", "+Inf"));

    callee = Callee.listen("bob", HOST, SippTransport.UDP, CALLS, Duration.ofSeconds(45), dir);
    callee.registerAt(HOST, gateway.port(), TestGateway.DOMAIN);
    Sipp.scenario("uac.xml").remote(HOST, gateway.port()).local(HOST).transport(SippTransport.UDP).service("bob")
        .calls(CALLS).rate(10).timeout(Duration.ofSeconds(30)).workDir(dir).run().assertSucceeded(CALLS);
    callee.stop().assertSucceeded(CALLS);

    PrometheusText called = scrape();
    assertTrue(called.value("sipgw_sip_requests_total", "method", "INVITE") >= CALLS);
    assertTrue(called.value("sipgw_sip_requests_total", "method", "ACK") >= CALLS);
    assertTrue(called.value("sipgw_sip_requests_total", "method", "BYE") >= CALLS);
    assertEquals((double) CALLS, called.value("sipgw_sip_responses_sent_total", "method", "INVITE", "code", "100"), "100 Trying per call");
    assertTrue(called.value("sipgw_sip_responses_sent_total", "method", "INVITE", "code", "180") >= CALLS);
    assertTrue(called.value("sipgw_sip_responses_sent_total", "method", "INVITE", "code", "200") >= CALLS);
    assertTrue(called.value("sipgw_sip_responses_received_total", "method", "INVITE", "code", "200") >= CALLS,
        "the callee's 200s, received");
    assertTrue(called.value("sipgw_sip_responses_received_total", "method", "BYE", "code", "200") >= CALLS);
    assertEquals((double) CALLS, called.value("sipgw_request_first_response_seconds_count", "method", "INVITE"));
    assertEquals((double) CALLS, called.value("sipgw_dialogs_answered_total"));
    assertEquals((double) CALLS, called.value("sipgw_dialogs_ended_total"));
    assertEquals(0.0, called.value("sipgw_dialogs_active"));
    assertEquals("gauge", called.type("sipgw_transactions"));
    assertTrue(called.value("jvm_threads_live_threads") > 0);

    JsonObject stats = gateway.sipgw().metrics().statistics();
    assertEquals((long) registers + 1, (long) stats.getJsonObject("requests").getLong("REGISTER"), "the users and the callee: " + stats);
    assertEquals(CALLS, stats.getJsonObject("dialogs").getLong("answered"));
    assertTrue(stats.getJsonObject("responses").getJsonObject("sent").getJsonObject("total").getLong("2xx") >= USERS + 1 + 2 * CALLS);
    assertEquals(USERS + 1, stats.getInteger("bindings"));
  }

  @Test
  void connectionsPerTransportAndUnknownUsers() throws IOException {
    try (SipPeer tcp = SipPeer.open(SippTransport.TCP, HOST, gateway.port())) {
      String uri = "sip:nobody@" + tcp.gatewayHostPort();
      tcp.send(tcp.request("INVITE", uri, uri, ""));
      int status = tcp.finalResponse(Duration.ofSeconds(5)).status();
      PrometheusText t = scrape();
      assertEquals(1.0, t.value("sipgw_connections", "transport", "TCP"), "the peer's connection");
      assertEquals(0.0, t.value("sipgw_connections", "transport", "TLS"));
      assertEquals(1.0, t.value("sipgw_sip_responses_sent_total", "method", "INVITE", "code", Integer.toString(status)),
          "the " + status + " for an unknown user");
      assertEquals(1L, gateway.sipgw().metrics().statistics().getJsonObject("connections").getLong("TCP"));
    }
  }

  @Test
  @Tag(OWN_GATEWAY)
  void redisCommandsAndAnOutageAreCounted() throws IOException {
    redis = RedisServer.start(dir.resolve("redis"));
    gateway = TestGateway.start(new JsonObject().put("store", new JsonObject().put("type", "redis").put("redis", redis.url())
        .put("timeout", 1000)));
    try (SipPeer peer = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      String aor = "sip:carol@" + TestGateway.DOMAIN;
      peer.send(peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, ""));
      assertEquals(200, peer.finalResponse(Duration.ofSeconds(5)).status());
      PrometheusText up = scrape();
      assertTrue(up.sum("sipgw_redis_command_seconds_count") >= 1, "the registration's commands, timed");
      // (a command may time out while Redis is up, on a loaded machine: the outage is measured as a difference)
      double before = up.sum("sipgw_redis_errors_total", "error", "unavailable");
      assertEquals(null, up.value("sipgw_location_bindings"), "no binding count with the Redis store");

      redis.pause();
      try {
        peer.send(peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, ""));
        assertEquals(500, peer.finalResponse(Duration.ofSeconds(5)).status(), "Redis does not answer");
        PrometheusText down = scrape();
        assertTrue(down.value("sipgw_redis_errors_total", "error", "unavailable") >= before + 1, "the timed-out command");
        assertEquals(1.0, down.value("sipgw_sip_responses_sent_total", "method", "REGISTER", "code", "500"));
      } finally {
        redis.resume();
      }
    }
  }

  @Test
  @Tag(OWN_GATEWAY)
  void aFloodingSourceIsBannedAndItsMessagesCountedAsDropped() throws IOException {
    int limit = 5;
    gateway = TestGateway.start(new JsonObject().put("bans", new JsonObject().put("maxRequests", limit).put("interval", 60)
        .put("banTime", 60).put("exempt", new io.vertx.core.json.JsonArray())));
    try (SipPeer peer = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      String uri = "sip:" + peer.gatewayHostPort();
      for (int i = 0; i < limit; i++) {
        peer.send(peer.request("OPTIONS", uri, uri, ""));
        peer.finalResponse(Duration.ofSeconds(5));
      }
      for (int i = 0; i < 3; i++) peer.send(peer.request("OPTIONS", uri, uri, ""));
      Polling.await(() -> scrape().value("sipgw_sip_dropped_total", "reason", "banned") >= 3, Duration.ofMillis(50),
          Duration.ofSeconds(5), () -> "the three messages past the limit dropped: " + gateway.sipgw().metrics().statistics());
      PrometheusText t = scrape();
      assertEquals(1.0, t.value("sipgw_bans_active"));
      assertEquals((double) limit, t.value("sipgw_sip_requests_total", "method", "OPTIONS"), "only those admitted were parsed");
      assertEquals(1, gateway.sipgw().metrics().statistics().getInteger("banned"));
    }
  }

  @Test
  @Tag(OWN_GATEWAY)
  void webSocketConnectionsAreCounted() {
    gateway = TestGateway.startWebSocket(new JsonObject());
    try (WsPeer a = WsPeer.connect(gateway.wsPort()); WsPeer b = WsPeer.connect(gateway.wsPort())) {
      Polling.await(() -> scrape().value("sipgw_connections", "transport", "WS") == 2.0, Duration.ofMillis(50), Duration.ofSeconds(5),
          () -> "two WebSocket connections: " + gateway.sipgw().metrics().statistics());
      assertEquals(2L, gateway.sipgw().metrics().statistics().getLong("websocket"));
    }
    Polling.await(() -> scrape().value("sipgw_connections", "transport", "WS") == 0.0, Duration.ofMillis(50), Duration.ofSeconds(5),
        () -> "closed: " + gateway.sipgw().metrics().statistics());
  }

  @Test
  void unparsableMessagesAreCountedAsDropped() throws IOException {
    try (SipPeer udp = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      udp.send("this is not SIP\r\n\r\n");
      udp.send(udp.request("OPTIONS", "sip:" + udp.gatewayHostPort(), "sip:" + udp.gatewayHostPort(), ""));
      udp.finalResponse(Duration.ofSeconds(5)); // the OPTIONS came after the garbage: it was read
      PrometheusText t = scrape();
      assertEquals(1.0, t.value("sipgw_sip_dropped_total", "reason", "unparsable"));
      assertEquals(1.0, t.value("sipgw_sip_requests_total", "method", "OPTIONS"));
    }
  }
}
