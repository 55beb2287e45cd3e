package io.sipgw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code admin} keys: defaults, validation naming the key, which changes need a restart. */
class AdminConfigTest {
  private static SipgwConfig with(JsonObject admin) { return SipgwConfig.fromJson(new JsonObject().put("admin", admin)); }

  private static String error(JsonObject admin) {
    return assertThrows(ConfigException.class, () -> with(admin)).getMessage();
  }

  @Test
  void defaultsToLoopback8090WithAGeneratedToken() {
    AdminConfig a = SipgwConfig.fromJson(new JsonObject()).admin();
    assertTrue(a.enabled());
    assertEquals("127.0.0.1", a.host());
    assertEquals(8090, a.port());
    assertNull(a.token());
    assertEquals("sipgw-admin.token", a.tokenFile());
    assertNull(a.tls());
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    assertTrue(error(new JsonObject().put("port", 70000)).contains("admin.port"));
    assertTrue(error(new JsonObject().put("token", "short")).contains("admin.token"));
    assertTrue(error(new JsonObject().put("token", "with a space 0123456789")).contains("admin.token"));
    assertTrue(error(new JsonObject().put("enabled", "yes")).contains("admin.enabled"));
    assertTrue(error(new JsonObject().put("tls", new JsonObject().put("certificate", "c.pem"))).contains("admin.tls.key"));
    assertTrue(error(new JsonObject().put("tls", new JsonObject().put("clientCa", "ca.pem"))).contains("admin.tls.certificate"));
    assertTrue(error(new JsonObject().put("tls", new JsonObject().put("verify", true))).contains("admin.tls.verify"));
    assertTrue(error(new JsonObject().put("listen", "x")).contains("admin.listen"));
  }

  @Test
  void theListenerNeedsARestartTheTokenDoesNot() {
    SipgwConfig before = with(new JsonObject().put("token", "first-token-0123456789"));
    assertEquals(List.of(), before.restartNeededChanges(with(new JsonObject().put("token", "second-token-0123456789"))));
    assertEquals(List.of("admin.port"), before.restartNeededChanges(with(new JsonObject().put("token", "first-token-0123456789").put("port", 9000))));
    assertEquals(List.of("admin.enabled", "admin.host"), before.restartNeededChanges(with(new JsonObject().put("token", "first-token-0123456789")
        .put("enabled", false).put("host", "::1"))));
    assertFalse(before.admin().toString().contains("first-token"), "the token is not in toString");
  }

  @Test
  void environmentOverridesReachTheAdminKeys() {
    JsonObject merged = ConfigOverrides.apply(new JsonObject(), java.util.Map.of("SIPGW_ADMIN_PORT", "9191", "SIPGW_ADMIN_TLS_CLIENTCA", "ca.pem"),
        java.util.Map.of());
    assertEquals(9191, merged.getJsonObject("admin").getInteger("port"));
    assertEquals("ca.pem", merged.getJsonObject("admin").getJsonObject("tls").getString("clientCa"));
  }
}
