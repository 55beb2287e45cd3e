package io.sipgw.admin;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * JSON-RPC 2.0 over {@link RpcMethods}: one request or a batch; a notification (no {@code id}) is run
 * and gets no response entry; errors are error objects: -32700 (not JSON), -32600 (not a request),
 * -32601 (no such method), -32602 (bad params), -32603 (internal), -32000 (the method failed).
 */
public final class JsonRpc {
  private static final Logger LOG = Logger.getLogger("sipgw.admin");
  /** The most requests one batch may hold. */
  static final int MAX_BATCH = 100;

  private final RpcMethods methods;

  public JsonRpc(RpcMethods methods) { this.methods = methods; }

  /** The response to {@code body}: a JSON object, an array for a batch, or null when nothing is to be answered (notifications only). */
  public Future<Object> handle(Buffer body) {
    Object parsed;
    try {
      parsed = Json.decodeValue(body);
    } catch (DecodeException | IllegalArgumentException e) {
      return Future.succeededFuture(error(null, RpcException.PARSE_ERROR, "parse error: " + firstLine(e.getMessage())));
    }
    if (parsed instanceof JsonArray batch) {
      if (batch.isEmpty()) return Future.succeededFuture(error(null, RpcException.INVALID_REQUEST, "invalid request: an empty batch"));
      if (batch.size() > MAX_BATCH) {
        return Future.succeededFuture(error(null, RpcException.INVALID_REQUEST, "invalid request: more than " + MAX_BATCH + " calls in one batch"));
      }
      List<Future<JsonObject>> calls = new ArrayList<>(batch.size());
      for (Object one : batch) calls.add(call(one));
      return Future.join(calls).map(x -> {
        JsonArray out = new JsonArray();
        for (Future<JsonObject> f : calls) if (f.result() != null) out.add(f.result());
        return out.isEmpty() ? null : out;
      });
    }
    return call(parsed).map(r -> r);
  }

  /** One request's response, or null for a notification. Never fails. */
  private Future<JsonObject> call(Object request) {
    if (!(request instanceof JsonObject r)) return Future.succeededFuture(error(null, RpcException.INVALID_REQUEST, "invalid request: not an object"));
    Object id = r.getValue("id");
    boolean notification = !r.containsKey("id");
    if (id != null && !(id instanceof String) && !(id instanceof Number)) {
      return Future.succeededFuture(error(null, RpcException.INVALID_REQUEST, "invalid request: id must be a string, a number or null"));
    }
    if (!"2.0".equals(r.getValue("jsonrpc"))) return Future.succeededFuture(error(id, RpcException.INVALID_REQUEST, "invalid request: jsonrpc must be \"2.0\""));
    if (!(r.getValue("method") instanceof String name)) return Future.succeededFuture(error(id, RpcException.INVALID_REQUEST, "invalid request: method must be a string"));
    Object params = r.getValue("params");
    if (params != null && !(params instanceof JsonArray) && !(params instanceof JsonObject)) {
      return Future.succeededFuture(error(id, RpcException.INVALID_REQUEST, "invalid request: params must be an array or an object"));
    }
    RpcMethods.Method m = methods.get(name);
    if (m == null) return Future.succeededFuture(notification ? null : error(id, RpcException.METHOD_NOT_FOUND, "method not found: " + name));
    Future<?> result;
    try {
      result = m.call().apply(new RpcParams(params));
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.transform(ar -> {
      if (ar.succeeded()) {
        LOG.fine(() -> "rpc " + name + " done");
        return Future.succeededFuture(notification ? null : new JsonObject().put("jsonrpc", "2.0").put("result", ar.result()).put("id", id));
      }
      Throwable e = ar.cause();
      if (e instanceof RpcException re) {
        LOG.info("rpc " + name + " refused: " + re.getMessage());
        return Future.succeededFuture(notification ? null : error(id, re.code(), re.getMessage()));
      }
      LOG.log(Level.WARNING, "rpc " + name + " failed: " + e, e instanceof NullPointerException || e instanceof ClassCastException ? e : null);
      return Future.succeededFuture(notification ? null : error(id, RpcException.INTERNAL_ERROR,
          e.getMessage() != null ? e.getMessage() : e.toString()));
    });
  }

  static JsonObject error(Object id, int code, String message) {
    return new JsonObject().put("jsonrpc", "2.0").put("error", new JsonObject().put("code", code).put("message", message)).putNull("id")
        .put("id", id);
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
