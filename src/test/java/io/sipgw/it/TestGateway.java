package io.sipgw.it;

import io.sipgw.Sipgw;
import io.sipgw.config.SipgwConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * sipgw running in-process on a fresh Vert.x, listening on loopback only (UDP and TCP on
 * 127.0.0.1, and on ::1 when the machine has it) at random free ports; started with
 * {@link #startTls}, also TLS on both at ports of their own. Domain
 * {@value #DOMAIN} (aliases 127.0.0.1 and ::1) is proxied, {@value #REDIRECT_DOMAIN}
 * redirected. Close it in {@code @AfterEach}.
 */
public final class TestGateway implements AutoCloseable {
  public static final String DOMAIN = "localhost";
  public static final String REDIRECT_DOMAIN = "redirect.test";
  private static final Duration START_BOUND = Duration.ofSeconds(20);
  private static final Duration STOP_BOUND = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final Sipgw sipgw;
  private final JsonObject config;
  private final int port;
  private final int port6;
  private final int tlsPort;
  private final int tlsPort6;
  private int wsPort;

  private TestGateway(Vertx vertx, Sipgw sipgw, JsonObject config, int port, int port6, int tlsPort, int tlsPort6) {
    this.vertx = vertx;
    this.sipgw = sipgw;
    this.config = config;
    this.port = port;
    this.port6 = port6;
    this.tlsPort = tlsPort;
    this.tlsPort6 = tlsPort6;
  }

  /** Starts a gateway; fails the test if it is not up within twenty seconds. */
  public static TestGateway start() { return start(new JsonObject()); }

  /**
   * Starts a gateway whose test configuration is deep-merged with {@code overrides}, e.g.
   * {@code {"transport": {"maxMessageSize": 2048}}}; fails the test if it is not up within twenty seconds.
   */
  public static TestGateway start(JsonObject overrides) {
    int port = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    int port6 = FreePorts.hasIpv6Loopback() ? FreePorts.udpAndTcp(FreePorts.IPV6_LOOPBACK) : 0;
    return start(port, port6, config(port, port6).mergeIn(overrides, true));
  }

  /**
   * Starts a gateway that also listens on TLS (127.0.0.1, and ::1 when the machine has it), presenting
   * {@code certificate}; outbound TLS does not verify servers ({@code tls.verifyServer: false}) and the
   * certificate files are checked for changes every 200 ms. {@code overrides} are deep-merged last.
   */
  public static TestGateway startTls(TestCertificate certificate, JsonObject overrides) {
    int port = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    int port6 = FreePorts.hasIpv6Loopback() ? FreePorts.udpAndTcp(FreePorts.IPV6_LOOPBACK) : 0;
    int tlsPort = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    int tlsPort6 = port6 != 0 ? FreePorts.udpAndTcp(FreePorts.IPV6_LOOPBACK) : 0;
    JsonObject json = config(port, port6);
    json.getJsonArray("listen").add(listener("tls", FreePorts.IPV4_LOOPBACK, tlsPort));
    if (port6 != 0) json.getJsonArray("listen").add(listener("tls", FreePorts.IPV6_LOOPBACK, tlsPort6));
    json.put("tls", new JsonObject().put("certificate", certificate.certificatePath().toString())
            .put("key", certificate.keyPath().toString()).put("verifyServer", false))
        .put("reload", new JsonObject().put("scanPeriod", 200));
    return start(port, port6, tlsPort, tlsPort6, json.mergeIn(overrides, true));
  }

  /**
   * Starts a gateway that also listens for WebSockets (RFC 7118) on 127.0.0.1 at a port of its own;
   * {@code overrides} are deep-merged last.
   */
  public static TestGateway startWebSocket(JsonObject overrides) { return startWebSocket(null, overrides); }

  /**
   * Starts a gateway that also listens for WebSockets on 127.0.0.1 at a port of its own: secure (WSS,
   * presenting {@code certificate}) unless {@code certificate} is null. {@code overrides} are deep-merged last.
   */
  public static TestGateway startWebSocket(TestCertificate certificate, JsonObject overrides) {
    int port = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    int port6 = FreePorts.hasIpv6Loopback() ? FreePorts.udpAndTcp(FreePorts.IPV6_LOOPBACK) : 0;
    int wsPort = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    JsonObject json = config(port, port6);
    json.getJsonArray("listen").add(listener(certificate == null ? "ws" : "wss", FreePorts.IPV4_LOOPBACK, wsPort));
    if (certificate != null) {
      json.put("tls", new JsonObject().put("certificate", certificate.certificatePath().toString())
          .put("key", certificate.keyPath().toString()));
    }
    TestGateway g = start(port, port6, json.mergeIn(overrides, true));
    g.wsPort = wsPort;
    return g;
  }

  /** The WS or WSS port on 127.0.0.1; only for a gateway from {@link #startWebSocket}. */
  public int wsPort() {
    if (wsPort == 0) throw new IllegalStateException("no WebSocket listener");
    return wsPort;
  }

  /** Starts a gateway on the given ports with exactly this configuration. */
  static TestGateway start(int port, int port6, JsonObject json) { return start(port, port6, 0, 0, json); }

  private static TestGateway start(int port, int port6, int tlsPort, int tlsPort6, JsonObject json) {
    Vertx vertx = Vertx.vertx(Sipgw.vertxOptions());
    try {
      Sipgw sipgw = await(Sipgw.start(vertx, SipgwConfig.fromJson(json)), START_BOUND, "start sipgw with " + json);
      return new TestGateway(vertx, sipgw, json, port, port6, tlsPort, tlsPort6);
    } catch (RuntimeException | Error e) {
      vertx.close();
      throw e;
    }
  }

  /** The test configuration: every listener on loopback. */
  static JsonObject config(int port, int port6) {
    JsonArray listen = new JsonArray()
        .add(listener("udp", FreePorts.IPV4_LOOPBACK, port))
        .add(listener("tcp", FreePorts.IPV4_LOOPBACK, port));
    if (port6 != 0) {
      listen.add(listener("udp", FreePorts.IPV6_LOOPBACK, port6)).add(listener("tcp", FreePorts.IPV6_LOOPBACK, port6));
    }
    return new JsonObject()
        .put("listen", listen)
        .put("domains", new JsonArray()
            .add(new JsonObject().put("name", DOMAIN).put("aliases", new JsonArray().add("127.0.0.1").add("::1"))
                .put("mode", "proxy"))
            .add(new JsonObject().put("name", REDIRECT_DOMAIN).put("mode", "redirect")))
        .put("registrar", new JsonObject().put("minExpires", 60).put("maxExpires", 3600)
            .put("defaultExpires", 3600).put("maxContacts", 10))
        .put("proxy", new JsonObject().put("recordRoute", true))
        .put("store", new JsonObject().put("type", "memory"))
        .put("transport", new JsonObject().put("instances", 2))
        .put("workers", 2)
        // no admin listener unless a test asks for one (several gateways run at once; 8090 is one port)
        .put("admin", new JsonObject().put("enabled", false));
  }

  /**
   * Applies the configuration it started with, deep-merged with {@code overrides}, as a hot reload does,
   * and waits until all of it is in force (an LCR table with a rules file is built off the event loop).
   */
  public void reload(JsonObject overrides) {
    await(sipgw.reload(SipgwConfig.fromJson(config.copy().mergeIn(overrides, true))), START_BOUND, "reload");
  }

  /** The configuration it runs with (a copy): with the ports, {@link #start(int, int, JsonObject)} starts it again. */
  public JsonObject configuration() { return config.copy(); }

  /** The running gateway, for what a test reads of its state. */
  public Sipgw sipgw() { return sipgw; }

  /** The UDP and TCP port on 127.0.0.1. */
  public int port() { return port; }

  /** Whether the gateway listens on ::1 too. */
  public boolean hasIpv6() { return port6 != 0; }

  /** The UDP and TCP port on ::1. */
  public int port6() {
    if (port6 == 0) throw new IllegalStateException("this machine has no IPv6 loopback");
    return port6;
  }

  /** The port the gateway listens on at {@code host} (127.0.0.1 or ::1). */
  public int port(String host) { return host.equals(FreePorts.IPV6_LOOPBACK) ? port6() : port; }

  /** The TLS port at {@code host} (127.0.0.1 or ::1); only for a gateway from {@link #startTls}. */
  public int tlsPort(String host) {
    int p = host.equals(FreePorts.IPV6_LOOPBACK) ? tlsPort6 : tlsPort;
    if (p == 0) throw new IllegalStateException("no TLS listener on " + host);
    return p;
  }

  @Override
  public void close() {
    try {
      await(sipgw.stop(), STOP_BOUND, "stop sipgw");
    } finally {
      await(vertx.close(), STOP_BOUND, "close Vert.x");
    }
  }

  private static JsonObject listener(String transport, String host, int port) {
    return new JsonObject().put("transport", transport).put("host", host).put("port", port);
  }

  private static <T> T await(Future<T> future, Duration bound, String what) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot " + what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot " + what + " within " + bound, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    }
  }
}
