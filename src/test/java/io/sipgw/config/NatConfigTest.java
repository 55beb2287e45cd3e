package io.sipgw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.NatConfig.Keepalive;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code nat} section: defaults as Kamailio's shipped configuration, each bad key named, reloadable. */
class NatConfigTest {
  private static SipgwConfig parse(String json) { return SipgwConfig.fromJson(new JsonObject(json)); }

  private static String fails(String json) {
    return assertThrows(ConfigException.class, () -> parse(json)).getMessage();
  }

  @Test
  void defaultsPingWithOptionsEveryThirtySecondsAndDropAfterThreeMisses() {
    assertEquals(new NatConfig(Keepalive.OPTIONS, 30, 3), SipgwConfig.defaults().nat());
    assertEquals(NatConfig.defaults(), parse("{}").nat());
  }

  @Test
  void everyKeyIsRead() {
    assertEquals(new NatConfig(Keepalive.CRLF, 15, 0), parse("{\"nat\": {\"keepalive\": \"crlf\", \"interval\": 15, \"maxMissed\": 0}}").nat());
    assertEquals(Keepalive.NONE, parse("{\"nat\": {\"keepalive\": \"none\"}}").nat().keepalive());
  }

  @Test
  void badValuesNameTheirKey() {
    assertTrue(fails("{\"nat\": {\"keepalive\": \"sipping\"}}").contains("nat.keepalive"));
    assertTrue(fails("{\"nat\": {\"keepalive\": 1}}").contains("nat.keepalive"));
    assertTrue(fails("{\"nat\": {\"interval\": 0}}").contains("nat.interval"));
    assertTrue(fails("{\"nat\": {\"interval\": 3601}}").contains("nat.interval"));
    assertTrue(fails("{\"nat\": {\"maxMissed\": -1}}").contains("nat.maxMissed"));
    assertTrue(fails("{\"nat\": {\"pingInterval\": 10}}").contains("nat.pingInterval"));
    assertTrue(fails("{\"nat\": true}").contains("nat"));
  }

  @Test
  void aChangeReloadsWithoutRestart() {
    SipgwConfig before = parse("{}");
    SipgwConfig after = parse("{\"nat\": {\"keepalive\": \"crlf\", \"interval\": 10}}");
    assertEquals(List.of(), before.restartNeededChanges(after));
    assertEquals(after, SipgwConfig.fromJson(after.json()));
  }

  @Test
  void overridesReachTheSection() {
    JsonObject j = ConfigOverrides.apply(new JsonObject(), Map.of("SIPGW_NAT_KEEPALIVE", "crlf"), Map.of("sipgw.nat.maxMissed", "5"));
    assertEquals(new NatConfig(Keepalive.CRLF, 30, 5), SipgwConfig.fromJson(j).nat());
  }
}
