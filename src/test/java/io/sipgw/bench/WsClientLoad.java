package io.sipgw.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load client of {@code bench/ws-clients.sh}: COUNT SIP clients over WebSockets (RFC 7118) as a
 * browser's JsSIP is one, each its own user ({@code user0001} …) on its own connection. It opens the
 * connections at a bounded rate, registers each (RFC 5626 outbound:
 * {@code ;ob}, {@code +sip.instance}, {@code reg-id=1}), checks every 200 (its CSeq, and a binding
 * of this client's Contact with an expiry), sends a CRLF keep-alive ({@code \r\n\r\n}) every
 * KEEPALIVE seconds and expects {@code \r\n} back before the next one, and re-REGISTERs when half
 * the granted expiry has passed. Once every client is connected and registered (or has failed) it
 * prints a {@code RAMPED} line, holds HOLD seconds, then prints a {@code RESULT} line and exits 0
 * only if every client is open and registered, nothing failed, and every keep-alive was answered.
 * Everything runs on one event loop; the whole run is bounded in time (exit 2 past the bound).
 *
 * <pre>
 * java -cp target/test-classes:target/sipgw.jar io.sipgw.bench.WsClientLoad port=PORT count=N \
 *   [host=127.0.0.1] [first=1] [rate=500] [hold=60] [expires=600] [keepalive=30] \
 *   [domain=localhost] [inflight=100] [timeout=10]
 * </pre>
 * A process holds at most about 19,000 connections (20,000 open files); spread larger counts over
 * several processes, each with its own {@code first} user. Every connection comes from 127.0.0.1:
 * Vert.x 5.1.1's WebSocket client ignores {@code WebSocketClientOptions.setLocalAddress} (its
 * HttpClientConfig does not carry the local address to the TCP client), so one destination port
 * takes at most the ~28,000 ports of {@code ip_local_port_range} from all load clients together.
 */
public final class WsClientLoad extends VerticleBase {
  private static final Pattern EXPIRES_PARAM = Pattern.compile(";\\s*expires\\s*=\\s*(\\d+)", Pattern.CASE_INSENSITIVE);

  private final Settings s;
  private final Promise<Integer> done;
  private final Client[] clients;
  private final Map<String, Integer> failures = new TreeMap<>();
  private WebSocketClient wsClient;
  private long startNanos;
  private int started;
  private int connecting;
  private int open;
  private int registered;
  private int refreshed;
  private long keepAlivesSent;
  private long keepAlivesAnswered;
  private long unsolicitedCrlf;
  private long holdEndNanos;
  private boolean stopping;

  private record Settings(String host, int port, int first, int count, int rate, int hold, int expires,
                          int keepAlive, String domain, int inflight, int timeout) {
    static Settings parse(String[] args) {
      Map<String, String> a = new TreeMap<>();
      for (String arg : args) {
        int eq = arg.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("not key=value: " + arg);
        a.put(arg.substring(0, eq), arg.substring(eq + 1));
      }
      Settings s = new Settings(a.getOrDefault("host", "127.0.0.1"), num(a, "port", -1), num(a, "first", 1), num(a, "count", -1), num(a, "rate", 500), num(a, "hold", 60), num(a, "expires", 600),
          num(a, "keepalive", 30), a.getOrDefault("domain", "localhost"), num(a, "inflight", 100), num(a, "timeout", 10));
      if (s.port <= 0 || s.count <= 0) throw new IllegalArgumentException("port=PORT and count=N are required");
      if (!s.host.startsWith("127.")) throw new IllegalArgumentException("loopback only (127.0.0.0/8)");
      return s;
    }

    private static int num(Map<String, String> a, String key, int dflt) {
      return a.containsKey(key) ? Integer.parseInt(a.get(key)) : dflt;
    }

    /** Seconds the ramp may take before the clients still pending are given up: twice the planned time, plus a minute. */
    int rampBound() { return 2 * count / Math.max(1, rate) + 60; }
  }

  /** One SIP user agent on one WebSocket; touched only on the verticle's event loop. */
  private final class Client {
    final String user;
    final String viaHost = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16) + ".invalid";
    final String instance = UUID.randomUUID().toString();
    final String callId = UUID.randomUUID().toString();
    final String tag = Long.toHexString(ThreadLocalRandom.current().nextLong());
    WebSocket ws;
    int cseq;
    long registerSentAt;     // nanos, 0: no REGISTER outstanding
    long registeredAt;       // nanos of the last 200, 0: never registered
    long refreshAt;
    long keepAliveSentAt;    // nanos, 0: no keep-alive outstanding
    long nextKeepAlive;
    boolean bound;           // the last REGISTER got its 200

    Client(int number) { this.user = String.format("user%04d", number); }

