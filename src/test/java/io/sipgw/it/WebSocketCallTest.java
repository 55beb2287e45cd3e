package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Calls between a WebSocket client (as a browser's JsSIP, RFC 7118) and SIPp phones on UDP, through
 * the gateway: the phone's requests reach the browser over the browser's own connection, found by
 * the flow token in the gateway's Record-Route (RFC 5626 §5.3); a closed WebSocket takes its
 * binding with it (480) and its dialogs' requests get 430.
 */
class WebSocketCallTest extends PhoneCallTest {
  private static final Duration WAIT = Duration.ofSeconds(8);
  private final List<WsPeer> peers = new ArrayList<>();

  private WsPeer browser() {
    gateway = gateway != null ? gateway : TestGateway.startWebSocket(new JsonObject());
    WsPeer p = WsPeer.connect(gateway.wsPort());
    peers.add(p);
    return p;
  }

  /** Registers the browser as bob over its WebSocket, RFC 5626 outbound style as JsSIP does. */
  private SipMessageText registerBrowser(WsPeer p, boolean binary) { return registerBrowser(p, binary, UUID.randomUUID().toString(), 1); }

  private SipMessageText registerBrowser(WsPeer p, boolean binary, String instance, int regId) {
    String aor = "sip:" + USER + "@" + TestGateway.DOMAIN;
    String reg = p.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "<" + aor + ">", UUID.randomUUID().toString(), 1,
        "Contact: <" + p.contactUri(USER) + ";ob>;+sip.instance=\"<urn:uuid:" + instance + ">\";reg-id=" + regId + ";expires=600\r\n"
            + "Supported: path, gruu, outbound\r\n");
    if (binary) p.sendBinary(reg);
    else p.send(reg);
    return p.finalResponse(WAIT);
  }

  @Test
  void registersOverWebSocketInTextOrBinaryFramesWithOutbound() {
    WsPeer p = browser();
    assertEquals("sip", p.subProtocol());
    SipMessageText ok = registerBrowser(p, false);
    assertEquals(200, ok.status(), ok.text());
    assertTrue(ok.header("Contact").contains("reg-id=1"), ok.text());
    assertEquals("outbound", ok.header("Require"), "RFC 5626 §6: the registrar says it kept the flow\n" + ok.text());
    assertEquals(200, registerBrowser(p, true).status(), "a binary frame carries SIP as well");
  }

  @Test
  void crlfKeepAliveAndWebSocketPingAreAnswered() throws Exception {
    WsPeer p = browser();
    p.send("\r\n\r\n");
    assertEquals("\r\n", p.receiveRaw(WAIT));
    assertTrue(p.pingPong(WAIT), "a WebSocket ping gets its pong");
  }

  @Test
  void aBrowserRegistersOverWss() {
    gateway = TestGateway.startWebSocket(TestCertificate.create(dir, "wss"), new JsonObject());
    WsPeer p = WsPeer.connect(gateway.wsPort(), true);
    peers.add(p);
    assertEquals(200, registerBrowser(p, false).status());
  }

  @Test
  void phoneCallsBrowserAndEveryRequestOfTheCallReachesItsWebSocket() throws Exception {
    WsPeer p = browser();
    assertEquals(200, registerBrowser(p, false).status());
    CompletableFuture<SippResult> call = CompletableFuture.supplyAsync(() -> caller("uac.xml").run());

    SipMessageText invite = p.receive(WAIT);
    assertEquals("INVITE", invite.method(), invite.text());
    assertEquals(p.contactUri(USER) + ";ob", invite.requestUri());
    assertTrue(invite.headers("Record-Route").stream().anyMatch(rr -> rr.contains("sip:ft-") && rr.contains("transport=ws")),
        "a flow token names the browser's connection\n" + invite.text());
    assertTrue(invite.headers("Via").get(0).startsWith("SIP/2.0/WS "), invite.text());
    String contact = "Contact: <" + p.contactUri(USER) + ">\r\n";
    p.send(SipPeer.response(invite, 180, "Ringing", "b1", contact));
    p.send(SipPeer.response(invite, 200, "OK", "b1", contact));

    SipMessageText ack = p.receive(WAIT);
    assertEquals("ACK", ack.method(), "the ACK of the 2xx came along the Record-Route to the WebSocket\n" + ack.text());
    SipMessageText bye = p.receive(WAIT);
    assertEquals("BYE", bye.method(), bye.text());
    p.send(SipPeer.response(bye, 200, "OK", null, ""));
    call.get(40, TimeUnit.SECONDS).assertSucceeded(1).assertNoStrayMessages();
  }

  @Test
  void browserCallsPhoneAndHangsUpAlongTheRouteSet() throws Exception {
    WsPeer p = browser();
    Callee phone = phone("uas.xml");
    register(phone);
    String callId = UUID.randomUUID().toString();
    String from = "sip:alice@" + TestGateway.DOMAIN;
    String to = "<sip:" + USER + "@" + TestGateway.DOMAIN + ">";
    p.send(p.request("INVITE", "sip:" + USER + "@" + TestGateway.DOMAIN, from, to, callId, 1,
        "Contact: <" + p.contactUri("alice") + ";ob>\r\n"));
    SipMessageText ok = p.finalResponse(WAIT);
    assertEquals(200, ok.status(), ok.text());
    List<String> routes = new ArrayList<>(ok.headers("Record-Route"));
    Collections.reverse(routes); // RFC 3261 §12.1.2: the UAC's route set is the Record-Route reversed
    String target = ok.header("Contact").replaceAll("^<|>.*$", "");
    String toTagged = ok.header("To");
    String routeLines = "Route: " + String.join(", ", routes) + "\r\n";
    p.send(p.request("ACK", target, from, toTagged, callId, 1, routeLines));
    p.send(p.request("BYE", target, from, toTagged, callId, 2, routeLines));
    assertEquals(200, p.finalResponse(WAIT).status());
    completed(phone);
  }

  @Test
  void closedWebSocketTakesItsBindingAndItsDialogsWithIt() throws Exception {
    WsPeer p = browser();
    assertEquals(200, registerBrowser(p, false).status());
    // the caller holds the call for 3 s: its BYE comes well after the WebSocket closed
    CompletableFuture<SippResult> call = CompletableFuture.supplyAsync(() -> caller("uac.xml").arg("-d", "3000").run());
    SipMessageText invite = p.receive(WAIT);
    p.send(SipPeer.response(invite, 200, "OK", "b1", "Contact: <" + p.contactUri(USER) + ">\r\n"));
    assertEquals("ACK", p.receive(WAIT).method());
    p.close();
    SippResult result = call.get(40, TimeUnit.SECONDS);
    // the caller's BYE could not reach the browser: 430 Flow Failed (RFC 5626 §5.3), not a timeout
    assertTrue(result.messages().contains("SIP/2.0 430 Flow Failed"), result.describe());

    try (SipPeer caller = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      long end = System.nanoTime() + WAIT.toNanos();
      int status;
      do {
        caller.send(caller.request("INVITE", "sip:" + USER + "@" + TestGateway.DOMAIN, "sip:" + USER + "@" + TestGateway.DOMAIN, ""));
        status = caller.finalResponse(WAIT).status();
      } while (status != 480 && System.nanoTime() < end);
      assertEquals(480, status, "the binding went with its WebSocket");
    }
  }

  @Test
  void anInstanceWithTwoFlowsGetsARequestOnOneOfThem() throws Exception {
    WsPeer first = browser();
    WsPeer second = browser();
    String instance = UUID.randomUUID().toString();
    assertEquals(200, registerBrowser(first, false, instance, 1).status());
    Thread.sleep(1100); // the second flow registers later: it expires a second later, so it is the one used
    assertEquals(200, registerBrowser(second, false, instance, 2).status());
    try (SipPeer caller = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      caller.send(caller.request("MESSAGE", "sip:" + USER + "@" + TestGateway.DOMAIN, "sip:" + USER + "@" + TestGateway.DOMAIN, ""));
      SipMessageText message = second.receive(WAIT);
      assertEquals("MESSAGE", message.method(), message.text());
      second.send(SipPeer.response(message, 200, "OK", "m1", ""));
      assertEquals(200, caller.finalResponse(WAIT).status());
      // RFC 5626 §5.3: not forked to both flows of one instance
      assertThrows(AssertionError.class, () -> first.receive(Duration.ofMillis(700)));
    }
  }

  @Test
  void aRegistrationRelayedToAnotherRegistrarCarriesAPathToTheBrowsersConnection() throws Exception {
    WsPeer p = browser();
    try (SipPeer registrar = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      String domain = registrar.hostPort(); // not one of the gateway's: the REGISTER is relayed there
      String aor = "sip:" + USER + "@" + domain;
      p.send(p.request("REGISTER", "sip:" + domain, aor, "<" + aor + ">", UUID.randomUUID().toString(), 1,
          "Contact: <" + p.contactUri(USER) + ";ob>;+sip.instance=\"<urn:uuid:" + UUID.randomUUID() + ">\";reg-id=1\r\n"
              + "Supported: path, outbound\r\n"));
      SipMessageText register = registrar.receive(WAIT);
      assertEquals("REGISTER", register.method(), String.valueOf(register));
      String path = register.header("Path");
      assertTrue(path != null && path.contains("sip:ft-"), "RFC 3327/5626: a Path naming the flow\n" + register.text());
      registrar.send(SipPeer.response(register, 200, "OK", "r1", "Path: " + path + "\r\n"));
      assertEquals(200, p.finalResponse(WAIT).status());

      // RFC 3327 §5.3: the registrar reaches the user along the Path; the token leads to the WebSocket
      registrar.send(registrar.request("INVITE", p.contactUri(USER), aor, "Route: " + path + "\r\n"));
      SipMessageText invite = p.receive(WAIT);
      assertEquals("INVITE", invite.method(), invite.text());
      p.send(SipPeer.response(invite, 486, "Busy Here", "b1", ""));
      assertEquals(486, registrar.finalResponse(WAIT).status());
    }
  }

  /**
   * A Route naming this gateway with a flow token it did not make (one of an earlier run, whose
   * connections died with it, or a forged one) names no flow: 430 Flow Failed (RFC 5626 §5.3), not a
   * forward to the browser's unreachable Contact.
   */
  @Test
  void aFlowTokenThisNodeDidNotMakeGets430() throws Exception {
    gateway = TestGateway.startWebSocket(new JsonObject());
    try (SipPeer phone = SipPeer.open(SippTransport.UDP, FreePorts.IPV4_LOOPBACK, gateway.port())) {
      String target = "sip:bob@df7jal23ls0d.invalid;transport=ws";
      phone.send(phone.request("INVITE", target, "sip:bob@" + TestGateway.DOMAIN,
          "Route: <sip:ft-2a-0123456789abcdef@" + phone.gatewayHostPort() + ";transport=udp;lr>\r\n"));
      SipMessageText answer = phone.finalResponse(WAIT);
      assertEquals(430, answer.status(), answer::toString);
    }
  }

  @Test
  void handshakeNeedsTheSipSubprotocolAndAnAllowedOrigin() {
    gateway = TestGateway.startWebSocket(new JsonObject().put("websocket",
        new JsonObject().put("allowedOrigins", new JsonArray().add("https://phone.example.com"))));
    int port = gateway.wsPort();
    assertEquals(400, WsPeer.handshake(port, List.of(), null), "no subprotocol");
    assertEquals(400, WsPeer.handshake(port, List.of("chat"), null), "another subprotocol");
    assertEquals(101, WsPeer.handshake(port, List.of("chat", "sip"), null));
    assertEquals(403, WsPeer.handshake(port, List.of("sip"), "https://evil.example.net"));
    assertEquals(101, WsPeer.handshake(port, List.of("sip"), "https://phone.example.com"));
    assertFalse(peers.iterator().hasNext());
  }

  @Test
  void aWebSocketSilentForThreeKeepaliveIntervalsIsClosed() throws Exception {
    gateway = TestGateway.startWebSocket(new JsonObject().put("websocket", new JsonObject().put("keepaliveInterval", 1)));
    WsPeer live = browser();
    assertEquals(200, registerBrowser(live, false).status());
    try (java.net.Socket silent = new java.net.Socket(HOST, gateway.wsPort())) {
      silent.setSoTimeout(10_000);
      silent.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.DataInputStream in = new java.io.DataInputStream(silent.getInputStream());
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.readUnsignedByte());
      assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
      long opened = System.nanoTime();
      int pings = 0;
      int opcode;
      do { // server frames are unmasked; pings and the close carry short payloads (RFC 6455 §5.2)
        opcode = in.readUnsignedByte() & 0x0f;
        in.skipNBytes(in.readUnsignedByte() & 0x7f);
        if (opcode == 0x9) pings++;
      } while (opcode != 0x8);
      long seconds = (System.nanoTime() - opened) / 1_000_000_000L;
      assertTrue(pings >= 2 && seconds >= 2 && seconds <= 6, "closed after " + seconds + " s and " + pings + " unanswered pings");
    }
    assertEquals(200, registerBrowser(live, false).status(), "a WebSocket that answers the pings stays open");
  }

  @Test
  void overTheConnectionCapTheHandshakeGets503() {
    gateway = TestGateway.startWebSocket(new JsonObject().put("transport", new JsonObject().put("maxConnections", 1)));
    WsPeer p = WsPeer.connect(gateway.wsPort());
    peers.add(p);
    assertEquals(503, WsPeer.handshake(gateway.wsPort(), List.of("sip"), null));
    assertEquals(200, registerBrowser(p, false).status(), "the open one goes on");
  }

  @Test
  void theSameListenerServesTheWebRoot() throws Exception {
    java.nio.file.Path root = java.nio.file.Files.createDirectories(dir.resolve("webroot"));
    java.nio.file.Files.writeString(root.resolve("index.html"), "<title>sipgw phone</title>");
    gateway = TestGateway.startWebSocket(new JsonObject().put("websocket", new JsonObject().put("webroot", root.toString())));
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(WAIT).build();
    String base = "http://127.0.0.1:" + gateway.wsPort() + "/";
    java.net.http.HttpResponse<String> page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base)).timeout(WAIT).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("sipgw phone"), page.body());
    java.net.http.HttpResponse<String> missing = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "nothing.js"))
        .timeout(WAIT).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(404, missing.statusCode());
  }

  @AfterEach
  void closePeers() {
    for (WsPeer p : peers) p.close();
  }
}
