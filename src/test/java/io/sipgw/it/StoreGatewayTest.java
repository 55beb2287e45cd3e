package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.sipgw.auth.Credentials;
import io.sipgw.auth.CredentialsFile;
import io.sipgw.auth.DigestAlgorithm;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class whose tests each start a gateway on the memory store or on a real redis-server
 * ({@link #start}), talk to it through UDP peers ({@link #peer}), and leave the peers, the gateway
 * and redis-server closed after the test.
 */
abstract class StoreGatewayTest {
  static final String HOST = FreePorts.IPV4_LOOPBACK;
  /** How long a peer waits for an answer or a NOTIFY. */
  static final Duration ANSWER = Duration.ofSeconds(5);

  @TempDir Path dir;
  TestGateway gateway;
  RedisServer redis;
  final List<SipPeer> peers = new ArrayList<>();

  @AfterEach
  void closeAll() throws IOException {
    for (SipPeer p : peers) p.close();
    if (gateway != null) gateway.close();
    if (redis != null) redis.close();
  }

  /** A gateway on the test configuration with {@code overrides}, on the {@code "memory"} or the {@code "redis"} store. */
  void start(String store, JsonObject overrides) {
    JsonObject config = overrides.copy();
    if (store.equals("redis")) {
      redis = RedisServer.start(dir.resolve("redis"));
      config.put("store", new JsonObject().put("type", "redis").put("redis", redis.url()));
    }
    gateway = TestGateway.start(config);
  }

  /**
   * A gateway with a WebSocket (HTTP) listener, for XCAP, on the {@code "memory"} or {@code "redis"}
   * store, with auth on for {@code users} (password {@code <user>-Pa55}, in the file or in Redis)
   * and SIP from loopback trusted (not challenged).
   */
  void startXcap(String store, String... users) throws IOException {
    JsonObject auth = new JsonObject().put("enabled", true).put("trusted", new JsonArray().add("127.0.0.0/8"));
    List<Credentials> credentials = new ArrayList<>();
    for (String u : users) credentials.add(CredentialsFile.hash(u, TestGateway.DOMAIN, u + "-Pa55"));
    if (store.equals("redis")) {
      redis = RedisServer.start(dir.resolve("redis"));
      for (Credentials c : credentials) redis.cli("HSET", "sipgw:cred:" + c.user() + "@" + c.domain(), "ha1", c.ha1().get(DigestAlgorithm.MD5));
      gateway = TestGateway.startWebSocket(new JsonObject().put("auth", auth)
          .put("store", new JsonObject().put("type", "redis").put("redis", redis.url())));
    } else {
      CredentialsFile.write(dir.resolve("users.json"), credentials);
      gateway = TestGateway.startWebSocket(new JsonObject().put("auth", auth.put("users", dir.resolve("users.json").toString())));
    }
  }

  /** An XCAP client of {@link #startXcap}'s gateway with {@code user}'s credentials. */
  XcapClient as(String user) { return new XcapClient(gateway.wsPort(), user, user + "-Pa55"); }

  /** A UDP peer of the gateway, closed after the test. */
  SipPeer peer() throws IOException {
    SipPeer p = SipPeer.open(SippTransport.UDP, HOST, gateway.port());
    peers.add(p);
    return p;
  }

  /** A request from {@code peer} (From: tester) with {@code headers} and a body of {@code type}, and its final response. */
  static SipMessageText ask(SipPeer peer, String method, String uri, String to, String headers, String type, String body)
      throws IOException {
    String m = peer.request(method, uri, to, headers + (type == null ? "" : "Content-Type: " + type + "\r\n"));
    if (body != null) {
      m = m.replace("Content-Length: 0\r\n\r\n", "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
    }
    peer.send(m);
    return peer.finalResponse(ANSWER);
  }

  /** A REGISTER of {@code user} binding {@code phone}'s own address (Expires 0: removes it); its final status. */
  static int register(SipPeer phone, String user, int expires) throws IOException {
    phone.send(phone.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor(user), "Expires: " + expires + "\r\n"));
    return phone.finalResponse(ANSWER).status();
  }

  /**
   * {@code subscribe} again in the dialog its 200 {@code ok} made: to the 200's Contact, with its To
   * tag, CSeq {@code cseq}, Expires {@code expires} (0: unsubscribe) and a branch of its own.
   */
  static String inDialog(String subscribe, SipMessageText ok, int cseq, int expires) {
    return subscribe.replaceFirst("SUBSCRIBE [^ ]+ ", "SUBSCRIBE " + ok.header("Contact").replaceAll("[<>]", "") + " ")
        .replaceFirst("(?m)^(To: [^\r]*)", "$1;tag=" + ok.header("To").replaceFirst(".*;tag=", ""))
        .replaceFirst("(?m)^CSeq: \\d+ SUBSCRIBE", "CSeq: " + cseq + " SUBSCRIBE")
        .replaceFirst("(?m)^Expires: \\d+", "Expires: " + expires).replaceFirst("branch=([^\r;]+)", "branch=$1-" + cseq);
  }

  static String aor(String user) { return "sip:" + user + "@" + TestGateway.DOMAIN; }

  /** The next request to {@code peer}, a NOTIFY, answered 200. */
  static SipMessageText notified(SipPeer peer) throws IOException {
    SipMessageText m = peer.receive(ANSWER);
    assertNotNull(m, "no NOTIFY");
    assertEquals("NOTIFY", m.method(), m::toString);
    peer.send(SipPeer.response(m, 200, "OK", null, ""));
    return m;
  }

  static String body(SipMessageText m) { return m.body(); }
}
