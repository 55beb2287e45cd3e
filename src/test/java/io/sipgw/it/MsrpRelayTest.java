package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.auth.CredentialsFile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MSRP relay (RFC 4975, 4976, 7977) with clients written in the tests over TCP, TLS and a
 * WebSocket: AUTH with digest for a session URI, a text message and a 5 MB file in 64 KB chunks
 * through the relay with the bytes compared, both ends on the same relay (its URIs twice in the
 * To-Path), an interrupted chunk, a sender that goes mid-transfer, and what is refused.
 */
@Timeout(120)
class MsrpRelayTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir Path dir;
  private TestGateway gateway;
  private int msrpPort;
  private int msrpsPort;
  private int wsPort;
  private final java.util.List<MsrpTestClient> clients = new java.util.ArrayList<>();

  @BeforeEach
  void start() throws IOException { gateway = startGateway(new JsonObject()); }

  /** A gateway with msrp, msrps and ws listeners of its own (the ports of the last one started kept), {@code msrp} config merged in. */
  private TestGateway startGateway(JsonObject msrp) throws IOException {
    CredentialsFile.write(dir.resolve("users.json"), List.of(CredentialsFile.hash("alice", TestGateway.DOMAIN, "alice-Pa55"),
        CredentialsFile.hash("bob", TestGateway.DOMAIN, "bob-Pa55")));
    TestCertificate cert = TestCertificate.create(dir, "relay");
    int port = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    msrpPort = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    msrpsPort = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    wsPort = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    JsonObject json = TestGateway.config(port, 0);
    json.getJsonArray("listen").add(listener("msrp", msrpPort)).add(listener("msrps", msrpsPort)).add(listener("ws", wsPort));
    json.put("tls", new JsonObject().put("certificate", cert.certificatePath().toString()).put("key", cert.keyPath().toString()));
    json.put("auth", new JsonObject().put("enabled", true).put("users", dir.resolve("users.json").toString())
        .put("trusted", new JsonArray().add("127.0.0.0/8")));
    json.put("msrp", msrp);
    return TestGateway.start(port, 0, json);
  }

  private static JsonObject listener(String transport, int port) {
    return new JsonObject().put("transport", transport).put("host", FreePorts.IPV4_LOOPBACK).put("port", port);
  }

  @AfterEach
  void stop() throws IOException {
    for (MsrpTestClient c : clients) c.close();
    if (gateway != null) gateway.close();
    if (other != null) other.close();
  }

  private TestGateway other;

  /**
   * Two nodes, each the relay of one client: the message goes relay to relay (RFC 4976 §7.1, two
   * relays on the path), each node taking its own URI off the To-Path; the other node's connection is
   * let in without an AUTH as a peer ({@code msrp.peers}).
   */
  @Test
  void clientsOfTwoNodesReachEachOtherRelayToRelay() throws IOException {
    gateway.close();
    JsonObject peers = new JsonObject().put("peers", new JsonArray().add("127.0.0.1"));
    gateway = startGateway(peers);
    int firstPort = msrpPort;
    other = startGateway(peers);
    int secondPort = msrpPort;
    MsrpTestClient alice = keep(MsrpTestClient.tcp(firstPort));
    MsrpTestClient bob = keep(MsrpTestClient.tcp(secondPort));
    String a = alice.auth("msrp://127.0.0.1:" + firstPort + ";tcp", "alice", "alice-Pa55");
    String b = bob.auth("msrp://127.0.0.1:" + secondPort + ";tcp", "bob", "bob-Pa55");
    String t = alice.send(List.of(a, b, bob.uri), "n1", 1, 11, "across nodes".getBytes(StandardCharsets.UTF_8), '$');
    MsrpTestClient.Message m = bob.next(WAIT);
    assertNotNull(m, "nothing crossed the nodes");
    assertEquals("across nodes", new String(m.body(), StandardCharsets.UTF_8));
    assertEquals(b + " " + a + " " + alice.uri, m.header("From-Path"));
    bob.answer(m, 200, "OK");
    assertEquals(200, alice.response(t).status(), "the response came back relay to relay");
    String back = bob.send(List.of(b, a, alice.uri), "n2", 1, 4, "back".getBytes(StandardCharsets.UTF_8), '$');
    MsrpTestClient.Message r = alice.next(WAIT);
    assertNotNull(r);
    assertEquals("back", new String(r.body(), StandardCharsets.UTF_8));
    alice.answer(r, 200, "OK");
    assertEquals(200, bob.response(back).status());
  }

  private MsrpTestClient keep(MsrpTestClient c) {
    clients.add(c);
    return c;
  }

  private String relay() { return "msrp://127.0.0.1:" + msrpPort + ";tcp"; }

  /** Alice and Bob over TCP, each authenticated, with their session URIs {@code a} and {@code b}. */
  private record Pair(MsrpTestClient alice, MsrpTestClient bob, String a, String b) { }

  private Pair pair() throws IOException {
    MsrpTestClient alice = keep(MsrpTestClient.tcp(msrpPort));
    MsrpTestClient bob = keep(MsrpTestClient.tcp(msrpPort));
    return new Pair(alice, bob, alice.auth(relay(), "alice", "alice-Pa55"), bob.auth(relay(), "bob", "bob-Pa55"));
  }

  @Test
  void aTextAndAFileGoThroughTheRelayBetweenTwoAuthenticatedClients() throws IOException {
    Pair p = pair();
    MsrpTestClient alice = p.alice();
    MsrpTestClient bob = p.bob();
    String a = p.a();
    String b = p.b();
    assertTrue(a.startsWith("msrp://127.0.0.1:" + msrpPort + "/") && a.endsWith(";tcp"), a);
    assertTrue(!a.equals(b), "one session URI each");

    // both on this relay: To-Path alice's Use-Path, bob's Use-Path, bob
    List<String> toBob = List.of(a, b, bob.uri);
    String tid = alice.send(toBob, "m1", 1, 5, "hello".getBytes(StandardCharsets.UTF_8), '$');
    MsrpTestClient.Message got = bob.next(WAIT);
    assertNotNull(got, "bob got nothing");
    assertEquals("SEND", got.method());
    assertEquals("hello", new String(got.body(), StandardCharsets.UTF_8));
    assertEquals(bob.uri, got.header("To-Path"), "the relay took its own URIs off the To-Path");
    assertEquals(b + " " + a + " " + alice.uri, got.header("From-Path"), "and put them in front of the From-Path (RFC 4976 §7.1)");
    assertEquals('$', got.flag());
    bob.answer(got, 200, "OK");
    MsrpTestClient.Message ok = alice.response(tid);
    assertEquals(200, ok.status());
    assertEquals(alice.uri, ok.header("To-Path"));

    // a 5 MB file in 64 KB chunks, each answered
    byte[] file = new byte[5 * 1024 * 1024];
    new Random(7).nextBytes(file);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    int chunk = 64 * 1024;
    for (int off = 0; off < file.length; off += chunk) {
      byte[] part = java.util.Arrays.copyOfRange(file, off, Math.min(file.length, off + chunk));
      boolean last = off + chunk >= file.length;
      String t = alice.send(toBob, "file1", off + 1, file.length, part, last ? '$' : '+');
      MsrpTestClient.Message m = bob.next(WAIT);
      assertNotNull(m, "chunk at " + off + " did not arrive");
      assertEquals("file1", m.header("Message-ID"));
      assertEquals(last ? '$' : '+', m.flag());
      received.writeBytes(m.body());
      bob.answer(m, 200, "OK");
      assertEquals(200, alice.response(t).status());
    }
    assertArrayEquals(file, received.toByteArray(), "the file arrived as it was sent");
  }

  @Test
  void aBrowserOnAWebSocketAndAClientOverTlsTalk() throws IOException {
    MsrpTestClient alice = keep(MsrpTestClient.webSocket(wsPort));
    MsrpTestClient bob = keep(MsrpTestClient.tls(msrpsPort));
    String a = alice.auth("msrp://127.0.0.1:" + wsPort + ";ws", "alice", "alice-Pa55");
    String b = bob.auth("msrps://127.0.0.1:" + msrpsPort + ";tcp", "bob", "bob-Pa55");
    assertTrue(a.endsWith(";ws"), a);
    assertTrue(b.startsWith("msrps://"), b);
    byte[] big = new byte[200 * 1024];
    new Random(3).nextBytes(big);
    String t = alice.send(List.of(a, b, bob.uri), "m2", 1, big.length, big, '$');
    MsrpTestClient.Message m = bob.next(WAIT);
    assertNotNull(m);
    assertArrayEquals(big, m.body(), "a 200 KB chunk whole, from a WebSocket to TLS");
    bob.answer(m, 200, "OK");
    assertEquals(200, alice.response(t).status());
    String back = bob.send(List.of(b, a, alice.uri), "m3", 1, 3, "hey".getBytes(StandardCharsets.UTF_8), '$');
    MsrpTestClient.Message r = alice.next(WAIT);
    assertNotNull(r, "nothing came down the WebSocket");
    assertEquals("hey", new String(r.body(), StandardCharsets.UTF_8));
    alice.answer(r, 200, "OK");
    assertEquals(200, bob.response(back).status());

    // a 2 MB chunk does not fit a WebSocket message: 413 to the sender, the browser gets it cut short
    String tooBig = bob.send(List.of(b, a, alice.uri), "m11", 1, 2 << 20, new byte[2 << 20], '$');
    assertEquals(413, bob.response(tooBig).status());
    MsrpTestClient.Message cut = alice.next(WAIT);
    assertNotNull(cut);
    assertEquals('#', cut.flag(), "what went is ended interrupted");
  }

  /**
   * A client may send its AUTH the moment the WebSocket is open (a browser does, in onopen): it can
   * reach the gateway before the relay's event loop has taken the WebSocket over, and must be read
   * all the same, not dropped. Twenty clients, each writing its AUTH right behind the 101.
   */
  @Test
  void anAuthRightBehindTheWebSocketHandshakeIsAnswered() throws IOException {
    for (int round = 0; round < 20; round++) {
      try (java.net.Socket s = new java.net.Socket(FreePorts.IPV4_LOOPBACK, wsPort)) {
        s.setSoTimeout(5000);
        s.setTcpNoDelay(true);
        s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + wsPort + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: msrp\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        String head = readUntil(s, "\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 101"), head);
        String tid = "early" + round + "x";
        byte[] auth = ("MSRP " + tid + " AUTH\r\nTo-Path: msrp://127.0.0.1:" + wsPort + ";ws\r\nFrom-Path: msrp://x.invalid:2855/early;ws\r\n-------"
            + tid + "$\r\n").getBytes(StandardCharsets.US_ASCII);
        // one binary frame, final, masked (a client's frames are), length under 126
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        byte[] mask = {1, 2, 3, 4};
        frame.write(0x82);
        frame.write(0x80 | auth.length);
        frame.writeBytes(mask);
        for (int i = 0; i < auth.length; i++) frame.write(auth[i] ^ mask[i % 4]);
        s.getOutputStream().write(frame.toByteArray());
        String got = head.substring(head.indexOf("\r\n\r\n") + 4) + readUntil(s, "MSRP " + tid + " 401");
        assertTrue(got.contains("MSRP " + tid + " 401"), "round " + round + ": the AUTH was not answered: " + got);
      }
    }
  }

  /** What {@code s} sends until {@code end} is in it, or it closes, or {@link #WAIT} passes. */
  private static String readUntil(java.net.Socket s, String end) throws IOException {
    StringBuilder got = new StringBuilder();
    byte[] one = new byte[1];
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!got.toString().contains(end) && System.nanoTime() < deadline) {
      try {
        if (s.getInputStream().read(one) < 0) break;
      } catch (java.net.SocketTimeoutException e) {
        break;
      }
      got.append((char) (one[0] & 0xff));
    }
    return got.toString();
  }

  @Test
  void anInterruptedChunkAndASenderThatGoesMidTransferEndTheChunkWithAHash() throws IOException {
    Pair p = pair();
    MsrpTestClient alice = p.alice();
    MsrpTestClient bob = p.bob();
    String a = p.a();
    String b = p.b();
    alice.send(List.of(a, b, bob.uri), "m4", 1, 100_000, new byte[30_000], '#', "Failure-Report: no");
    MsrpTestClient.Message cut = bob.next(WAIT);
    assertNotNull(cut);
    assertEquals('#', cut.flag(), "interrupted, as sent");
    assertEquals(30_000, cut.body().length);

    // alice goes in the middle of a chunk: bob's copy ends interrupted, alice's session is gone
    String tid = alice.newTid();
    alice.write("MSRP " + tid + " SEND\r\nTo-Path: " + a + " " + b + " " + bob.uri + "\r\nFrom-Path: " + alice.uri
        + "\r\nMessage-ID: m5\r\nByte-Range: 1-*/*\r\nContent-Type: text/plain\r\n\r\n" + "x".repeat(5000));
    alice.close();
    MsrpTestClient.Message half = bob.next(WAIT);
    assertNotNull(half, "the part that came is passed on, ended");
    assertEquals('#', half.flag());
    String t = bob.send(List.of(b, a, "msrp://127.0.0.1:1/gone;tcp"), "m6", 1, 1, new byte[] {1}, '$');
    assertEquals(481, bob.response(t).status(), "no session of alice's is left");
  }

  @Test
  void whatTheRelayRefuses() throws IOException {
    MsrpTestClient stranger = keep(MsrpTestClient.tcp(msrpPort));
    MsrpTestClient bob = keep(MsrpTestClient.tcp(msrpPort));
    String b = bob.auth(relay(), "bob", "bob-Pa55");
    String t = stranger.send(List.of(b, bob.uri), "m7", 1, 1, new byte[] {1}, '$');
    assertEquals(403, stranger.response(t).status(), "a connection that never authenticated relays nothing");
    assertEquals(null, bob.next(Duration.ofMillis(500)), "and nothing reached bob");

    MsrpTestClient alice = keep(MsrpTestClient.tcp(msrpPort));
    String a = alice.auth(relay(), "alice", "alice-Pa55");
    String unknown = alice.send(List.of(a, "msrp://127.0.0.1:" + msrpPort + "/nosuchsession;tcp", bob.uri), "m8", 1, 1, new byte[] {1}, '$');
    assertEquals(481, alice.response(unknown).status());
    assertReport(alice.next(WAIT), "m8", "481");
    int closed = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    String away = alice.send(List.of(a, "msrp://127.0.0.1:" + closed + "/x;tcp"), "m9", 1, 1, new byte[] {1}, '$');
    assertEquals(408, alice.response(away).status(), "a next hop that cannot be reached");
    assertReport(alice.next(WAIT), "m9", "408");
    String quiet = alice.send(List.of(a, "msrp://127.0.0.1:" + closed + "/x;tcp"), "m10", 1, 1, new byte[] {1}, '$', "Failure-Report: no");
    assertEquals(null, alice.next(Duration.ofMillis(700)), "Failure-Report: no: no REPORT (and no response to " + quiet + ")");
    // another connection (even alice's own) may not go out through the session alice's first one authenticated
    MsrpTestClient second = keep(MsrpTestClient.tcp(msrpPort));
    second.auth(relay(), "alice", "alice-Pa55");
    String bound = second.send(List.of(a, b, bob.uri), "m12", 1, 1, new byte[] {1}, '$', "Failure-Report: partial");
    assertEquals(506, second.response(bound).status());
    assertEquals(null, bob.next(Duration.ofMillis(500)), "nothing reached bob");
    MsrpTestClient wrong = keep(MsrpTestClient.tcp(msrpPort));
    assertThrowsAuth(wrong);
  }

  /** An unknown method gets 501; past msrp.maxSessionsPerUser an AUTH gets 403; an idle connection without a session is closed. */
  @Test
  void limitsAndIdleConnections() throws IOException {
    gateway.close();
    gateway = startGateway(new JsonObject().put("maxSessionsPerUser", 2).put("idleTimeout", 5));
    MsrpTestClient alice = keep(MsrpTestClient.tcp(msrpPort));
    String a = alice.auth(relay(), "alice", "alice-Pa55");
    String tid = alice.newTid();
    alice.write("MSRP " + tid + " FETCH\r\nTo-Path: " + a + "\r\nFrom-Path: " + alice.uri + "\r\n-------" + tid + "$\r\n");
    assertEquals(501, alice.response(tid).status());
    alice.auth(relay(), "alice", "alice-Pa55");
    AssertionError third = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> alice.auth(relay(), "alice", "alice-Pa55"));
    assertTrue(third.getMessage().contains("403"), third.getMessage());

    MsrpTestClient idle = keep(MsrpTestClient.tcp(msrpPort));
    long start = System.nanoTime();
    IOException closed = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> idle.next(Duration.ofSeconds(30)));
    long after = (System.nanoTime() - start) / 1_000_000_000L;
    assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    assertTrue(after >= 4 && after < 25, "closed after msrp.idleTimeout (5 s) and a sweep: " + after + " s");
  }

  /** A failure REPORT (RFC 4975 §7.1.2) of the chunk {@code messageId}, with status {@code 000 code}. */
  private static void assertReport(MsrpTestClient.Message m, String messageId, String code) {
    assertNotNull(m, "no REPORT");
    assertEquals("REPORT", m.method());
    assertEquals(messageId, m.header("Message-ID"));
    assertTrue(m.header("Status").startsWith("000 " + code), m.header("Status"));
  }

  private void assertThrowsAuth(MsrpTestClient c) {
    AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> c.auth(relay(), "alice", "wrong"));
    assertTrue(e.getMessage().contains("401"), e.getMessage());
  }
}