    String register() {
      cseq++;
      String aor = "sip:" + user + "@" + s.domain;
      return "REGISTER sip:" + s.domain + " SIP/2.0\r\n"
          + "Via: SIP/2.0/WS " + viaHost + ";branch=z9hG4bK" + tag + "." + cseq + "\r\n"
          + "Max-Forwards: 70\r\n"
          + "From: <" + aor + ">;tag=" + tag + "\r\n"
          + "To: <" + aor + ">\r\n"
          + "Call-ID: " + callId + "\r\n"
          + "CSeq: " + cseq + " REGISTER\r\n"
          + "Contact: <sip:" + user + "@" + viaHost + ";transport=ws;ob>;+sip.instance=\"<urn:uuid:" + instance + ">\";reg-id=1\r\n"
          + "Expires: " + s.expires + "\r\n"
          + "Supported: path, gruu, outbound\r\n"
          + "Content-Length: 0\r\n\r\n";
    }
  }

  private WsClientLoad(Settings s, Promise<Integer> done) {
    this.s = s;
    this.done = done;
    this.clients = new Client[s.count];
    for (int i = 0; i < s.count; i++) clients[i] = new Client(s.first + i);
  }

  @Override
  public Future<?> start() {
    wsClient = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(s.count + 16)
        .setConnectTimeout(s.timeout * 1000)
        .setClosingTimeout(2));
    startNanos = System.nanoTime();
    vertx.setPeriodic(10, id -> ramp());
    vertx.setPeriodic(1000, id -> tick());
    return Future.succeededFuture();
  }

  /** Starts the connections due by now at the configured rate, at most {@code inflight} handshakes at once. */
  private void ramp() {
    long due = Math.min(s.count, (System.nanoTime() - startNanos) / 1_000_000L * s.rate / 1000 + 1);
    while (started < due && connecting < s.inflight && !stopping) connect(clients[started++]);
  }

  private void connect(Client c) {
    connecting++;
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(s.host).setPort(s.port).setURI("/")
        .setAllowOriginHeader(false);
    o.setSubProtocols(List.of("sip"));
    wsClient.connect(o).onComplete(ar -> {
      connecting--;
      if (ar.failed()) {
        fail(c, ar.cause() instanceof UpgradeRejectedException r ? "handshake refused " + r.getStatus() : "connect: " + ar.cause().getMessage());
        return;
      }
      c.ws = ar.result();
      open++;
      c.ws.textMessageHandler(m -> received(c, m));
      c.ws.binaryMessageHandler(b -> received(c, b.toString()));
      c.ws.closeHandler(v -> closed(c));
      c.ws.exceptionHandler(e -> { });
      sendRegister(c);
    });
  }

  private void sendRegister(Client c) {
    c.registerSentAt = System.nanoTime();
    c.ws.writeTextMessage(c.register());
  }

  private void received(Client c, String m) {
    if (m.isBlank()) {
      if (c.keepAliveSentAt != 0) {
        keepAlivesAnswered++;
        c.keepAliveSentAt = 0;
      } else {
        unsolicitedCrlf++;
      }
      return;
    }
    if (!m.startsWith("SIP/2.0 ")) {
      fail(c, "unexpected request " + m.substring(0, Math.max(0, m.indexOf(' '))));
      return;
    }
    int status = Integer.parseInt(m.substring(8, 11));
    if (status < 200) return;
    String cseq = header(m, "CSeq");
    if (c.registerSentAt == 0 || cseq == null || !cseq.equals(c.cseq + " REGISTER")) {
      fail(c, "unexpected response " + status + " (CSeq " + cseq + ")");
      return;
    }
    c.registerSentAt = 0;
    if (status != 200) {
      c.bound = false;
      fail(c, "REGISTER " + m.substring(8, m.indexOf('\r')));
      return;
    }
    int granted = grantedExpiry(m, c.viaHost);
    if (granted <= 0) {
      c.bound = false;
      fail(c, "200 without this client's binding");
      return;
    }
    long now = System.nanoTime();
    if (c.registeredAt == 0) {
      registered++;
      c.nextKeepAlive = now + TimeUnit.SECONDS.toNanos(s.keepAlive);
    } else {
      refreshed++;
    }
    c.bound = true;
    c.registeredAt = now;
    c.refreshAt = now + TimeUnit.SECONDS.toNanos(granted) / 2;
  }

  /** The expiry the registrar granted to the Contact that names {@code viaHost}, or -1. */
  private static int grantedExpiry(String response, String viaHost) {
    for (String line : response.split("\r\n")) {
      if (!(line.regionMatches(true, 0, "Contact:", 0, 8) || line.regionMatches(true, 0, "m:", 0, 2))) continue;
      for (String value : line.substring(line.indexOf(':') + 1).split(",")) {
        if (!value.contains("@" + viaHost)) continue;
        Matcher e = EXPIRES_PARAM.matcher(value);
        if (e.find()) return Integer.parseInt(e.group(1));
      }
    }
    return -1;
  }

  private static String header(String message, String name) {
    for (String line : message.split("\r\n")) {
      if (line.regionMatches(true, 0, name, 0, name.length()) && line.length() > name.length() && line.charAt(name.length()) == ':') {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
  }

  private void closed(Client c) {
    open--;
    c.ws = null;
    c.bound = false;
    if (!stopping) fail(c, "closed by the gateway");
  }

  private void fail(Client c, String reason) {
    failures.merge(reason, 1, Integer::sum);
    if (c.ws != null && !stopping) {
      WebSocket ws = c.ws;
      c.ws = null;
      c.bound = false;
      open--;
      ws.closeHandler(null);
      ws.close();
    }
  }

  /** Once a second: answers overdue, keep-alives and refreshes due, the phase of the run. */
  private void tick() {
    if (stopping) return;
    long now = System.nanoTime();
    long answerBound = TimeUnit.SECONDS.toNanos(s.timeout);
    int pending = 0;
    for (int i = 0; i < started; i++) {
      Client c = clients[i];
      if (c.ws == null) continue;
      if (c.registerSentAt != 0) {
        if (now - c.registerSentAt > answerBound) {
          c.registerSentAt = 0;
          fail(c, "no answer to REGISTER in " + s.timeout + " s");
        } else if (c.registeredAt == 0) {
          pending++;
        }
        continue;
      }
      if (c.registeredAt == 0) continue;
      if (now >= c.refreshAt) {
        sendRegister(c);
      } else if (now >= c.nextKeepAlive) {
        if (c.keepAliveSentAt != 0) failures.merge("keep-alive not answered in " + s.keepAlive + " s", 1, Integer::sum);
        c.keepAliveSentAt = now;
        c.nextKeepAlive = now + TimeUnit.SECONDS.toNanos(s.keepAlive);
        keepAlivesSent++;
        c.ws.writeTextMessage("\r\n\r\n");
      }
    }
    boolean rampOver = started == s.count && connecting == 0 && pending == 0;
    boolean rampTooLong = now - startNanos > TimeUnit.SECONDS.toNanos(s.rampBound());
    if (holdEndNanos == 0 && (rampOver || rampTooLong)) {
      holdEndNanos = now + TimeUnit.SECONDS.toNanos(s.hold);
      System.out.printf("RAMPED users=user%04d.. secs=%.1f open=%d registered=%d failures=%d%s%n", s.first,
          (now - startNanos) / 1e9, open, registered, failureCount(), rampOver ? "" : " (ramp bound reached)");
    } else if (holdEndNanos != 0 && now >= holdEndNanos) {
      finish();
    }
  }

  /** Waits (up to the answer timeout) for the keep-alives and REGISTERs in flight, then reports. */
  private void finish() {
    stopping = true;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(s.timeout);
    vertx.setPeriodic(100, id -> {
      boolean inFlight = false;
      for (Client c : clients) inFlight |= c.ws != null && (c.keepAliveSentAt != 0 || c.registerSentAt != 0);
      if (inFlight && System.nanoTime() < end) return;
      vertx.cancelTimer(id);
      report();
    });
  }

  private void report() {
    int bound = 0;
    for (Client c : clients) {
      if (c.ws != null && c.bound) bound++;
      if (c.ws != null && c.keepAliveSentAt != 0) failures.merge("keep-alive not answered at the end", 1, Integer::sum);
      if (c.ws != null && c.registerSentAt != 0) failures.merge("REGISTER not answered at the end", 1, Integer::sum);
    }
    List<String> reasons = new ArrayList<>();
    failures.forEach((reason, n) -> reasons.add(n + " " + reason));
    boolean met = open == s.count && bound == s.count && failures.isEmpty() && keepAlivesAnswered == keepAlivesSent;
    System.out.printf("RESULT users=user%04d..user%04d target=%d open=%d registered=%d held=%d refreshed=%d "
            + "keepalives_sent=%d keepalives_answered=%d unsolicited_crlf=%d failures=%d%s verdict=%s%n",
        s.first, s.first + s.count - 1, s.count, open, registered, bound, refreshed, keepAlivesSent,
        keepAlivesAnswered, unsolicitedCrlf, failureCount(), reasons.isEmpty() ? "" : " [" + String.join("; ", reasons) + "]",
        met ? "MET" : "NOT-MET");
    for (Client c : clients) if (c.ws != null) c.ws.close();
    vertx.setTimer(2000, id -> done.tryComplete(met ? 0 : 1));
  }

  private int failureCount() { return failures.values().stream().mapToInt(Integer::intValue).sum(); }

  public static void main(String[] args) throws Exception {
    Settings s;
    try {
      s = Settings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("WsClientLoad: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    Promise<Integer> done = Promise.promise();
    int code;
    try {
      vertx.deployVerticle(new WsClientLoad(s, done)).onFailure(done::tryFail);
      long bound = s.rampBound() + s.hold + 3L * s.timeout + 30;
      code = done.future().toCompletionStage().toCompletableFuture().get(bound, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      System.out.println("RESULT users=user" + s.first + ".. target=" + s.count + " verdict=TIMEOUT (no result within the run's bound)");
      code = 2;
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    System.exit(code);
  }
}
