package io.sipgw.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SIP client over a WebSocket (RFC 7118) as a browser's JsSIP is one: the {@code sip} subprotocol, a
 * random {@code .invalid} host in Via and Contact, answers expected on the same connection. Received
 * messages are queued for the test thread; every wait is bounded. Close it in the test.
 */
public final class WsPeer implements AutoCloseable {
  private static final Duration CONNECT_BOUND = Duration.ofSeconds(10);
  private static final AtomicInteger branches = new AtomicInteger();

  private final Vertx vertx;
  /** Held for the peer's life: Vert.x closes a client nobody refers to any more, and its connections with it. */
  private final WebSocketClient client;
  private final WebSocket ws;
  private final String host = UUID.randomUUID().toString().substring(0, 8) + ".invalid";
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final BlockingQueue<Boolean> closed = new LinkedBlockingQueue<>();

  private WsPeer(Vertx vertx, WebSocketClient client, WebSocket ws) {
    this.vertx = vertx;
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(received::add);
    ws.binaryMessageHandler(b -> received.add(b.toString()));
    ws.closeHandler(v -> closed.add(true));
  }

  /** Opens a WebSocket to 127.0.0.1:{@code port} offering the {@code sip} subprotocol. */
  public static WsPeer connect(int port) { return connect(port, false); }

  /** As {@link #connect(int)}, over TLS (WSS, any server certificate trusted) when {@code secure}. */
  public static WsPeer connect(int port, boolean secure) {
    Vertx vertx = Vertx.vertx();
    try {
      WebSocketClient client = secure
          ? vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false))
          : vertx.createWebSocketClient();
      return new WsPeer(vertx, client, await(client.connect(options(port, List.of("sip"), null))));
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /**
   * The HTTP status a handshake with these subprotocols (none when empty) and Origin (none when null)
   * is refused with, or 101 when it is accepted (the WebSocket is closed at once).
   */
  public static int handshake(int port, List<String> subprotocols, String origin) {
    Vertx vertx = Vertx.vertx();
    try {
      WebSocketClient client = vertx.createWebSocketClient();
      return await(client.connect(options(port, subprotocols, origin)).transform(ar -> {
        if (ar.succeeded()) {
          ar.result().close();
          return Future.succeededFuture(101);
        }
        return ar.cause() instanceof UpgradeRejectedException r ? Future.succeededFuture(r.getStatus()) : Future.failedFuture(ar.cause());
      }).eventually(client::close));
    } finally {
      vertx.close();
    }
  }

  private static WebSocketConnectOptions options(int port, List<String> subprotocols, String origin) {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(FreePorts.IPV4_LOOPBACK).setPort(port).setURI("/");
    o.setSubProtocols(new ArrayList<>(subprotocols));
    if (origin != null) o.addHeader("Origin", origin);
    else o.setAllowOriginHeader(false); // a SIP phone, not a page: no Origin at all
    return o;
  }

  /** The subprotocol the server chose. */
  public String subProtocol() { return ws.subProtocol(); }

  /** This client's Contact URI for {@code user}, with {@code ;transport=ws}. */
  public String contactUri(String user) { return "sip:" + user + "@" + host + ";transport=ws"; }

  /**
   * A request from this client: Via (a fresh branch), From (tag), To, Call-ID, CSeq, Max-Forwards,
   * then {@code extraHeaders} (CRLF-terminated lines) and Content-Length: 0.
   */
  public String request(String method, String requestUri, String fromUri, String toUri, String callId, int cseq, String extraHeaders) {
    int n = branches.incrementAndGet();
    return method + " " + requestUri + " SIP/2.0\r\n"
        + "Via: SIP/2.0/WS " + host + ";branch=z9hG4bK-ws-" + n + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <" + fromUri + ">;tag=ws" + Math.abs(callId.hashCode()) + "\r\n"
        + "To: " + toUri + "\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: " + cseq + " " + method + "\r\n"
        + extraHeaders
        + "Content-Length: 0\r\n\r\n";
  }

  /** Sends a WebSocket ping (RFC 6455 §5.5.2) and waits for its pong. */
  public boolean pingPong(Duration bound) throws InterruptedException {
    BlockingQueue<Buffer> pongs = new LinkedBlockingQueue<>();
    ws.pongHandler(pongs::add);
    await(ws.writePing(Buffer.buffer("sipgw")));
    Buffer pong = pongs.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
    return pong != null && pong.toString().equals("sipgw");
  }

  /** Sends one message in one text frame. */
  public void send(String message) { await(ws.writeTextMessage(message)); }

  /** Sends one message in one binary frame. */
  public void sendBinary(String message) { await(ws.writeBinaryMessage(Buffer.buffer(message))); }

  /** The next WebSocket message, whatever it is (a keep-alive too), or a failure after {@code bound}. */
  public String receiveRaw(Duration bound) {
    try {
      String m = received.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
      if (m == null) throw new AssertionError("nothing received on the WebSocket within " + bound);
      return m;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  /** The next SIP message, skipping CRLF keep-alives. */
  public SipMessageText receive(Duration bound) {
    long end = System.nanoTime() + bound.toNanos();
    while (true) {
      String m = receiveRaw(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
      if (!m.isBlank()) return new SipMessageText(m);
    }
  }

  /** The next final response (provisionals skipped). */
  public SipMessageText finalResponse(Duration bound) {
    long end = System.nanoTime() + bound.toNanos();
    while (true) {
      SipMessageText m = receive(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
      if (m.isResponse() && m.status() >= 200) return m;
    }
  }

  /** Whether the server closed the WebSocket within {@code bound}. */
  public boolean awaitClosed(Duration bound) throws InterruptedException {
    return closed.poll(bound.toMillis(), TimeUnit.MILLISECONDS) != null;
  }

  /** Closes the WebSocket (a clean close handshake) and this client's Vert.x. */
  @Override
  public void close() {
    try {
      if (!ws.isClosed()) await(ws.close());
    } finally {
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(CONNECT_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + CONNECT_BOUND);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }
}
