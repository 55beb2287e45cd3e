package io.sipgw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code capture} and {@code log.format}: defaults, checks that name the key, overrides, run-time change. */
class CaptureConfigTest {
  private static ConfigException fails(String json) {
    return assertThrows(ConfigException.class, () -> SipgwConfig.fromJson(new JsonObject(json)));
  }

  @Test
  void defaultsAreOffTo127001Port9060AsAgent2001WithoutPassword() {
    CaptureConfig c = SipgwConfig.fromJson(new JsonObject()).capture();
    assertFalse(c.enabled());
    assertEquals("127.0.0.1", c.host());
    assertEquals(9060, c.port());
    assertEquals(2001, c.agentId());
    assertNull(c.password());
  }

  @Test
  void valuesAreReadAndBadOnesRefusedNamingTheKey() {
    CaptureConfig c = SipgwConfig.fromJson(new JsonObject(
        "{\"capture\": {\"hep\": \"[::1]:9061\", \"enabled\": true, \"agentId\": 4294967295, \"password\": \"hep-pass\"}}")).capture();
    assertEquals("::1", c.host());
    assertEquals(9061, c.port());
    assertTrue(c.enabled());
    assertEquals(4294967295L, c.agentId());
    assertEquals("hep-pass", c.password());
    assertEquals(9060, SipgwConfig.fromJson(new JsonObject("{\"capture\": {\"hep\": \"homer.example.com\"}}")).capture().port());

    assertEquals("capture.hep", fails("{\"capture\": {\"hep\": \"127.0.0.1:99999\"}}").key());
    assertEquals("capture.hep", fails("{\"capture\": {\"hep\": 9060}}").key());
    assertEquals("capture.enabled", fails("{\"capture\": {\"enabled\": \"yes\"}}").key());
    assertEquals("capture.agentId", fails("{\"capture\": {\"agentId\": -1}}").key());
    assertEquals("capture.agentId", fails("{\"capture\": {\"agentId\": 4294967296}}").key());
    assertEquals("capture.password", fails("{\"capture\": {\"password\": \" \"}}").key());
    assertEquals("capture.nodeId", fails("{\"capture\": {\"nodeId\": 1}}").key());
  }

  @Test
  void captureAndLogFormatChangeAtRunTimeAndTheEnvironmentSetsThem() {
    SipgwConfig off = SipgwConfig.fromJson(new JsonObject());
    SipgwConfig on = SipgwConfig.fromJson(new JsonObject("{\"capture\": {\"enabled\": true}, \"log\": {\"format\": \"json\"}}"));
    assertTrue(off.restartNeededChanges(on).isEmpty());
    assertTrue(on.log().json());
    assertFalse(off.log().json());
    assertEquals("log.format", fails("{\"log\": {\"format\": \"xml\"}}").key());

    JsonObject json = ConfigOverrides.apply(new JsonObject(), Map.of("SIPGW_CAPTURE_ENABLED", "true", "SIPGW_CAPTURE_HEP", "10.0.0.9:9070",
        "SIPGW_LOG_FORMAT", "json"), Map.of("sipgw.capture.agentId", "77"));
    SipgwConfig c = SipgwConfig.fromJson(json);
    assertTrue(c.capture().enabled());
    assertEquals("10.0.0.9:9070", c.capture().hep());
    assertEquals(77, c.capture().agentId());
    assertTrue(c.log().json());
  }
}
