package io.sipgw.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class WebSocketConfigTest {
  private static WebSocketConfig read(String json) { return WebSocketConfig.read(new ConfigObject("websocket", new JsonObject(json))); }

  @Test
  void noListAllowsEveryOrigin() {
    WebSocketConfig c = read("{}");
    assertTrue(c.allows("https://anything.example"));
    assertTrue(c.allows(null));
  }

  @Test
  void aListAllowsItsOriginsCaseInsensitivelyAndPhonesWithoutOrigin() {
    WebSocketConfig c = read("{\"allowedOrigins\": [\"https://Phone.example.com/\", \"http://127.0.0.1:8080\"]}");
    assertTrue(c.allows("https://phone.example.com"));
    assertTrue(c.allows("HTTP://127.0.0.1:8080"));
    assertFalse(c.allows("https://phone.example.com:8443"));
    assertFalse(c.allows("https://evil.example"));
    assertTrue(c.allows(null), "a SIP phone sends no Origin");
  }
}
