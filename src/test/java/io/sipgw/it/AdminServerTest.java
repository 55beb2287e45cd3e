package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin listener of a running gateway over real HTTP: the bearer token, every RPC method and its
 * errors, batches, /health, /metrics, and /ready flipping while a real redis-server stops and starts.
 */
@Timeout(120)
class AdminServerTest {
  private static final String TOKEN = "admin-test-token-0123456789";
  private static final String GATEWAY_SET = "gw";
  private static final String DESTINATION = "sip:127.0.0.1:5999";

  @TempDir Path dir;
  private TestGateway gateway;
  private RedisServer redis;

  @AfterEach
  void stop() {
    if (gateway != null) gateway.close();
    if (redis != null) redis.close();
  }

  private AdminHttp start(JsonObject overrides) {
    JsonObject config = new JsonObject()
        .put("admin", new JsonObject().put("enabled", true).put("port", 0).put("token", TOKEN))
        .put("dispatcher", new JsonObject().put("sets", new JsonArray().add(new JsonObject().put("name", GATEWAY_SET)
            .put("destinations", new JsonArray().add(new JsonObject().put("uri", DESTINATION))))))
        .mergeIn(overrides, true);
    gateway = TestGateway.start(config);
    int port = gateway.sipgw().adminPort();
    assertNotEquals(0, port);
    return new AdminHttp(port, TOKEN);
  }

  /** A watcher's SUBSCRIBE to {@code user}'s presence, answered 200. */
  private void subscribe(String user) {
    String aor = "sip:" + user + "@" + TestGateway.DOMAIN;
    try (SipPeer watcher = SipPeer.open(SippTransport.UDP, FreePorts.IPV4_LOOPBACK, gateway.port())) {
      watcher.send(watcher.request("SUBSCRIBE", aor, aor, "Event: presence\r\nExpires: 600\r\n"));
      SipMessageText ok = watcher.finalResponse(Duration.ofSeconds(5));
      assertEquals(200, ok.status(), ok::toString);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theTokenIsRequiredOnRpcAndMetricsButNotOnHealthAndReady() {
    AdminHttp http = start(new JsonObject());
    String call = "{\"jsonrpc\":\"2.0\",\"method\":\"core.version\",\"id\":1}";
    HttpResponse<String> none = http.post(call, null);
    assertEquals(401, none.statusCode());
    assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), none.headers().toString());
    assertEquals(401, http.post(call, "Bearer wrong-token-0123456789").statusCode());
    assertEquals(401, http.post(call, "Basic " + TOKEN).statusCode());
    assertEquals(200, http.post(call, "Bearer " + TOKEN).statusCode());
    assertEquals(401, http.get("/metrics", false).statusCode());
    HttpResponse<String> metrics = http.get("/metrics", true);
    assertEquals(200, metrics.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.headers().firstValue("Content-Type").orElse(""));
    io.sipgw.metrics.PrometheusText series = io.sipgw.metrics.PrometheusText.parse(metrics.body());
    assertEquals("counter", series.type("sipgw_sip_requests_total"), "the node's registry is served");
    assertTrue(series.samples().stream().anyMatch(x -> x.name().equals("jvm_memory_used_bytes")), "JVM series too");

    HttpResponse<String> health = http.get("/health", false);
    assertEquals(200, health.statusCode());
    assertEquals("up", new JsonObject(health.body()).getString("status"));
    HttpResponse<String> ready = http.get("/ready", false);
    assertEquals(200, ready.statusCode(), ready.body());
    // the console's files need no token (they are helper C's; absent here: 404, not 401)
    int console = http.get("/console/", false).statusCode();
    assertTrue(console == 200 || console == 404, "the console's index, or none yet: " + console);
    HttpResponse<String> bare = http.get("/console", false);
    assertEquals(302, bare.statusCode());
    assertEquals("/console/", bare.headers().firstValue("Location").orElse(""));
  }

  @Test
  void aNewTokenIsInForceAfterAReload() {
    AdminHttp http = start(new JsonObject());
    String call = "{\"jsonrpc\":\"2.0\",\"method\":\"core.version\",\"id\":1}";
    String next = "admin-next-token-0123456789";
    gateway.reload(new JsonObject().put("admin", new JsonObject().put("token", next)));
    Polling.await(() -> http.post(call, "Bearer " + next).statusCode() == 200, Duration.ofMillis(50), Duration.ofSeconds(5),
        () -> "the new token is not accepted");
    assertEquals(401, http.post(call, "Bearer " + TOKEN).statusCode());
  }

