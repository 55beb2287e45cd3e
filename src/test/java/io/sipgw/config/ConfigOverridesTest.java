package io.sipgw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigOverridesTest {
  private static final JsonObject FILE = new JsonObject("""
      {"listen": [{"transport": "udp", "port": 5060}, {"transport": "tcp", "port": 5060}],
       "registrar": {"maxExpires": 7200}}""");

  private static SipgwConfig withEnv(Map<String, String> env) {
    return SipgwConfig.fromJson(ConfigOverrides.apply(FILE, env, Map.of()));
  }

  private static SipgwConfig withProperties(Map<String, String> props) {
    return SipgwConfig.fromJson(ConfigOverrides.apply(FILE, Map.of(), props));
  }

  @Test
  void nothingPrefixedLeavesTheConfigAlone() {
    assertSame(FILE, ConfigOverrides.apply(FILE, Map.of("PATH", "/bin", "workers", "3"), Map.of("java.version", "17", "SIPGW_X", "1")));
  }

  @Test
  void environmentVariablesMapUpperCaseWithUnderscores() {
    SipgwConfig c = withEnv(Map.of("SIPGW_REGISTRAR_MAXEXPIRES", "120", "SIPGW_WORKERS", "3",
        "SIPGW_PROXY_RECORDROUTE", "FALSE", "SIPGW_LISTEN_1_PORT", "5070", "SIPGW_STORE_TYPE", "redis",
        "SIPGW_STORE_REDIS", "redis://db:6379"));
    assertEquals(120, c.registrar().maxExpires());
    assertEquals(60, c.registrar().minExpires());
    assertEquals(3, c.workers());
    assertEquals(false, c.proxy().recordRoute());
    assertEquals(List.of("udp:0.0.0.0:5060", "tcp:0.0.0.0:5070"), c.listen().stream().map(ListenConfig::name).toList());
    assertEquals(new StoreConfig("redis", "redis://db:6379"), c.store());
  }

  @Test
  void systemPropertiesMapDottedKeyPaths() {
    SipgwConfig c = withProperties(Map.of("sipgw.registrar.maxExpires", "120", "sipgw.transport.maxMessageSize", "4096",
        "sipgw.listen.0.advertise", "[2001:db8::1]:5080", "sipgw.reload.scanPeriod", "0"));
    assertEquals(120, c.registrar().maxExpires());
    assertEquals(4096, c.transport().maxMessageSize());
    assertEquals("2001:db8::1", c.listen().get(0).advertiseHost());
    assertEquals(5080, c.listen().get(0).advertisePort());
    assertEquals(0, c.reload().scanPeriod());
  }

  @Test
  void objectAndArrayKeysTakeJson() {
    SipgwConfig c = withEnv(Map.of("SIPGW_DOMAINS", "[{\"name\": \"a.example\", \"mode\": \"redirect\"}]",
        "SIPGW_REGISTRAR", "{\"minExpires\": 30}"));
    assertEquals(List.of(new DomainConfig("a.example", List.of(), DomainMode.REDIRECT)), c.domains());
    assertEquals(new RegistrarConfig(30, 3600, 3600, 10), c.registrar()); // the object replaces the file's
  }

  @Test
  void systemPropertiesWinOverEnvironment() {
    SipgwConfig c = SipgwConfig.fromJson(ConfigOverrides.apply(FILE, Map.of("SIPGW_WORKERS", "3"), Map.of("sipgw.workers", "5")));
    assertEquals(5, c.workers());
  }

  @Test
  void keysAreAppliedOnTopOfDefaultsTheFileOmits() {
    SipgwConfig c = SipgwConfig.fromJson(ConfigOverrides.apply(new JsonObject(), Map.of("SIPGW_LISTEN_0_HOST", "127.0.0.1"), Map.of()));
    assertEquals("udp:127.0.0.1:5060", c.listen().get(0).name());
    assertEquals("tcp:0.0.0.0:5060", c.listen().get(1).name());
  }

  @Test
  void anUnknownKeyIsAnErrorNamingTheVariable() {
    ConfigException e = assertThrows(ConfigException.class, () -> withEnv(Map.of("SIPGW_REGISTRAR_MAXEXPIRE", "1")));
    assertEquals("SIPGW_REGISTRAR_MAXEXPIRE", e.key());
    assertTrue(e.getMessage().contains("registrar has minExpires, maxExpires"), e.getMessage());
    assertEquals("sipgw.nope", assertThrows(ConfigException.class, () -> withProperties(Map.of("sipgw.nope", "1"))).key());
    assertEquals("sipgw.workers.x", assertThrows(ConfigException.class, () -> withProperties(Map.of("sipgw.workers.x", "1"))).key());
    assertEquals("SIPGW_LISTEN_2_PORT", assertThrows(ConfigException.class, () -> withEnv(Map.of("SIPGW_LISTEN_2_PORT", "1"))).key());
    ConfigException aliases = assertThrows(ConfigException.class, () -> SipgwConfig.fromJson(ConfigOverrides.apply(
        new JsonObject("{\"domains\": [{\"name\": \"a\"}]}"), Map.of("SIPGW_DOMAINS_0_ALIASES_0", "b"), Map.of())));
    assertEquals("config key 'SIPGW_DOMAINS_0_ALIASES_0': names no config key (domains[0].aliases has no entries, not \"0\")", aliases.getMessage());
    assertEquals("SIPGW_LISTEN_X_PORT", assertThrows(ConfigException.class, () -> withEnv(Map.of("SIPGW_LISTEN_X_PORT", "1"))).key());
  }

  @Test
  void aValueOfTheWrongTypeNamesTheConfigKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> withEnv(Map.of("SIPGW_REGISTRAR_MAXEXPIRES", "two")));
    assertEquals("registrar.maxExpires", e.key());
    assertTrue(e.getMessage().contains("SIPGW_REGISTRAR_MAXEXPIRES"), e.getMessage());
    assertEquals("proxy.recordRoute", assertThrows(ConfigException.class, () -> withProperties(Map.of("sipgw.proxy.recordRoute", "yes"))).key());
    assertEquals("domains", assertThrows(ConfigException.class, () -> withEnv(Map.of("SIPGW_DOMAINS", "{\"name\": \"x\"}"))).key());
    assertEquals("listen[0].port", assertThrows(ConfigException.class, () -> withEnv(Map.of("SIPGW_LISTEN_0_PORT", "99999"))).key());
  }

  @Test
  void theShapeKnowsEveryKeyOfTheDefaults() {
    JsonObject defaults = SipgwConfig.defaults().json();
    assertEquals(ConfigOverrides.SHAPE.fieldNames(), defaults.fieldNames());
    for (String k : defaults.fieldNames()) {
      if (defaults.getValue(k) instanceof JsonObject o) {
        assertTrue(ConfigOverrides.SHAPE.getJsonObject(k).fieldNames().containsAll(o.fieldNames()), k);
      }
    }
    assertTrue(ConfigOverrides.SHAPE.getJsonArray("domains").getJsonObject(0).fieldNames()
        .containsAll(defaults.getJsonArray("domains").getJsonObject(0).fieldNames()));
  }
}
