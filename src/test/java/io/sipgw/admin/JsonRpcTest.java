package io.sipgw.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** JSON-RPC 2.0 framing over a registry of real methods: results, each error code, params by position and by name, batches. */
class JsonRpcTest {
  private final RpcMethods methods = new RpcMethods()
      .register("echo", "(text) the text", p -> Future.succeededFuture(p.string(0, "text")))
      .register("add", "(a, b)", p -> Future.succeededFuture(p.integer(0, "a", -1, 0, 100) + p.integer(1, "b", -1, 0, 100)))
      .register("broken", "throws", p -> {
        throw new IllegalStateException("it broke");
      })
      .register("failing", "fails", p -> Future.failedFuture(new RuntimeException("it failed")))
      .register("refusing", "refuses", p -> Future.failedFuture(RpcException.failed("not now")));
  private final JsonRpc rpc = new JsonRpc(methods);

  private Object handle(String body) {
    return rpc.handle(Buffer.buffer(body)).toCompletionStage().toCompletableFuture().join();
  }

  private int code(String body) { return ((JsonObject) handle(body)).getJsonObject("error").getInteger("code"); }

  @Test
  void paramsByPositionOrByName() {
    assertEquals("hi", ((JsonObject) handle("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"hi\"],\"id\":1}")).getString("result"));
    assertEquals("hi", ((JsonObject) handle("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":{\"text\":\"hi\"},\"id\":1}")).getString("result"));
    assertEquals(5L, ((JsonObject) handle("{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":{\"a\":2,\"b\":3},\"id\":\"x\"}")).getLong("result"));
  }

  @Test
  void eachErrorHasItsCode() {
    assertEquals(-32700, code("{"));
    assertEquals(-32600, code("\"text\""));
    assertEquals(-32600, code("{\"jsonrpc\":\"1.0\",\"method\":\"echo\",\"id\":1}"));
    assertEquals(-32600, code("{\"jsonrpc\":\"2.0\",\"method\":7,\"id\":1}"));
    assertEquals(-32600, code("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":\"hi\",\"id\":1}"));
    assertEquals(-32600, code("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":{}}"));
    assertEquals(-32601, code("{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":1}"));
    assertEquals(-32602, code("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":1}"));
    assertEquals(-32602, code("{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,200],\"id\":1}"));
    assertEquals(-32603, code("{\"jsonrpc\":\"2.0\",\"method\":\"broken\",\"id\":1}"));
    JsonObject failed = (JsonObject) handle("{\"jsonrpc\":\"2.0\",\"method\":\"failing\",\"id\":1}");
    assertEquals(-32603, failed.getJsonObject("error").getInteger("code"));
    assertEquals("it failed", failed.getJsonObject("error").getString("message"));
    assertEquals(-32000, code("{\"jsonrpc\":\"2.0\",\"method\":\"refusing\",\"id\":1}"));
  }

  @Test
  void batchesAnswerEachCallButNotifications() {
    JsonArray r = (JsonArray) handle("[{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"a\"],\"id\":1},"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"b\"]},{\"jsonrpc\":\"2.0\",\"method\":\"nope\"},"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"broken\",\"id\":2}]");
    assertEquals(2, r.size(), r.encode());
    assertEquals("a", r.getJsonObject(0).getString("result"));
    assertEquals(-32603, r.getJsonObject(1).getJsonObject("error").getInteger("code"));
    assertNull(handle("[{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"b\"]}]"));
    StringBuilder big = new StringBuilder("[");
    for (int i = 0; i <= JsonRpc.MAX_BATCH; i++) big.append(i == 0 ? "" : ",").append("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"x\"],\"id\":").append(i).append('}');
    assertTrue(((JsonObject) handle(big.append(']').toString())).getJsonObject("error").getString("message").contains("batch"));
  }
}
