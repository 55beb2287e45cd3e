package io.sipgw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.sip.Transport;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The MSRP relay's config: {@code listen} entries with transport msrp or msrps, and the {@code msrp} object. */
class MsrpConfigTest {
  private static final String CERT = "\"tls\": {\"certificate\": \"/c.pem\", \"key\": \"/k.pem\"}";

  private static SipgwConfig parse(String json) { return SipgwConfig.fromJson(new JsonObject(json)); }

  @Test
  void anMsrpListenerDefaultsToPort2855OverTcp() {
    SipgwConfig c = parse("{\"listen\": [{\"transport\": \"udp\"}, {\"transport\": \"msrp\"}]}");
    ListenConfig l = c.msrpListen().get(0);
    assertEquals(new ListenConfig(Transport.TCP, "0.0.0.0", 2855, null, 2855, true), l);
    assertEquals("msrp:0.0.0.0:2855", l.name());
    assertFalse(c.hasTlsListener());
  }

  @Test
  void anMsrpsListenerIsTlsAndNeedsTheCertificate() {
    SipgwConfig c = parse("{\"listen\": [{\"transport\": \"MSRPS\", \"host\": \"::1\", \"port\": 2856}], " + CERT + "}");
    ListenConfig l = c.msrpListen().get(0);
    assertEquals(new ListenConfig(Transport.TLS, "::1", 2856, null, 2856, true), l);
    assertEquals("msrps:[::1]:2856", l.name());
    assertTrue(c.hasTlsListener());
    ConfigException e = assertThrows(ConfigException.class, () -> parse("{\"listen\": [{\"transport\": \"udp\"}, {\"transport\": \"msrps\"}]}"));
    assertEquals("tls.certificate", e.key());
    assertEquals("config key 'tls.certificate': is required (with tls.key) by the msrps listener listen[1]", e.getMessage());
  }

  @Test
  void anMsrpListenerAdvertisesAnotherAddress() {
    SipgwConfig c = parse("""
        {"listen": [{"transport": "msrp", "host": "10.0.0.5", "advertise": "relay.example.com"},
                    {"transport": "msrp", "host": "10.0.0.5", "port": 2860, "advertise": "[2001:db8::9]:443"}]}""");
    assertEquals(new ListenConfig(Transport.TCP, "10.0.0.5", 2855, "relay.example.com", 2855, true), c.msrpListen().get(0));
    assertEquals(new ListenConfig(Transport.TCP, "10.0.0.5", 2860, "2001:db8::9", 443, true), c.msrpListen().get(1));
  }

  @Test
  void listenHasTheSipListenersAndMsrpListenTheRelays() {
    SipgwConfig c = parse("""
        {"listen": [{"transport": "msrp"}, {"transport": "tcp"}, {"transport": "msrps", "port": 2856}, {"transport": "ws", "port": 8080}],
         %s}""".formatted(CERT));
    assertEquals(List.of("tcp:0.0.0.0:5060", "ws:0.0.0.0:8080"), c.listen().stream().map(ListenConfig::name).toList());
    assertEquals(List.of("msrp:0.0.0.0:2855", "msrps:0.0.0.0:2856"), c.msrpListen().stream().map(ListenConfig::name).toList());
    assertTrue(c.listen().stream().noneMatch(ListenConfig::msrp));
    assertEquals(List.of(), SipgwConfig.defaults().msrpListen());
  }

  @Test
  void theEffectiveJsonReadsBackTheSame() {
    SipgwConfig c = parse("""
        {"listen": [{"transport": "msrp", "advertise": "relay.example.com:2900"}, {"transport": "msrps", "port": 2856}],
         "msrp": {"realm": "example.com", "expires": 600, "maxSessionsPerUser": 5, "idleTimeout": 30}, %s}""".formatted(CERT));
    JsonObject j = c.json();
    assertEquals(new JsonObject("{\"transport\": \"msrp\", \"host\": \"0.0.0.0\", \"port\": 2855, \"advertise\": \"relay.example.com:2900\"}"),
        j.getJsonArray("listen").getJsonObject(0));
    assertEquals("msrps", j.getJsonArray("listen").getJsonObject(1).getString("transport"));
    assertEquals(new JsonObject("{\"realm\": \"example.com\", \"expires\": 600, \"maxSessionsPerUser\": 5, \"idleTimeout\": 30, \"peers\": []}"),
        j.getJsonObject("msrp"));
    SipgwConfig back = SipgwConfig.fromJson(j);
    assertEquals(c, back);
    assertEquals(c.msrpListen(), back.msrpListen());
    assertEquals(c.msrp(), back.msrp());
  }

