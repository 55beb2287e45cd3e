package io.sipgw.transport;

import io.sipgw.config.WebSocketConfig;
import io.sipgw.sip.Hosts;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerConfig;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One instance of a WS or WSS listener (RFC 7118): an HTTP server whose WebSocket handshakes must
 * offer the {@code sip} subprotocol (§4.1; refused with 400 otherwise) and come from an allowed
 * origin (403 otherwise) while the connection cap is not reached (503 otherwise), and which serves the web root (the softphone page) to plain HTTP requests.
 * A WSS listener presents the certificate of its {@link TlsCertificates}, reloaded like a TLS one.
 */
public final class WebSocketListenerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger("sipgw.transport");
  static final String SUBPROTOCOL = "sip";
  /** RFC 7977: MSRP over WebSocket, handed to the MSRP relay. */
  static final String MSRP = "msrp";
  /** The largest WebSocket message: an MSRP chunk of up to 1 MB with its headers. */
  static final int MSRP_MESSAGE = (1 << 20) + 65536;

  private final Listener listener;
  private final Transports transports;
  private final TlsCertificates tls;
  private final Supplier<WebSocketConfig> settings;
  private final Consumer<Router> services;
  private final BiConsumer<ServerWebSocket, Listener> msrp;
  private HttpServer server;

  /**
   * A WS listener when {@code tls} is null, else a WSS listener presenting its certificate;
   * {@code services} adds the HTTP services of other capabilities (XCAP) before the web root.
   */
  public WebSocketListenerVerticle(Listener listener, Transports transports, TlsCertificates tls, Supplier<WebSocketConfig> settings,
      Consumer<Router> services, BiConsumer<ServerWebSocket, Listener> msrp) {
    this.listener = listener;
    this.transports = transports;
    this.tls = tls;
    this.settings = settings;
    this.services = services;
    this.msrp = msrp;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(Hosts.bare(listener.host()))
        .setPort(listener.port())
        .setTcpNoDelay(true)
        .setAcceptBacklog(1024)
        .setReuseAddress(true)
        .setWebSocketSubProtocols(List.of(SUBPROTOCOL, MSRP))
        // an MSRP chunk is one WebSocket message (RFC 7977 §5.2); a SIP message over the cap gets 513 all the same
        .setMaxWebSocketMessageSize(Math.max(transports.maxMessageSize(), MSRP_MESSAGE))
        .setMaxWebSocketFrameSize(Math.max(transports.maxMessageSize(), MSRP_MESSAGE));
    server = tls == null ? vertx.createHttpServer(options)
        : vertx.createHttpServer(new HttpServerConfig(options.setSsl(true)), tls.serverOptions());
    Router router = Router.router(vertx);
    services.accept(router);
    String webroot = settings.get().webroot();
    // a relative web root is looked up in the working directory, then in the jar (the bundled softphone)
    StaticHandler files = Path.of(webroot).isAbsolute() ? StaticHandler.create(FileSystemAccess.ROOT, webroot) : StaticHandler.create(webroot);
    router.route().handler(files.setCachingEnabled(true));
    server.requestHandler(router);
    server.webSocketHandshakeHandler(this::handshake);
    server.webSocketHandler(ws -> {
      if (MSRP.equals(ws.subProtocol())) msrp.accept(ws, listener);
      else transports.addWebSocket(ws, listener);
    });
    server.exceptionHandler(e -> LOG.fine(() -> "connection refused on " + listener.name() + ": " + e.getMessage()));
    if (tls != null) tls.register(server);
    return server.listen();
  }

  private void handshake(ServerWebSocketHandshake h) {
    String from = Hosts.forUri(h.remoteAddress().host()) + ":" + h.remoteAddress().port();
    String offered = h.headers().get("Sec-WebSocket-Protocol");
    if (!offersSip(offered) && !offers(offered, MSRP)) {
      LOG.info("WebSocket handshake from " + from + " on " + listener.name() + " refused with 400: neither the \"sip\" nor the \"msrp\" subprotocol was offered");
      h.reject(400);
      return;
    }
    String origin = h.headers().get("Origin");
    if (!settings.get().allows(origin)) {
      LOG.info("WebSocket handshake from " + from + " on " + listener.name() + " refused with 403: origin " + origin
          + " is not in websocket.allowedOrigins");
      h.reject(403);
      return;
    }
    if (transports.full()) {
      // refused before the upgrade, so the browser sees why (RFC 6455 §4.2.2: any HTTP status but 101)
      LOG.warning("WebSocket handshake from " + from + " on " + listener.name() + " refused with 503: transport.maxConnections reached");
      h.reject(503);
      return;
    }
    h.accept();
  }

  /** Whether a Sec-WebSocket-Protocol value lists {@code sip} (RFC 6455 §11.3.4: comma-separated tokens). */
  static boolean offersSip(String value) { return offers(value, SUBPROTOCOL); }

  static boolean offers(String value, String subprotocol) {
    if (value == null) return false;
    for (String p : value.split(",")) if (p.trim().equalsIgnoreCase(subprotocol)) return true;
    return false;
  }

  @Override
  public Future<?> stop() {
    if (tls != null) tls.unregister(server);
    return server.close();
  }
}
