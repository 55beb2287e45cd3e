package io.sipgw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code dns} section: system servers by default, each bad key named, a change needs a restart. */
class DnsConfigTest {
  private static SipgwConfig parse(String json) { return SipgwConfig.fromJson(new JsonObject(json)); }

  private static String fails(String json) {
    return assertThrows(ConfigException.class, () -> parse(json)).getMessage();
  }

  @Test
  void defaultsAskTheSystemsServers() {
    assertEquals(new DnsConfig(List.of(), 2000, 30, 10_000, "e164.arpa"), SipgwConfig.defaults().dns());
    assertEquals(DnsConfig.defaults(), parse("{}").dns());
  }

  @Test
  void everyKeyIsRead() {
    DnsConfig d = parse("""
        {"dns": {"servers": ["127.0.0.1:5353", "[::1]:53", "10.0.0.1"], "timeout": 500, "negativeTtl": 5,
                 "maxCacheEntries": 100, "enumSuffix": "E164.example.net."}}""").dns();
    assertEquals(List.of(new DnsConfig.Server("127.0.0.1", 5353), new DnsConfig.Server("::1", 53), new DnsConfig.Server("10.0.0.1", 53)),
        d.servers());
    assertEquals(new InetSocketAddress("::1", 53), d.servers().get(1).socketAddress());
    assertEquals(500, d.timeout());
    assertEquals(5, d.negativeTtl());
    assertEquals(100, d.maxCacheEntries());
    assertEquals("e164.example.net", d.enumSuffix());
    assertEquals(d, SipgwConfig.fromJson(parse("{\"dns\": " + d.toJson().encode() + "}").json()).dns());
  }

  @Test
  void badValuesNameTheirKey() {
    assertTrue(fails("{\"dns\": {\"servers\": [\"dns.example.com:53\"]}}").contains("dns.servers[0]"));
    assertTrue(fails("{\"dns\": {\"servers\": [\"127.0.0.1:0\"]}}").contains("dns.servers[0]"));
    assertTrue(fails("{\"dns\": {\"servers\": [5353]}}").contains("dns.servers[0]"));
    assertTrue(fails("{\"dns\": {\"servers\": [\"127.0.0.1\", \"127.0.0.1:53\"]}}").contains("dns.servers[1]"));
    assertTrue(fails("{\"dns\": {\"servers\": \"127.0.0.1\"}}").contains("dns.servers"));
    assertTrue(fails("{\"dns\": {\"timeout\": 0}}").contains("dns.timeout"));
    assertTrue(fails("{\"dns\": {\"negativeTtl\": -1}}").contains("dns.negativeTtl"));
    assertTrue(fails("{\"dns\": {\"maxCacheEntries\": -1}}").contains("dns.maxCacheEntries"));
    assertTrue(fails("{\"dns\": {\"enumSuffix\": \"e164 arpa\"}}").contains("dns.enumSuffix"));
    assertTrue(fails("{\"dns\": {\"server\": []}}").contains("dns.server"));
    assertTrue(fails("{\"dns\": true}").contains("dns"));
  }

  @Test
  void aChangeNeedsARestart() {
    SipgwConfig before = parse("{}");
    SipgwConfig after = parse("{\"dns\": {\"servers\": [\"127.0.0.1:5353\"]}}");
    assertEquals(List.of("dns"), before.restartNeededChanges(after));
    assertEquals(List.of(), before.restartNeededChanges(parse("{}")));
  }

  @Test
  void overridesReachTheSection() {
    JsonObject j = ConfigOverrides.apply(new JsonObject(), Map.of("SIPGW_DNS_TIMEOUT", "700"), Map.of("sipgw.dns.enumSuffix", "e164.test"));
    DnsConfig d = SipgwConfig.fromJson(j).dns();
    assertEquals(700, d.timeout());
    assertEquals("e164.test", d.enumSuffix());
  }
}
