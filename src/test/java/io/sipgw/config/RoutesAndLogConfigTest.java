package io.sipgw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.rules.DefaultRules;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class RoutesAndLogConfigTest {
  private static ConfigException fails(String json) {
    return assertThrows(ConfigException.class, () -> SipgwConfig.fromJson(new JsonObject(json)));
  }

  @Test
  void withoutRoutesTheBuiltInRulesApplyAndTheShippedConfigShowsExactlyThem() throws Exception {
    assertSame(DefaultRules.rules(), SipgwConfig.fromJson(new JsonObject()).routes());
    JsonArray shipped = new JsonObject(Files.readString(Path.of("conf/sipgw.json"))).getJsonArray("routes");
    assertEquals(new JsonArray(DefaultRules.JSON), shipped, "conf/sipgw.json's routes are the built-in rules");
    assertEquals(DefaultRules.rules(), SipgwConfig.fromJson(new JsonObject().put("routes", shipped)).routes());
  }

  @Test
  void badRulesAreRefusedNamingTheKey() {
    assertEquals("routes", fails("{\"routes\": []}").key());
    assertEquals("routes[0].actions[1].reply.code",
        fails("{\"routes\": [{\"name\": \"a\", \"actions\": [{\"log\": \"x\"}, {\"reply\": {\"code\": 99}}]}]}").key());
    assertEquals("routes[1].actions[0].frobnicate",
        fails("{\"routes\": [{\"name\": \"a\", \"actions\": [{\"drop\": {}}]}, {\"name\": \"b\", \"actions\": [{\"frobnicate\": {}}]}]}").key());
    assertEquals("routes[0].when.ruri.user",
        fails("{\"routes\": [{\"name\": \"a\", \"when\": {\"ruri.user\": \"(\"}, \"actions\": [{\"drop\": {}}]}]}").key());
    assertTrue(fails("{\"routes\": [{\"name\": \"a\", \"actions\": [{\"route\": \"b\"}]}, {\"name\": \"b\", \"actions\": [{\"route\": \"a\"}]}]}")
        .getMessage().contains("a -> b -> a"));
  }

  @Test
  void logLevelsAreReadAndCheckedByName() {
    SipgwConfig c = SipgwConfig.fromJson(new JsonObject("{\"log\": {\"levels\": {\"sipgw.proxy\": \"fine\", \"sipgw\": \"WARNING\"}}}"));
    assertEquals(Level.FINE, c.log().levels().get("sipgw.proxy"));
    assertEquals(Level.WARNING, c.log().levels().get("sipgw"));
    assertEquals("log.levels.sipgw.proxy", fails("{\"log\": {\"levels\": {\"sipgw.proxy\": \"LOUD\"}}}").key());
    assertNotEquals(c, SipgwConfig.fromJson(new JsonObject()), "a level change is a config change (reloaded)");
    assertTrue(c.restartNeededChanges(SipgwConfig.fromJson(new JsonObject())).isEmpty(), "levels change at run time");
  }
}
