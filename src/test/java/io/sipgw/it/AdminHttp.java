package io.sipgw.it;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A plain HTTP client of a gateway's admin listener (JDK HttpClient, blocking, bounded), for the tests. */
final class AdminHttp {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final String base;
  private final String token;

  AdminHttp(int port, String token) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
  }

  /** GET {@code path} with the token when {@code withToken}. */
  HttpResponse<String> get(String path, boolean withToken) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET();
    if (withToken) b.header("Authorization", "Bearer " + token);
    return send(b.build());
  }

  /** POST {@code body} to /rpc with {@code authorization} as the Authorization header (null: none). */
  HttpResponse<String> post(String body, String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/rpc")).timeout(TIMEOUT)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) b.header("Authorization", authorization);
    return send(b.build());
  }

  /** The whole JSON-RPC response object of calling {@code method} with positional {@code params}. */
  JsonObject call(String method, Object... params) {
    JsonObject req = new JsonObject().put("jsonrpc", "2.0").put("method", method).put("params", new JsonArray(java.util.List.of(params))).put("id", 7);
    HttpResponse<String> r = post(req.encode(), "Bearer " + token);
    if (r.statusCode() != 200) throw new AssertionError(method + ": HTTP " + r.statusCode() + " " + r.body());
    JsonObject o = new JsonObject(r.body());
    if (!Integer.valueOf(7).equals(o.getValue("id"))) throw new AssertionError(method + ": id not echoed: " + o);
    return o;
  }

  /** The result of {@code method}; fails the test on an error object. */
  Object result(String method, Object... params) {
    JsonObject o = call(method, params);
    if (o.containsKey("error")) throw new AssertionError(method + " failed: " + o.encode());
    return o.getValue("result");
  }

  /** The error code of {@code method}; fails the test when it succeeds. */
  int errorCode(String method, Object... params) {
    JsonObject o = call(method, params);
    if (!o.containsKey("error")) throw new AssertionError(method + " succeeded: " + o.encode());
    return o.getJsonObject("error").getInteger("code");
  }

  static Object parse(String body) { return Json.decodeValue(body); }

  private HttpResponse<String> send(HttpRequest r) {
    try {
      return client.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(r.method() + " " + r.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
