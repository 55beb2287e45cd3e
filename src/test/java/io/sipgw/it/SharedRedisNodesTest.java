package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.auth.CredentialsFile;
import io.sipgw.auth.DigestAlgorithm;
import io.sipgw.config.StoreConfig;
import io.sipgw.store.Binding;
import io.sipgw.store.BindingChange;
import io.sipgw.store.RedisEndpoint;
import io.sipgw.store.RedisLocationStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two gateways on one real redis-server ({@code store.type: "redis"}) serve one domain: a SIPp phone
 * registered through node A is called through node B, over UDP and over TCP, and so is a browser
 * whose WebSocket is on node A; and when Redis goes
 * away a REGISTER is answered 500 and a request for a local user 503 with Retry-After, within the
 * store's timeout, with one WARNING line for the outage; once Redis is back (restarted on the same
 * port from its append-only file) registrations work again without a restart, and every binding
 * acknowledged before the outage is still there.
 */
@Timeout(120)
class SharedRedisNodesTest {
  private static final int CALLS = 10;

  @TempDir Path dir;
  private RedisServer redis;
  private TestGateway a;
  private TestGateway b;
  private Callee callee;

  @BeforeEach
  void start() {
    redis = RedisServer.startPersistent(dir.resolve("redis"));
    JsonObject store = new JsonObject().put("store", new JsonObject().put("type", "redis").put("redis", redis.url())
        .put("timeout", 1000));
    a = TestGateway.startWebSocket(store.copy());
    b = TestGateway.start(store.copy());
  }

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

  @ParameterizedTest(name = "{0}")
  @EnumSource(SippTransport.class)
  void aPhoneRegisteredThroughOneNodeIsCalledThroughTheOther(SippTransport transport) {
    String host = FreePorts.IPV4_LOOPBACK;
    callee = Callee.listen("bob", host, transport, CALLS, Duration.ofSeconds(60), dir);
    callee.registerAt(host, a.port(), TestGateway.DOMAIN);

    SippResult caller = Sipp.scenario("uac.xml").remote(host, b.port()).local(host).transport(transport)
        .service("bob").calls(CALLS).rate(10).timeout(Duration.ofSeconds(40)).workDir(dir).run();
    caller.assertSucceeded(CALLS).assertInOrder();
    callee.stop().assertSucceeded(CALLS);
  }