  @Test
  void aGatewayWhoseAdminPortIsTakenDoesNotStart() throws IOException {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getByName(FreePorts.IPV4_LOOPBACK))) {
      RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
          () -> start(new JsonObject().put("admin", new JsonObject().put("port", taken.getLocalPort()))));
      assertTrue(String.valueOf(e.getMessage()).contains("admin"), e.toString());
    }
    // with the admin port free, the same config starts
    gateway = null;
    AdminHttp http = start(new JsonObject());
    assertEquals(200, http.get("/health", false).statusCode());
  }

  @Test
  void coreAndSystemMethodsAnswer() {
    AdminHttp http = start(new JsonObject());
    assertTrue(((String) http.result("core.version")).startsWith("sipgw "));
    JsonObject uptime = (JsonObject) http.result("core.uptime");
    assertTrue(uptime.getLong("uptime") >= 0, uptime.encode());
    JsonObject info = (JsonObject) http.result("core.info");
    assertEquals("memory", info.getString("store"));
    assertEquals(ProcessHandle.current().pid(), info.getLong("pid"));
    assertFalse(info.getJsonArray("listeners").isEmpty(), info.encode());
    JsonArray methods = (JsonArray) http.result("system.listMethods");
    for (String m : List.of("core.version", "core.uptime", "core.info", "stats.get_statistics", "ul.dump", "ul.lookup", "ul.rm", "ul.add",
        "dispatcher.list", "dispatcher.set_state", "htable.dump", "bans.rm", "tm.stats", "cfg.reload", "log.set_level", "msilo.stats", "presence.stats",
        "system.listMethods")) {
      assertTrue(methods.contains(m), m + " in " + methods);
    }
    assertTrue(((String) http.result("system.methodHelp", "ul.add")).contains("aor"));
    JsonObject tm = (JsonObject) http.result("tm.stats");
    assertEquals(0, tm.getInteger("server"));
    assertEquals(2, tm.getJsonArray("loops").size(), tm.encode()); // workers: 2
    JsonObject stats = (JsonObject) http.result("stats.get_statistics");
    for (String group : List.of("registrar", "transport", "tm", "bans", "msilo")) assertTrue(stats.containsKey(group), stats.encode());
    assertEquals(0, ((JsonObject) http.result("stats.get_statistics", "registrar")).getJsonObject("registrar").getInteger("registered_aors"));
    assertEquals(0L, ((JsonObject) http.result("msilo.stats")).getLong("stored"));
    assertEquals(0L, ((JsonObject) http.result("presence.stats")).getLong("watchers"));
    subscribe("dave");
    assertEquals(1L, ((JsonObject) http.result("presence.stats")).getLong("watchers"));
    assertEquals("FINE", ((JsonObject) http.result("log.set_level", "sipgw.admin.test", "fine")).getString("level"));
    assertEquals(-32602, http.errorCode("log.set_level", "sipgw.admin.test", "LOUD"));
    assertFalse(((JsonObject) http.result("siptrace.status")).getBoolean("enabled"), "capture is off by default");
    assertTrue(((JsonObject) http.result("siptrace.status", "on")).getBoolean("enabled"));
    assertTrue(gateway.sipgw().capture().enabled(), "on in the gateway");
    assertFalse(((JsonObject) http.result("siptrace.status", "off")).getBoolean("enabled"));
    assertEquals(-32602, http.errorCode("siptrace.status", "sideways"));
    // started from a config object, not a file: nothing to read again
    assertEquals(-32000, http.errorCode("cfg.reload"));
  }

  @Test
  void protocolErrorsAndBatches() {
    AdminHttp http = start(new JsonObject());
    assertEquals(-32601, http.errorCode("no.such.method"));
    assertEquals(-32602, http.errorCode("ul.lookup"));
    assertEquals(-32602, http.errorCode("ul.lookup", "not-an-aor"));
    assertEquals(-32602, http.errorCode("ul.add", "a@localhost", "sip:a@127.0.0.1", "soon"));
    assertEquals(-32602, http.errorCode("ul.dump", 0));
    String auth = "Bearer " + TOKEN;
    JsonObject parse = new JsonObject(http.post("{\"jsonrpc\":", auth).body());
    assertEquals(-32700, parse.getJsonObject("error").getInteger("code"));
    assertTrue(parse.containsKey("id") && parse.getValue("id") == null, parse.encode());
    JsonObject invalid = new JsonObject(http.post("{\"method\":\"core.version\",\"id\":3}", auth).body());
    assertEquals(-32600, invalid.getJsonObject("error").getInteger("code"));
    assertEquals(3, invalid.getInteger("id"));
    assertEquals(-32600, new JsonObject(http.post("[]", auth).body()).getJsonObject("error").getInteger("code"));

    HttpResponse<String> r = http.post("[{\"jsonrpc\":\"2.0\",\"method\":\"core.version\",\"id\":1},"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":\"two\"},"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"core.uptime\"},"
        + "42]", auth);
    assertEquals(200, r.statusCode());
    JsonArray batch = new JsonArray(r.body());
    assertEquals(3, batch.size(), batch.encode()); // the notification gets no entry
    assertEquals(1, batch.getJsonObject(0).getInteger("id"));
    assertTrue(batch.getJsonObject(0).getString("result").startsWith("sipgw "));
    assertEquals("two", batch.getJsonObject(1).getString("id"));
    assertEquals(-32601, batch.getJsonObject(1).getJsonObject("error").getInteger("code"));
    assertEquals(-32600, batch.getJsonObject(2).getJsonObject("error").getInteger("code"));
    // notifications only: nothing to answer
    assertEquals(204, http.post("[{\"jsonrpc\":\"2.0\",\"method\":\"core.version\"}]", auth).statusCode());
    assertEquals(204, http.post("{\"jsonrpc\":\"2.0\",\"method\":\"core.version\"}", auth).statusCode());
  }

  @Test
  void usrlocAddLookupDumpRemoveAndARegisterShows() {
    AdminHttp http = start(new JsonObject());
    JsonObject added = (JsonObject) http.result("ul.add", "sip:alice@localhost", "sip:alice@127.0.0.1:5099", 600, 0.5);
    assertEquals("alice@localhost", added.getString("aor"));
    JsonObject found = (JsonObject) http.result("ul.lookup", "alice@localhost");
    JsonObject contact = found.getJsonArray("contacts").getJsonObject(0);
    assertEquals("sip:alice@127.0.0.1:5099", contact.getString("contact"));
    assertTrue(contact.getLong("expires") > 590 && contact.getLong("expires") <= 600, contact.encode());
    assertEquals(0.5, contact.getDouble("q"));

    Registration.register(FreePorts.IPV4_LOOPBACK, gateway.port(), SippTransport.UDP, "bob", TestGateway.DOMAIN,
        List.of("<sip:bob@127.0.0.1:5098>"));
    JsonObject dump = (JsonObject) http.result("ul.dump");
    assertEquals(2, dump.getInteger("count"), dump.encode());
    JsonObject bob = dump.getJsonArray("aors").stream().map(JsonObject.class::cast).filter(a -> a.getString("aor").equals("bob@localhost"))
        .findFirst().orElseThrow(() -> new AssertionError("bob in " + dump.encode()));
    JsonObject bobContact = bob.getJsonArray("contacts").getJsonObject(0);
    assertEquals("sip:bob@127.0.0.1:5098", bobContact.getString("contact"));
    assertEquals("udp", bobContact.getString("transport"));
    assertEquals(1, ((JsonObject) http.result("ul.dump", 1)).getJsonArray("aors").size());
    assertTrue(((JsonObject) http.result("ul.dump", 1)).getBoolean("truncated"));
    assertEquals(2, ((JsonObject) http.result("stats.get_statistics")).getJsonObject("registrar").getInteger("registered_aors"));

    assertEquals(-32000, http.errorCode("ul.rm", "alice@localhost", "sip:alice@127.0.0.1:5000"));
    assertEquals(1, ((JsonObject) http.result("ul.rm", "alice@localhost")).getInteger("removed"));
    assertEquals(-32000, http.errorCode("ul.lookup", "alice@localhost"));
    assertEquals(-32000, http.errorCode("ul.rm", "alice@localhost"));
    assertEquals(1, ((JsonObject) http.result("ul.rm", "bob@localhost", "sip:bob@127.0.0.1:5098")).getInteger("removed"));
    assertEquals(0, ((JsonObject) http.result("ul.dump")).getInteger("count"));
  }

  @Test
  void dispatcherListAndSetState() {
    AdminHttp http = start(new JsonObject());
    JsonArray sets = (JsonArray) http.result("dispatcher.list");
    JsonObject d = sets.getJsonObject(0).getJsonArray("destinations").getJsonObject(0);
    assertEquals(DESTINATION, d.getString("uri"));
    assertTrue(d.getBoolean("up"));
    assertTrue(((JsonObject) http.result("dispatcher.set_state", GATEWAY_SET, DESTINATION, "down")).getBoolean("changed"));
    assertFalse(((JsonArray) http.result("dispatcher.list")).getJsonObject(0).getJsonArray("destinations").getJsonObject(0).getBoolean("up"));
    assertFalse(((JsonObject) http.result("dispatcher.set_state", GATEWAY_SET, DESTINATION, "down")).getBoolean("changed"));
    assertTrue(((JsonObject) http.result("dispatcher.set_state", GATEWAY_SET, DESTINATION, "up")).getBoolean("changed"));
    assertTrue(((JsonArray) http.result("dispatcher.list")).getJsonObject(0).getJsonArray("destinations").getJsonObject(0).getBoolean("up"));
    assertEquals(-32000, http.errorCode("dispatcher.set_state", "nope", DESTINATION, "down"));
    assertEquals(-32000, http.errorCode("dispatcher.set_state", GATEWAY_SET, "sip:127.0.0.1:1", "down"));
    assertEquals(-32602, http.errorCode("dispatcher.set_state", GATEWAY_SET, DESTINATION, "sideways"));
  }

  @Test
  void aFloodingSourceShowsInTheBanListAndIsLifted() throws IOException {
    AdminHttp http = start(new JsonObject().put("bans", new JsonObject().put("maxRequests", 3).put("interval", 10).put("banTime", 300)
        .put("exempt", new JsonArray())));
    assertEquals(new JsonArray(), http.result("htable.dump", "bans"));
    String flooder = "127.0.0.5";
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(flooder), 0))) {
      byte[] junk = "OPTIONS sip:localhost SIP/2.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 10; i++) s.send(new DatagramPacket(junk, junk.length, InetAddress.getByName(FreePorts.IPV4_LOOPBACK), gateway.port()));
    }
    Polling.await(() -> ((JsonArray) http.result("htable.dump")).size() == 1, Duration.ofMillis(50), Duration.ofSeconds(5),
        () -> "no ban listed: " + http.result("htable.dump"));
    JsonObject ban = ((JsonArray) http.result("htable.dump")).getJsonObject(0);
    assertEquals(flooder, ban.getString("address"));
    assertTrue(ban.getLong("remaining") > 290, ban.encode());
    assertEquals(1, ((JsonObject) http.result("stats.get_statistics")).getJsonObject("bans").getInteger("active"));
    assertEquals(-32000, http.errorCode("htable.dump", "other"));
    assertTrue(((JsonObject) http.result("bans.rm", flooder)).getBoolean("removed"));
    assertEquals(new JsonArray(), http.result("htable.dump"));
    assertEquals(-32000, http.errorCode("bans.rm", flooder));
    assertEquals(-32000, http.errorCode("htable.delete", "bans", flooder));
  }

  @Test
  void readinessFollowsRedis() {
    redis = RedisServer.start(dir.resolve("redis"));
    AdminHttp http = start(new JsonObject().put("store", new JsonObject().put("type", "redis").put("redis", redis.url()).put("timeout", 500)));
    Polling.await(() -> http.get("/ready", false).statusCode() == 200, Duration.ofMillis(100), Duration.ofSeconds(10),
        () -> "not ready with Redis up: " + http.get("/ready", false).body());
    subscribe("erin");
    assertEquals(1L, ((JsonObject) http.result("presence.stats")).getLong("watchers"));
    // the Redis store lists its AORs from its index
    http.result("ul.add", "carol@localhost", "sip:carol@127.0.0.1:5097", 600);
    assertEquals("carol@localhost", ((JsonObject) http.result("ul.dump")).getJsonArray("aors").getJsonObject(0).getString("aor"));

    redis.stop();
    Polling.await(() -> http.get("/ready", false).statusCode() == 503, Duration.ofMillis(100), Duration.ofSeconds(10),
        () -> "still ready with Redis stopped");
    HttpResponse<String> down = http.get("/ready", false);
    assertEquals(503, down.statusCode());
    assertTrue(new JsonObject(down.body()).getString("reason").contains("Redis") || new JsonObject(down.body()).getString("reason").contains("ms"),
        down.body());
    assertEquals(200, http.get("/health", false).statusCode());

    redis.restart();
    Polling.await(() -> http.get("/ready", false).statusCode() == 200, Duration.ofMillis(100), Duration.ofSeconds(20),
        () -> "not ready again after Redis restarted: " + http.get("/ready", false).body());
  }
}
