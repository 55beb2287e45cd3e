package io.sipgw.admin;

import io.sipgw.config.AdminConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The admin listener ({@code admin.host}:{@code admin.port}, 127.0.0.1:8090 by default), an HTTP server
 * of its own apart from the SIP and WebSocket listeners:
 * <ul>
 *   <li>{@code POST /rpc}: JSON-RPC 2.0 ({@link JsonRpc}), bearer token required;</li>
 *   <li>{@code GET /metrics}: the Prometheus text of the metrics supplier, bearer token required;</li>
 *   <li>{@code GET /health}: 200 while the process runs;</li>
 *   <li>{@code GET /ready}: 200 when the readiness check passes, else 503 with its reason;</li>
 *   <li>{@code GET /console/}: the web console's static files (classpath {@code admin-console/}); the page
 *       asks for the token and sends it on its RPC calls.</li>
 * </ul>
 * A request without the token gets 401 with {@code WWW-Authenticate: Bearer}. The token can change at
 * run time ({@link #token(String)}); it is compared in constant time.
 */
public final class AdminServer {
  private static final Logger LOG = Logger.getLogger("sipgw.admin");
  /** The Prometheus text exposition format. */
  public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /** The classpath folder of the web console. */
  public static final String CONSOLE_ROOT = "admin-console";
  /** How long a readiness check may take before it counts as failed. */
  static final long READY_TIMEOUT_MILLIS = 1000;
  private static final long MAX_BODY = 1024 * 1024;

  private final Vertx vertx;
  private final AdminConfig config;
  private final JsonRpc rpc;
  private final Supplier<Future<Void>> readiness;
  private final Supplier<String> metrics;
  private volatile String token;
  private HttpServer server;

  /**
   * @param readiness checks whether the node is ready: succeeds, or fails with the reason
   * @param metrics the Prometheus text of the node's metrics
   */
  public AdminServer(Vertx vertx, AdminConfig config, RpcMethods methods, Supplier<Future<Void>> readiness, Supplier<String> metrics) {
    this.vertx = vertx;
    this.config = config;
    this.rpc = new JsonRpc(methods);
    this.readiness = readiness;
    this.metrics = metrics;
  }

  /** Binds the listener, protected by {@code token}. */
  public Future<AdminServer> start(String token) {
    this.token = token;
    HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port());
    AdminConfig.Tls tls = config.tls();
    if (tls != null) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certificate()).setKeyPath(tls.key()));
      if (tls.clientCa() != null) {
        options.setTrustOptions(new PemTrustOptions().addCertPath(tls.clientCa())).setClientAuth(ClientAuth.REQUIRED);
      }
    }
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "up")));
    router.get("/ready").handler(this::ready);
    router.post("/rpc").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(this::authorized).handler(this::rpc);
    router.get("/metrics").handler(this::authorized).handler(this::metrics);
    // exactly /console (a route for "/console" would match "/console/" too, and redirect it to itself)
    router.routeWithRegex(io.vertx.core.http.HttpMethod.GET, "/console").handler(ctx -> ctx.redirect("/console/"));
    router.get("/console/*").handler(StaticHandler.create(CONSOLE_ROOT));
    server = vertx.createHttpServer(options).requestHandler(router);
    return server.listen().map(s -> {
      LOG.info("admin: listening on " + (tls != null ? "https" : "http") + "://" + config.host() + ":" + s.actualPort()
          + (tls != null && tls.clientCa() != null ? " (client certificates required)" : ""));
      return this;
    }).recover(e -> Future.failedFuture("cannot listen on admin " + config.host() + ":" + config.port() + ": " + e.getMessage()));
  }

  /** The port bound (the one chosen when admin.port is 0). */
  public int port() { return server.actualPort(); }

  /** Puts a new token in force (a reload). */
  public void token(String next) {
    if (!AdminToken.matches(token, next)) LOG.info("admin: a new bearer token is in force");
    this.token = next;
  }

  public Future<Void> close() { return server == null ? Future.succeededFuture() : server.close(); }

  private void authorized(RoutingContext ctx) {
    String h = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String given = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
    if (AdminToken.matches(token, given)) {
      ctx.next();
      return;
    }
    LOG.info("admin: " + ctx.request().method() + " " + ctx.request().path() + " from " + ctx.request().remoteAddress()
        + " refused: " + (h == null ? "no bearer token" : "wrong bearer token"));
    ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"sipgw\"")
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("error", h == null ? "a bearer token is required" : "wrong bearer token").encode());
  }

  private void rpc(RoutingContext ctx) {
    rpc.handle(ctx.body().buffer() == null ? io.vertx.core.buffer.Buffer.buffer() : ctx.body().buffer()).onComplete(ar -> {
      if (ar.failed()) {
        json(ctx, 500, JsonRpc.error(null, RpcException.INTERNAL_ERROR, String.valueOf(ar.cause().getMessage())));
      } else if (ar.result() == null) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(io.vertx.core.json.Json.encode(ar.result()));
      }
    });
  }

  /** The scrape runs off the event loop: the admin listener shares its loop with SIP traffic, and a large registry takes a while. */
  private void metrics(RoutingContext ctx) {
    vertx.executeBlocking(metrics::get, false).onComplete(ar -> {
      if (ar.succeeded()) ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, METRICS_CONTENT_TYPE).end(ar.result());
      else ctx.response().setStatusCode(500).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end("metrics failed: " + ar.cause().getMessage());
    });
  }

  private void ready(RoutingContext ctx) {
    Future<Void> check;
    try {
      check = readiness.get();
    } catch (RuntimeException e) {
      check = Future.failedFuture(e);
    }
    check.timeout(READY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).onComplete(ar -> {
      if (ar.succeeded()) json(ctx, 200, new JsonObject().put("status", "ready"));
      else json(ctx, 503, new JsonObject().put("status", "not ready").put("reason", reason(ar.cause())));
    });
  }

  private static String reason(Throwable e) {
    if (e instanceof java.util.concurrent.TimeoutException) return "no answer within " + READY_TIMEOUT_MILLIS + " ms";
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
  }
}
