package io.sipgw.rules.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.ConfigException;
import io.sipgw.rules.FakeExchange;
import io.sipgw.rules.RuleSet;
import io.sipgw.sip.Transport;
import io.vertx.core.json.JsonArray;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rules that use the example extension's names compile and run; bad arguments are refused with the key. */
class TenantRuleExtensionTest {
  private static final String RULES = """
      [{"name": "weekend", "when": {"weekendFree": true, "tenant": ["acme\\\\.com"]}, "actions": [{"reply": {"code": 480, "reason": "Closed"}}]},
       {"name": "tenants", "when": {"tenant": ["acme\\\\.com", "globex\\\\..*"]}, "actions": [{"tenantHeader": {}}, {"forward": {}}]},
       {"name": "rest", "actions": [{"reply": 403}]}]""";
  // 2026-12-05 is a Saturday, 2026-12-07 a Monday
  private static final Clock SATURDAY = Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"), ZoneOffset.UTC);
  private static final Clock MONDAY = Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);

  @AfterEach
  void realClock() { TenantRuleExtension.clock = Clock.systemUTC(); }

  static FakeExchange from(String domain) {
    return new FakeExchange(FakeExchange.request("INVITE", "sip:bob@example.net").replace("alice@example.com", "alice@" + domain),
        Transport.UDP, "127.0.0.1");
  }

  static List<String> route(String domain) {
    FakeExchange x = from(domain);
    assertFalse(RuleSet.compile("routes", new JsonArray(RULES)).run(x).result());
    return x.ops;
  }

  @Test
  void customActionAndConditionsRouteByTenant() {
    TenantRuleExtension.clock = MONDAY;
    assertEquals(List.of("setHeader X-Tenant: acme.com", "forward sip:bob@example.net"), route("ACME.com"));
    assertEquals(List.of("setHeader X-Tenant: globex.de", "forward sip:bob@example.net"), route("globex.de"));
    assertEquals(List.of("reply 403 null"), route("initech.com"));
    TenantRuleExtension.clock = SATURDAY;
    assertEquals(List.of("reply 480 Closed"), route("acme.com"));
    assertEquals(List.of("setHeader X-Tenant: globex.de", "forward sip:bob@example.net"), route("globex.de"));
  }

  @Test
  void theActionLeavesTheTenantForLaterSteps() {
    FakeExchange x = from("acme.com");
    RuleSet.compile("routes", new JsonArray("[{\"name\": \"t\", \"actions\": [{\"tenantHeader\": {\"header\": \"X-Customer\"}}]}]")).run(x);
    assertEquals("acme.com", x.attributes().get(TenantRuleExtension.TENANT));
    assertEquals(List.of("setHeader X-Customer: acme.com"), x.ops);
  }

  @Test
  void weekendFreeInAZone() {
    // Saturday 23:30 UTC is Sunday in Berlin, Friday 23:30 UTC is Saturday there
    TenantRuleExtension.clock = Clock.fixed(Instant.parse("2026-12-04T23:30:00Z"), ZoneOffset.UTC);
    RuleSet r = RuleSet.compile("routes", new JsonArray(
        "[{\"name\": \"w\", \"when\": {\"weekendFree\": {\"zone\": \"Europe/Berlin\"}}, \"actions\": [{\"reply\": 480}]}]"));
    FakeExchange x = from("acme.com");
    assertFalse(r.run(x).result(), "Saturday in Berlin");
    TenantRuleExtension.clock = Clock.fixed(Instant.parse("2026-12-06T23:30:00Z"), ZoneOffset.UTC);
    assertTrue(r.run(from("acme.com")).result(), "Monday in Berlin: the block does not hold");
  }

  @Test
  void badArgumentsAreRefusedWithTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> RuleSet.compile("routes", new JsonArray(
        "[{\"name\": \"t\", \"actions\": [{\"forward\": {}}]}, {\"name\": \"u\", \"actions\": [{\"tenantHeader\": {\"header\": \"X Bad\"}}]}]")));
    assertEquals("routes[1].actions[0].tenantHeader", e.key());
    assertTrue(e.getMessage().contains("header must be a header name"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> RuleSet.compile("routes", new JsonArray(
        "[{\"name\": \"t\", \"when\": {\"weekendFree\": {\"zone\": \"Mars/Olympus\"}}, \"actions\": [{\"drop\": {}}]}]")));
    assertEquals("routes[0].when.weekendFree", e.key());
    assertTrue(e.getMessage().contains("unknown zone"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> RuleSet.compile("routes", new JsonArray(
        "[{\"name\": \"t\", \"when\": {\"tenant\": []}, \"actions\": [{\"drop\": {}}]}]")));
    assertEquals("routes[0].when.tenant", e.key());
  }

  @Test
  void anUnknownNameListsTheExtensionsNames() {
    ConfigException e = assertThrows(ConfigException.class, () -> RuleSet.compile("routes", new JsonArray(
        "[{\"name\": \"t\", \"actions\": [{\"tenantHeaders\": {}}]}]")));
    String actions = e.getMessage().substring(e.getMessage().indexOf("from extensions: "));
    assertTrue(List.of(actions.substring(17).split(", ")).contains("tenantHeader"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> RuleSet.compile("routes", new JsonArray(
        "[{\"name\": \"t\", \"when\": {\"tenants\": \"a\"}, \"actions\": [{\"drop\": {}}]}]")));
    String conditions = e.getMessage().substring(e.getMessage().indexOf("from extensions: "));
    assertTrue(List.of(conditions.substring(17).split(", ")).containsAll(List.of("tenant", "weekendFree")), e.getMessage());
  }
}