  @Test
  void msrpDefaultsAndTheRealmFromTheFirstDomain() {
    assertEquals(new MsrpConfig("localhost", 1800, 100, 300, List.of()), parse("{}").msrp());
    assertEquals(new MsrpConfig("a.example", 1800, 100, 300, List.of()), parse("{\"domains\": [{\"name\": \"A.example\"}, {\"name\": \"b.example\"}]}").msrp());
    assertEquals(new MsrpConfig("localhost", 1800, 100, 300, List.of()), parse("{\"domains\": []}").msrp());
    assertEquals(new MsrpConfig("chat.example", 60, 1, 5, List.of()),
        parse("{\"msrp\": {\"realm\": \" chat.example \", \"expires\": 60, \"maxSessionsPerUser\": 1, \"idleTimeout\": 5}}").msrp());
    assertEquals(new MsrpConfig("localhost", 86400, 100000, 86400, List.of()),
        parse("{\"msrp\": {\"expires\": 86400, \"maxSessionsPerUser\": 100000, \"idleTimeout\": 86400}}").msrp());
    assertNull(MsrpConfig.defaults().realm());
  }

  /** Each rule: the JSON, the key the error must name, and a fragment of its message. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"msrp\": []}                                   | msrp                    | must be an object",
      "{\"msrp\": {\"expire\": 60}}                     | msrp.expire             | unknown key (known here: realm, expires, maxSessionsPerUser, idleTimeout, peers)",
      "{\"msrp\": {\"expires\": 59}}                    | msrp.expires            | between 60 and 86400, got 59",
      "{\"msrp\": {\"expires\": 86401}}                 | msrp.expires            | between 60 and 86400, got 86401",
      "{\"msrp\": {\"expires\": \"600\"}}               | msrp.expires            | must be an integer",
      "{\"msrp\": {\"expires\": 600.5}}                 | msrp.expires            | must be an integer",
      "{\"msrp\": {\"maxSessionsPerUser\": 0}}          | msrp.maxSessionsPerUser | between 1 and 100000, got 0",
      "{\"msrp\": {\"maxSessionsPerUser\": 100001}}     | msrp.maxSessionsPerUser | between 1 and 100000",
      "{\"msrp\": {\"idleTimeout\": 4}}                 | msrp.idleTimeout        | between 5 and 86400, got 4",
      "{\"msrp\": {\"idleTimeout\": -1}}                | msrp.idleTimeout        | between 5 and 86400",
      "{\"msrp\": {\"realm\": \"\"}}                    | msrp.realm              | must not be empty",
      "{\"msrp\": {\"realm\": 5}}                       | msrp.realm              | must be a string",
      "{\"listen\": [{\"transport\": \"msrpx\"}]}       | listen[0].transport     | unknown transport \"msrpx\" (supported: udp, tcp, tls, ws, wss, msrp, msrps)",
      "{\"listen\": [{\"transport\": \"msrp\", \"port\": 65536}]} | listen[0].port | between 0 and 65535",
      "{\"listen\": [{\"transport\": \"msrp\", \"session\": 1}]}   | listen[0].session | unknown key",
      "{\"listen\": [{\"transport\": \"msrp\", \"advertise\": \"1.2.3.4:0\"}]} | listen[0].advertise | port must be between 1 and 65535",
      "{\"listen\": [{\"transport\": \"msrp\"}, {\"transport\": \"MSRP\", \"port\": 2855}]} | listen[1] | duplicate of listen[0] (msrp:0.0.0.0:2855)",
  })
  void validationNamesTheKey(String json, String key, String fragment) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(json));
    assertEquals(key, e.key(), e.getMessage());
    assertTrue(e.getMessage().startsWith("config key '" + key + "': "), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void anMsrpListenerChangeNeedsARestartAndMsrpSettingsDoNot() {
    SipgwConfig a = parse("{\"listen\": [{\"transport\": \"udp\"}, {\"transport\": \"msrp\"}]}");
    assertEquals(List.of("listen"), a.restartNeededChanges(parse("{\"listen\": [{\"transport\": \"udp\"}, {\"transport\": \"msrp\", \"port\": 2856}]}")));
    assertEquals(List.of("listen"), a.restartNeededChanges(parse("{\"listen\": [{\"transport\": \"udp\"}]}")));
    SipgwConfig b = parse("{\"listen\": [{\"transport\": \"udp\"}, {\"transport\": \"msrp\"}], \"msrp\": {\"expires\": 600, \"idleTimeout\": 60}}");
    assertEquals(List.of(), a.restartNeededChanges(b));
    assertFalse(a.equals(b));
  }

  @Test
  void environmentAndPropertiesOverrideMsrpKeys() {
    JsonObject file = new JsonObject("{\"listen\": [{\"transport\": \"udp\"}, {\"transport\": \"tcp\"}], \"msrp\": {\"expires\": 900}}");
    SipgwConfig c = SipgwConfig.fromJson(ConfigOverrides.apply(file,
        Map.of("SIPGW_MSRP_EXPIRES", "600", "SIPGW_MSRP_REALM", "env.example", "SIPGW_MSRP_MAXSESSIONSPERUSER", "7",
            "SIPGW_LISTEN_1_TRANSPORT", "msrp", "SIPGW_LISTEN_1_PORT", "2999"),
        Map.of("sipgw.msrp.idleTimeout", "45", "sipgw.msrp.realm", "prop.example")));
    assertEquals(new MsrpConfig("prop.example", 600, 7, 45, List.of()), c.msrp(), "a property wins over the environment");
    assertEquals(List.of("udp:0.0.0.0:5060"), c.listen().stream().map(ListenConfig::name).toList());
    assertEquals(List.of("msrp:0.0.0.0:2999"), c.msrpListen().stream().map(ListenConfig::name).toList());
    SipgwConfig whole = SipgwConfig.fromJson(ConfigOverrides.apply(new JsonObject(), Map.of("SIPGW_MSRP", "{\"expires\": 120}"), Map.of()));
    assertEquals(new MsrpConfig("localhost", 120, 100, 300, List.of()), whole.msrp());
  }

  @Test
  void aBadMsrpOverrideNamesItsKey() {
    JsonObject file = new JsonObject();
    ConfigException unknown = assertThrows(ConfigException.class, () -> ConfigOverrides.apply(file, Map.of("SIPGW_MSRP_EXPIRE", "60"), Map.of()));
    assertEquals("SIPGW_MSRP_EXPIRE", unknown.key());
    assertTrue(unknown.getMessage().contains("msrp has realm, expires, maxSessionsPerUser, idleTimeout"), unknown.getMessage());
    ConfigException notANumber = assertThrows(ConfigException.class, () -> ConfigOverrides.apply(file, Map.of("SIPGW_MSRP_EXPIRES", "soon"), Map.of()));
    assertEquals("msrp.expires", notANumber.key());
    assertTrue(notANumber.getMessage().contains("from SIPGW_MSRP_EXPIRES: expected an integer"), notANumber.getMessage());
    ConfigException outOfRange = assertThrows(ConfigException.class,
        () -> SipgwConfig.fromJson(ConfigOverrides.apply(file, Map.of(), Map.of("sipgw.msrp.idleTimeout", "1"))));
    assertEquals("msrp.idleTimeout", outOfRange.key());
  }

  @Test
  void theOverrideShapeKnowsEveryMsrpKey() {
    assertEquals(MsrpConfig.defaults().toJson().put("realm", "").fieldNames(),
        ConfigOverrides.SHAPE.getJsonObject("msrp").fieldNames());
  }
}