  /**
   * A browser's WebSocket is on node A; a phone's INVITE reaches node B. B forwards it over SIP to A
   * along the route A stored with the binding (its flow token), and A sends it down the WebSocket;
   * ACK and BYE follow the Record-Route through both nodes.
   */
  @Test
  void aBrowserOnOneNodeIsCalledThroughTheOther() throws Exception {
    String host = FreePorts.IPV4_LOOPBACK;
    Duration wait = Duration.ofSeconds(8);
    try (WsPeer browser = WsPeer.connect(a.wsPort())) {
      String aor = "sip:bob@" + TestGateway.DOMAIN;
      browser.send(browser.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "<" + aor + ">", UUID.randomUUID().toString(), 1,
          "Contact: <" + browser.contactUri("bob") + ";ob>;+sip.instance=\"<urn:uuid:" + UUID.randomUUID()
              + ">\";reg-id=1;expires=600\r\nSupported: path, outbound\r\n"));
      assertEquals(200, browser.finalResponse(wait).status());

      CompletableFuture<SippResult> call = CompletableFuture.supplyAsync(() -> Sipp.scenario("uac.xml").remote(host, b.port())
          .local(host).service("bob").calls(1).timeout(Duration.ofSeconds(30)).workDir(dir).run());
      SipMessageText invite = browser.receive(wait);
      assertEquals("INVITE", invite.method(), "node B's INVITE reached the browser on node A:\n" + invite);
      assertEquals(2, invite.headers("Via").size() - 1, "through both nodes (one Via each, then the caller's):\n" + invite);
      String contact = "Contact: <" + browser.contactUri("bob") + ">\r\n";
      browser.send(SipPeer.response(invite, 180, "Ringing", "b1", contact));
      browser.send(SipPeer.response(invite, 200, "OK", "b1", contact));
      SipMessageText ack = browser.receive(wait);
      assertEquals("ACK", ack.method(), ack::toString);
      SipMessageText bye = browser.receive(wait);
      assertEquals("BYE", bye.method(), bye::toString);
      browser.send(SipPeer.response(bye, 200, "OK", null, ""));
      call.get(40, TimeUnit.SECONDS).assertSucceeded(1).assertInOrder();
    }
  }

  /**
   * A node that goes away and starts again (here: stopped, and a new gateway on the same ports and
   * Redis, as after a crash and a restart) serves the bindings registered through it before: its
   * UDP phone is called at once, with no new REGISTER.
   */
  @Test
  void aRestartedNodeServesTheBindingsRegisteredThroughItBefore() {
    String host = FreePorts.IPV4_LOOPBACK;
    callee = Callee.listen("bob", host, SippTransport.UDP, 2, Duration.ofSeconds(60), dir);
    callee.registerAt(host, b.port(), TestGateway.DOMAIN);
    int port = b.port();
    int port6 = b.hasIpv6() ? b.port6() : 0;
    JsonObject config = b.configuration();
    b.close();
    b = null;
    b = TestGateway.start(port, port6, config);

    Sipp.scenario("uac.xml").remote(host, port).local(host).service("bob").calls(2).rate(10)
        .timeout(Duration.ofSeconds(30)).workDir(dir).run().assertSucceeded(2).assertInOrder();
    callee.stop().assertSucceeded(2);
  }

  @Test
  void aRedisOutageGets500AndRegistrationsResumeWhenItIsBack() throws IOException {
    String host = FreePorts.IPV4_LOOPBACK;
    Registration.register(host, a.port(), SippTransport.UDP, "carol", TestGateway.DOMAIN, List.of("<sip:carol@127.0.0.1:5999>"));

    try (LogLines storeLog = new LogLines("sipgw.store")) {
      redis.stop();
      for (String user : List.of("dave", "erin", "frank")) {
        long t0 = System.nanoTime();
        SipMessageText refused = registerOnce(host, a.port(), user);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(500, refused.status(), refused::toString);
        assertTrue(millis < 5_000, "answered within 5 s, took " + millis + " ms");
      }
      assertEquals(1, storeLog.count("WARNING", "unavailable"), () -> "one line per outage, not one per request: " + storeLog.lines());

      redis.restart();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      SipMessageText answer;
      do {
        answer = registerOnce(host, a.port(), "dave");
      } while (answer.status() != 200 && System.nanoTime() < deadline);
      assertEquals(200, answer.status(), "REGISTER answered 200 within 10 s of Redis coming back:\n" + answer);
      assertEquals(1, storeLog.count("INFO", "available again"), () -> storeLog.lines().toString());
      SipMessageText carol = queryBindings(host, b.port(), "carol");
      assertEquals(200, carol.status(), carol::toString);
      assertTrue(carol.text().contains("sip:carol@127.0.0.1:5999"), () -> "the binding acknowledged before the outage is still there\n" + carol);
    }
  }

  /**
   * A Redis that hangs (SIGSTOP: connections open, no answers) under a burst of REGISTERs: the
   * commands waiting for it are bounded (store.poolSize + store.maxWaiting), the rest fail at once,
   * every REGISTER gets 500 within 5 s and none piles up; when Redis goes on, REGISTERs get 200 again.
   */
  @Test
  void aHangingRedisGetsEveryRequestAnsweredAndBoundsWhatWaits() throws IOException {
    String host = FreePorts.IPV4_LOOPBACK;
    int burst = 200;
    try (TestGateway c = TestGateway.start(new JsonObject().put("store", new JsonObject().put("type", "redis")
             .put("redis", redis.url()).put("poolSize", 2).put("maxWaiting", 8).put("timeout", 1000)));
         SipPeer phone = SipPeer.open(SippTransport.UDP, host, c.port())) {
      assertEquals(200, registerOnce(host, c.port(), "ivan").status(), "Redis answers to begin with");
      redis.pause();
      long t0 = System.nanoTime();
      for (int i = 0; i < burst; i++) {
        String aor = "sip:u" + i + "@" + TestGateway.DOMAIN;
        phone.send(phone.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "Contact: <sip:u" + i + "@127.0.0.1:5996>\r\nExpires: 600\r\n"));
      }
      int answered = 0;
      int fast = 0;
      SipMessageText m;
      while (answered < burst && (m = phone.receive(Duration.ofSeconds(6))) != null) {
        if (!m.isResponse() || m.status() < 200) continue;
        assertEquals(500, m.status(), m::toString);
        answered++;
        if (System.nanoTime() - t0 < 500_000_000L) fast++;
      }
      long millis = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(burst, answered, "every REGISTER answered while Redis hangs");
      assertTrue(millis < 5_000, "all answered within 5 s, took " + millis + " ms");
      int waitedAtMost = 2 + 8;
      assertTrue(fast >= burst - 2 * waitedAtMost, fast + " of " + burst + " refused at once: what waits for Redis is bounded");

      redis.resume();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      SipMessageText answer;
      do {
        answer = registerOnce(host, c.port(), "ivan");
      } while (answer.status() != 200 && System.nanoTime() < deadline);
      assertEquals(200, answer.status(), "REGISTER answered 200 within 10 s of Redis going on:\n" + answer);
    } finally {
      redis.resume();
    }
  }

  @Test
  void aCallToALocalUserGets503WithRetryAfterWhileRedisIsDown() throws IOException {
    String host = FreePorts.IPV4_LOOPBACK;
    Registration.register(host, b.port(), SippTransport.UDP, "gina", TestGateway.DOMAIN, List.of("<sip:gina@127.0.0.1:5997>"));
    redis.stop();
    String uri = "sip:gina@" + TestGateway.DOMAIN;
    try (SipPeer peer = SipPeer.open(SippTransport.UDP, host, b.port())) {
      long t0 = System.nanoTime();
      peer.send(peer.request("OPTIONS", uri, uri, ""));
      SipMessageText answer = peer.finalResponse(Duration.ofSeconds(8));
      long millis = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(503, answer.status(), answer::toString);
      assertTrue(answer.header("Retry-After") != null, answer::toString);
      assertTrue(millis < 5_000, "answered within 5 s, took " + millis + " ms");
    }
  }

  @Test
  void aNodeSaysWhereTheOtherNodesReachIt() {
    try (LogLines log = new LogLines("sipgw");
         TestGateway c = TestGateway.start(new JsonObject().put("store", new JsonObject().put("type", "redis").put("redis", redis.url())))) {
      String expected = "this node is udp:127.0.0.1:" + c.port() + ": other nodes reach its flows there";
      assertEquals(1, log.count("INFO", expected), () -> expected + " in " + log.lines());
    }
  }

  /**
   * A binding as a node's earlier run leaves it: a browser reached through node A by a flow token that A
   * does not know (made by its last run). Called through B, A answers 430 (RFC 5626 §5.3); B removes the
   * binding, which is dead, and tells the caller 480; the next call finds no binding to try.
   */
  @Test
  void aFlowThatHasFailedIsAnswered430AndItsBindingGoes() throws Exception {
    String host = FreePorts.IPV4_LOOPBACK;
    String aor = "zed@" + TestGateway.DOMAIN;
    Binding dead = browserBehind("zed", a.port());
    save(dead);
    assertTrue(queryBindings(host, b.port(), "zed").header("Contact") != null, "the dead binding is there to begin with");

    try (LogLines log = new LogLines("sipgw");
         SipPeer caller = SipPeer.open(SippTransport.UDP, host, b.port())) {
      String uri = "sip:" + aor;
      caller.send(caller.request("OPTIONS", uri, uri, ""));
      SipMessageText answer = caller.finalResponse(Duration.ofSeconds(8));
      assertEquals(480, answer.status(), answer::toString);
      String removed = "binding sip:zed@df7jal23ls0d.invalid;transport=ws of " + aor + " removed: its flow failed";
      long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (log.count("INFO", removed) == 0 && System.nanoTime() < end) Thread.sleep(50);
      assertEquals(1, log.count("INFO", removed), () -> String.join("\n", log.lines()));
      assertEquals(null, queryBindings(host, b.port(), "zed").header("Contact"), "no binding is left");

      caller.send(caller.request("OPTIONS", uri, uri, ""));
      assertEquals(480, caller.finalResponse(Duration.ofSeconds(8)).status(), "the next request finds no binding");
      assertEquals(1, log.count("INFO", "is not this node's: 430"), () -> String.join("\n", log.lines()));
    }
  }

  /**
   * A node that is gone for good (nothing listens at its address any more): an INVITE to a browser
   * whose flow it held gets no answer at all, not even 100 Trying, so the binding is removed when the
   * INVITE times out (RFC 5626 §5.3: the flow went with its node), and the next call does not wait
   * for it. Node B here runs with T1 = 100 ms (Timer B 6.4 s).
   */
  @Test
  void aBrowserWhoseNodeIsGoneIsRemovedWhenItsNodeDoesNotAnswer() throws Exception {
    String host = FreePorts.IPV4_LOOPBACK;
    int gone = FreePorts.udpAndTcp(host);
    save(browserBehind("yan", gone));
    try (TestGateway c = TestGateway.start(new JsonObject()
             .put("store", new JsonObject().put("type", "redis").put("redis", redis.url()))
             .put("transaction", new JsonObject().put("t1", 100)));
         LogLines log = new LogLines("sipgw");
         SipPeer caller = SipPeer.open(SippTransport.UDP, host, c.port())) {
      String uri = "sip:yan@" + TestGateway.DOMAIN;
      caller.send(caller.request("INVITE", uri, uri, ""));
      SipMessageText answer = caller.finalResponse(Duration.ofSeconds(15));
      assertEquals(408, answer.status(), answer::toString);
      String removed = "binding sip:yan@df7jal23ls0d.invalid;transport=ws of yan@" + TestGateway.DOMAIN + " removed: its flow failed";
      long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (log.count("INFO", removed) == 0 && System.nanoTime() < end) Thread.sleep(50);
      assertEquals(1, log.count("INFO", removed), () -> String.join("\n", log.lines()));
      assertEquals(1, log.count("INFO", "did not answer the INVITE at all"), () -> String.join("\n", log.lines()));
      assertEquals(null, queryBindings(host, c.port(), "yan").header("Contact"), "no binding is left");
    }
  }

  /** A browser's binding as node {@code nodePort}'s earlier run saved it: reached through that node by a flow token. */
  private static Binding browserBehind(String user, int nodePort) {
    String route = "<sip:ft-99-0123456789abcdef@127.0.0.1:" + nodePort + ";transport=udp;lr>";
    return new Binding(user + "@" + TestGateway.DOMAIN, "sip:" + user + "@df7jal23ls0d.invalid;transport=ws",
        System.currentTimeMillis() + 600_000, 1.0f, "c-" + user, 1,
        new Binding.Source("ws", "ws:127.0.0.1:1", "127.0.0.1", 40000, 7, false, "udp:127.0.0.1:" + nodePort + "#0", route),
        List.of(), "<urn:uuid:00000000-0000-1000-8000-000000000430>", 1, null);
  }

  /** Writes {@code b} as the only binding of its AOR, as another node would. */
  private void save(Binding b) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      RedisLocationStore store = new RedisLocationStore(vertx, RedisEndpoint.create(vertx, new StoreConfig("redis", redis.url())),
          60_000, System::currentTimeMillis);
      store.update(b.aor(), current -> new BindingChange<>(List.of(b), true)).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      store.close();
    } finally {
      vertx.close();
    }
  }

  /**
   * With digest auth on and the Redis store, the users are in Redis: {@code user add -c CONFIG} (the
   * command line, as a process) writes them there, hashes only, and every node knows them at once; a
   * removed user no longer gets in; {@code user import} copies a credentials file there. With no
   * {@code auth.secret}, the nodes sign their nonces with the key kept in Redis: a challenge from one
   * node is answered to the other, and the binding is saved.
   */
  @Test
  void theUsersInRedisAreSharedAndAChallengeFromOneNodeIsAnsweredToTheOther() throws Exception {
    JsonObject config = new JsonObject().put("store", new JsonObject().put("type", "redis").put("redis", redis.url()))
        .put("auth", new JsonObject().put("enabled", true).put("users", dir.resolve("not-read.json").toString()));
    Path configFile = dir.resolve("cluster.json");
    Files.writeString(configFile, config.encodePrettily());
    SipgwCli.Result added = SipgwCli.run(dir, "user", "add", "kim@" + TestGateway.DOMAIN, "kim-Pa55-word", "-c", configFile.toString());
    assertEquals(0, added.exit(), added::toString);
    assertTrue(added.out().startsWith("added kim@localhost in Redis"), added::toString);
    String stored = redis.cli("HGETALL", "sipgw:cred:kim@localhost");
    assertTrue(stored.contains(DigestAlgorithm.MD5.ha1("kim", TestGateway.DOMAIN, "kim-Pa55-word")), stored);
    assertFalse(stored.contains("kim-Pa55-word"), "no password in Redis: " + stored);

    String host = FreePorts.IPV4_LOOPBACK;
    try (TestGateway c = TestGateway.start(config.copy()); TestGateway d = TestGateway.start(config.copy())) {
      assertEquals(200, registerWithPassword(host, c.port(), d.port(), "kim", "kim-Pa55-word").status(), "challenged by C, answered to D");

      SipgwCli.Result lee = SipgwCli.run(dir, "user", "add", "lee@" + TestGateway.DOMAIN, "lee-Pa55-word", "-c", configFile.toString());
      assertEquals(0, lee.exit(), lee::toString);
      assertEquals(200, registerWithPassword(host, d.port(), c.port(), "lee", "lee-Pa55-word").status(), "a user added is known at once");

      SipgwCli.Result removed = SipgwCli.run(dir, "user", "rm", "kim@" + TestGateway.DOMAIN, "-c", configFile.toString());
      assertEquals(0, removed.exit(), removed::toString);
      assertEquals(401, registerWithPassword(host, c.port(), c.port(), "kim", "kim-Pa55-word").status(), "a removed user is refused");

      Path file = dir.resolve("users.json");
      CredentialsFile.write(file, List.of(CredentialsFile.hash("max", TestGateway.DOMAIN, "max-Pa55-word")));
      SipgwCli.Result imported = SipgwCli.run(dir, "user", "import", "--file", file.toString(), "-c", configFile.toString());
      assertEquals(0, imported.exit(), imported::toString);
      assertTrue(imported.out().startsWith("imported 1 user(s) from " + file), imported::toString);
      assertEquals(200, registerWithPassword(host, d.port(), d.port(), "max", "max-Pa55-word").status());
    }
  }

  /**
   * A source banned on one node is banned on the other through Redis ({@code <prefix>bans}): here
   * for failed authentications on C (loopback exempt from nothing), after which D drops what that
   * source sends while it still answers another.
   */
  @Test
  void aSourceBannedOnOneNodeIsDroppedByTheOther() throws Exception {
    JsonObject config = new JsonObject().put("store", new JsonObject().put("type", "redis").put("redis", redis.url()))
        .put("auth", new JsonObject().put("enabled", true))
        .put("bans", new JsonObject().put("authFailures", 3).put("exempt", new io.vertx.core.json.JsonArray()));
    String v4 = FreePorts.IPV4_LOOPBACK;
    try (TestGateway c = TestGateway.start(config.copy()); TestGateway d = TestGateway.start(config.copy())) {
      for (int i = 0; i < 3; i++) assertEquals(401, registerWithPassword(v4, c.port(), c.port(), "nobody", "guess-" + i).status());
      String ban = redis.cli("ZSCORE", "sipgw:bans", v4).trim();
      assertTrue(ban.matches("\\d+(\\.\\d+)?(e\\+\\d+)?"), "the ban is in Redis: " + ban);
      try (SipPeer banned = SipPeer.open(SippTransport.UDP, v4, d.port());
           SipPeer other = SipPeer.open(SippTransport.UDP, FreePorts.IPV6_LOOPBACK, d.port6())) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        boolean dropped = false;
        while (!dropped && System.nanoTime() < deadline) {
          banned.send(banned.request("OPTIONS", "sip:" + Sipp.hostPort(v4, d.port()), "sip:" + Sipp.hostPort(v4, d.port()), ""));
          dropped = banned.receive(Duration.ofMillis(500)) == null;
        }
        assertTrue(dropped, "D still answers a source C banned");
        String self6 = "sip:" + Sipp.hostPort(FreePorts.IPV6_LOOPBACK, d.port6());
        other.send(other.request("OPTIONS", self6, self6, ""));
        assertEquals(407, other.finalResponse(Duration.ofSeconds(5)).status(), "another source is still answered (challenged: auth is on)");
      }
    }
  }

  /**
   * The users are in Redis: while it is down, an answered challenge cannot be checked, so a REGISTER
   * gets 500 and an INVITE 503 with Retry-After, as with the location service; nothing hangs.
   */
  @Test
  void withRedisDownCredentialsCannotBeCheckedAndTheAnswersSaySo() throws Exception {
    JsonObject config = new JsonObject().put("store", new JsonObject().put("type", "redis").put("redis", redis.url()).put("timeout", 1000))
        .put("auth", new JsonObject().put("enabled", true))
        .put("transaction", new JsonObject().put("retryAfter", 7));
    String v4 = FreePorts.IPV4_LOOPBACK;
    try (TestGateway c = TestGateway.start(config.copy()); SipPeer peer = SipPeer.open(SippTransport.UDP, v4, c.port())) {
      redis.stop();
      SipMessageText register = registerWithPassword(v4, c.port(), c.port(), "kim", "kim-Pa55-word");
      assertTrue(register.text().startsWith("SIP/2.0 500 Server Internal Error (credentials unavailable)"), register::toString);
      String bob = "sip:bob@" + TestGateway.DOMAIN;
      String invite = peer.request("INVITE", bob, bob, "");
      peer.send(invite);
      SipMessageText challenge = peer.finalResponse(Duration.ofSeconds(5));
      assertEquals(407, challenge.status(), challenge::toString);
      peer.send(invite.replaceFirst("branch=([^\\r]+)", "branch=$1-2").replace("CSeq: 1 INVITE", "CSeq: 2 INVITE")
          .replace("Content-Length: 0\r\n", DigestClient.answer(challenge, "MD5", "INVITE", bob, "tester", "pw") + "Content-Length: 0\r\n"));
      SipMessageText unavailable = peer.finalResponse(Duration.ofSeconds(5));
      assertTrue(unavailable.text().startsWith("SIP/2.0 503 Service Unavailable (credentials unavailable)"), unavailable::toString);
      assertEquals("7", unavailable.header("Retry-After"), unavailable::toString);
    }
  }

  /** A MESSAGE kept by one node for an offline user is delivered by the other when the user registers there. */
  @Test
  void aMessageKeptByOneNodeIsDeliveredByTheOther() throws Exception {
    JsonObject config = new JsonObject().put("store", new JsonObject().put("type", "redis").put("redis", redis.url()));
    String v4 = FreePorts.IPV4_LOOPBACK;
    String aor = "sip:nina@" + TestGateway.DOMAIN;
    try (TestGateway c = TestGateway.start(config.copy()); TestGateway d = TestGateway.start(config.copy());
         SipPeer nina = SipPeer.open(SippTransport.UDP, v4, d.port()); SipPeer sender = SipPeer.open(SippTransport.UDP, v4, c.port())) {
      nina.send(nina.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "Expires: 600\r\n"));
      assertEquals(200, nina.finalResponse(Duration.ofSeconds(5)).status());
      nina.send(nina.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "Expires: 0\r\n"));
      assertEquals(200, nina.finalResponse(Duration.ofSeconds(5)).status(), "nina goes offline");

      String text = "kept by C";
      sender.send(sender.request("MESSAGE", aor, aor, "Content-Type: text/plain\r\n")
          .replace("Content-Length: 0\r\n\r\n", "Content-Length: " + text.length() + "\r\n\r\n" + text));
      assertEquals(202, sender.finalResponse(Duration.ofSeconds(5)).status(), "kept by C");

      nina.send(nina.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "Expires: 600\r\n"));
      assertEquals(200, nina.finalResponse(Duration.ofSeconds(5)).status(), "registered on D");
      SipMessageText delivered = nina.receive(Duration.ofSeconds(5));
      assertTrue(delivered != null && "MESSAGE".equals(delivered.method()), "D delivered nothing: " + delivered);
      assertTrue(delivered.text().endsWith("\r\n\r\n" + text), delivered::toString);
      nina.send(SipPeer.response(delivered, 200, "OK", "n1", ""));
    }
  }

  /** A watcher subscribed through one node is notified by the other when the presentity publishes there. */
  @Test
  void aWatcherSubscribedOnOneNodeIsNotifiedOfAPublishOnTheOther() throws Exception {
    JsonObject config = new JsonObject().put("store", new JsonObject().put("type", "redis").put("redis", redis.url()));
    String v4 = FreePorts.IPV4_LOOPBACK;
    String aor = "sip:olga@" + TestGateway.DOMAIN;
    try (TestGateway c = TestGateway.start(config.copy()); TestGateway d = TestGateway.start(config.copy());
         SipPeer watcher = SipPeer.open(SippTransport.TCP, v4, c.port()); SipPeer olga = SipPeer.open(SippTransport.UDP, v4, d.port())) {
      watcher.send(watcher.request("SUBSCRIBE", aor, aor, "Event: presence\r\nExpires: 600\r\n"));
      assertEquals(200, watcher.finalResponse(Duration.ofSeconds(5)).status());
      SipMessageText first = watcher.receive(Duration.ofSeconds(5));
      assertTrue(first != null && "NOTIFY".equals(first.method()), "no first NOTIFY: " + first);
      watcher.send(SipPeer.response(first, 200, "OK", null, ""));

      String doc = "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"" + aor + "\"><tuple id=\"d\"><status><basic>open</basic>"
          + "</status><note>published on D</note></tuple></presence>";
      olga.send(olga.request("PUBLISH", aor, aor, "Event: presence\r\nContent-Type: application/pidf+xml\r\n")
          .replace("Content-Length: 0\r\n\r\n", "Content-Length: " + doc.length() + "\r\n\r\n" + doc));
      assertEquals(200, olga.finalResponse(Duration.ofSeconds(5)).status(), "published on D");
      SipMessageText changed = watcher.receive(Duration.ofSeconds(5));
      assertTrue(changed != null && changed.text().contains("published on D"), "D's NOTIFY, through C down the watcher's connection: " + changed);
      watcher.send(SipPeer.response(changed, 200, "OK", null, ""));
    }
  }

  /** A REGISTER sent to {@code first}, and its answer to the 401 to {@code second}: the final answer. */
  private static SipMessageText registerWithPassword(String host, int first, int second, String user, String password) throws IOException {
    String aor = "sip:" + user + "@" + TestGateway.DOMAIN;
    String headers = "Contact: <sip:" + user + "@127.0.0.1:5993>\r\nExpires: 600\r\n";
    try (SipPeer toFirst = SipPeer.open(SippTransport.UDP, host, first); SipPeer toSecond = SipPeer.open(SippTransport.UDP, host, second)) {
      toFirst.send(toFirst.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, headers));
      SipMessageText challenge = toFirst.finalResponse(Duration.ofSeconds(8));
      assertEquals(401, challenge.status(), challenge::toString);
      toSecond.send(toSecond.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, headers + "CSeq: 2 REGISTER\r\n"
          + DigestClient.answer(challenge, "MD5", "REGISTER", "sip:" + TestGateway.DOMAIN, user, password)));
      SipMessageText answer = toSecond.finalResponse(Duration.ofSeconds(8));
      if (answer.status() == 200) assertTrue(answer.text().contains("sip:" + user + "@127.0.0.1:5993"), answer::toString);
      return answer;
    }
  }

  /** A REGISTER without Contact (RFC 3261 §10.2.3): the 200 lists the AOR's bindings. */
  private static SipMessageText queryBindings(String host, int port, String user) throws IOException {
    String aor = "sip:" + user + "@" + TestGateway.DOMAIN;
    try (SipPeer peer = SipPeer.open(SippTransport.UDP, host, port)) {
      String query = peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "Contact: <sip:x@127.0.0.1:1>\r\n");
      peer.send(query.replaceFirst("Contact: <sip:x@127.0.0.1:1>\r\n", ""));
      return peer.finalResponse(Duration.ofSeconds(8));
    }
  }

  private static SipMessageText registerOnce(String host, int port, String user) throws IOException {
    String aor = "sip:" + user + "@" + TestGateway.DOMAIN;
    try (SipPeer peer = SipPeer.open(SippTransport.UDP, host, port)) {
      peer.send(peer.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor,
          "Contact: <sip:" + user + "@127.0.0.1:5998>\r\nExpires: 600\r\n"));
      return peer.finalResponse(Duration.ofSeconds(8));
    }
  }
}
