package io.sipgw.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.ConfigException;
import io.sipgw.sip.Transport;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Every condition key of a {@code when}: what holds and what does not. */
class ConditionsTest {

  static Condition when(String json) { return Conditions.compile("when", new JsonObject(json), Extensions.loaded()); }

  static boolean holds(String json, FakeExchange x) { return when(json).test(x); }

  static FakeExchange invite(String ruri, String... headers) {
    return new FakeExchange(FakeExchange.request("INVITE", ruri, headers), Transport.UDP, "127.0.0.1");
  }

  @Test
  void noConditionAlwaysHolds() {
    assertTrue(Conditions.compile("when", null, Extensions.loaded()).test(invite("sip:a@b")));
    assertTrue(holds("{}", invite("sip:a@b")));
  }

  @Test
  void methodIsOneNameOrAList() {
    FakeExchange x = invite("sip:bob@localhost");
    assertTrue(holds("{\"method\": \"INVITE\"}", x));
    assertFalse(holds("{\"method\": \"BYE\"}", x));
    assertTrue(holds("{\"method\": [\"BYE\", \"INVITE\"]}", x));
    assertFalse(holds("{\"method\": \"INV.*\"}", x), "a method is a name, not a regular expression");
  }

  @Test
  void aRegularExpressionMatchesTheWholeValue() {
    FakeExchange x = invite("sip:0301234@localhost");
    assertTrue(holds("{\"ruri.user\": \"0[0-9]+\"}", x));
    assertFalse(holds("{\"ruri.user\": \"030\"}", x), "a prefix alone is no match: the expression must match the whole user");
    assertFalse(holds("{\"ruri.user\": \"1234\"}", x), "nor a part at the end");
    assertTrue(holds("{\"ruri.user\": \"030.*\"}", x));
    assertTrue(holds("{\"ruri.user\": [\"^\\\\+.*\", \"0.*\"]}", x), "a list: any of them");
    assertFalse(holds("{\"ruri.user\": [\"\\\\+.*\", \"9.*\"]}", x));
  }

  @Test
  void nullMeansThePartIsAbsent() {
    assertTrue(holds("{\"ruri.user\": null}", invite("sip:localhost")));
    assertFalse(holds("{\"ruri.user\": null}", invite("sip:bob@localhost")));
    assertFalse(holds("{\"ruri.user\": \".*\"}", invite("sip:localhost")), "an absent part matches no expression, not even .*");
    assertTrue(holds("{\"ruri.port\": null}", invite("sip:bob@localhost")));
    assertTrue(holds("{\"ruri.param.transport\": null}", invite("sip:bob@localhost")));
    assertTrue(holds("{\"header.X-Tenant\": null}", invite("sip:bob@localhost")));
    assertFalse(holds("{\"header.X-Tenant\": null}", invite("sip:bob@localhost", "X-Tenant: acme")));
    assertFalse(holds("{\"header.Subject\": null}", invite("sip:bob@localhost", "s: compact")), "absent by its compact form too");
  }

  @Test
  void requestUriHostPortAndParameters() {
    FakeExchange x = invite("sip:bob@PBX.Example.com:5080;transport=tcp;user=phone");
    assertTrue(holds("{\"ruri.host\": \"pbx\\\\.example\\\\.com\"}", x), "a host matches without regard to case");
    assertFalse(holds("{\"ruri.host\": \"example\\\\.com\"}", x));
    assertTrue(holds("{\"ruri.port\": 5080}", x), "a port as a number");
    assertTrue(holds("{\"ruri.port\": \"50[0-9]0\"}", x), "or as an expression");
    assertFalse(holds("{\"ruri.port\": 5060}", x));
    assertFalse(holds("{\"ruri.port\": 5060}", invite("sip:bob@localhost")), "no port is not 5060");
    assertTrue(holds("{\"ruri.param.transport\": \"tcp\"}", x));
    assertTrue(holds("{\"ruri.param.user\": \"phone\"}", x));
    assertFalse(holds("{\"ruri.param.user\": \"ip\"}", x));
  }

  @Test
  void aRewriteIsSeenByTheConditionsAfterIt() throws Exception {
    FakeExchange x = invite("sip:0301234@localhost");
    x.requestUri(io.sipgw.sip.SipUri.parse("sip:+49301234@localhost"));
    assertTrue(holds("{\"ruri.user\": \"\\\\+49.*\"}", x), "ruri.* test the Request-URI as rewritten so far");
  }

  @Test
  void fromAndToUserAndHost() {
    FakeExchange x = invite("sip:bob@localhost");
    assertTrue(holds("{\"from.user\": \"alice\", \"from.host\": \"EXAMPLE\\\\.com\"}", x));
    assertFalse(holds("{\"from.user\": \"bob\"}", x));
    assertTrue(holds("{\"to.user\": \"bob\", \"to.host\": \"localhost\"}", x));
  }

  @Test
  void headersByNameOrCompactForm() {
    FakeExchange x = invite("sip:bob@localhost", "s: urgent call", "X-Priority: 3", "X-Priority: 5");
    assertTrue(holds("{\"header.Subject\": \"urgent.*\"}", x), "Subject found in its compact form s");
    assertTrue(holds("{\"header.s\": \"urgent.*\"}", x), "and named by its compact form");
    assertTrue(holds("{\"header.subject\": \"urgent call\"}", x), "names without regard to case");
    assertFalse(holds("{\"header.Subject\": \"urgent\"}", x), "the whole value must match");
    assertTrue(holds("{\"header.x-priority\": \"5\"}", x), "any of the header's lines");
    assertFalse(holds("{\"header.X-Priority\": \"4\"}", x));
    assertTrue(holds("{\"header.f\": \".*alice@example.com.*\"}", x), "From by its compact form");
    assertFalse(holds("{\"header.X-Missing\": \".*\"}", x));
  }

  @Test
  void sourceAgainstAddressesAndCidrBlocks() {
    FakeExchange v4 = new FakeExchange(FakeExchange.request("INVITE", "sip:bob@localhost"), Transport.UDP, "10.1.2.3");
    assertTrue(holds("{\"source\": \"10.0.0.0/8\"}", v4));
    assertTrue(holds("{\"source\": [\"192.168.0.0/16\", \"10.1.2.3\"]}", v4));
    assertFalse(holds("{\"source\": \"10.1.2.4\"}", v4));
    assertFalse(holds("{\"source\": \"10.1.2.0/31\"}", v4), "a prefix that is not a multiple of 8");
    assertTrue(holds("{\"source\": \"10.1.2.2/31\"}", v4));
    assertTrue(holds("{\"source\": \"0.0.0.0/0\"}", v4));
    assertFalse(holds("{\"source\": \"::/0\"}", v4), "the other family never matches");
    FakeExchange v6 = new FakeExchange(FakeExchange.request("INVITE", "sip:bob@localhost"), Transport.TCP, "[2001:db8::7]");
    assertTrue(holds("{\"source\": \"2001:db8::/32\"}", v6));
    assertFalse(holds("{\"source\": \"2001:db9::/32\"}", v6));
    assertTrue(holds("{\"source\": \"::1\"}", new FakeExchange(FakeExchange.request("INVITE", "sip:bob@localhost"), Transport.UDP, "::1")));
  }

  @Test
  void transportOfTheFlow() {
    FakeExchange tcp = new FakeExchange(FakeExchange.request("INVITE", "sip:bob@localhost"), Transport.TCP, "127.0.0.1");
    assertTrue(holds("{\"transport\": \"tcp\"}", tcp));
    assertTrue(holds("{\"transport\": [\"UDP\", \"TCP\"]}", tcp), "names without regard to case");
    assertFalse(holds("{\"transport\": [\"udp\", \"tls\", \"ws\", \"wss\"]}", tcp));
  }

  @Test
  void authenticatedLocalDomainFromLocalInDialog() {
    FakeExchange x = invite("sip:bob@localhost");
    assertFalse(holds("{\"authenticated\": true}", x));
    assertTrue(holds("{\"authenticated\": false}", x));
    x.authenticated = true;
    assertTrue(holds("{\"authenticated\": true}", x));
    assertTrue(holds("{\"localDomain\": true}", x));
    assertFalse(holds("{\"localDomain\": true}", invite("sip:bob@example.com")));
    assertTrue(holds("{\"localDomain\": false}", invite("tel:+4930123")), "a tel: URI is for no domain of ours");
    assertFalse(holds("{\"fromLocal\": true}", x), "alice is from example.com");
    assertTrue(holds("{\"fromLocal\": false}", x));
    assertFalse(holds("{\"inDialog\": true}", x));
    FakeExchange bye = new FakeExchange(FakeExchange.request("BYE", "sip:bob@127.0.0.1:5090").replace("To: <sip:bob@localhost>",
        "To: <sip:bob@localhost>;tag=b2"), Transport.UDP, "127.0.0.1");
    assertTrue(holds("{\"inDialog\": true}", bye));
  }

  @Test
  void statusInAFailureRoute() {
    FakeExchange x = invite("sip:bob@localhost");
    assertFalse(holds("{\"status\": [\"3xx\", \"4xx\", \"5xx\", \"6xx\"]}", x), "no failure outside a failure route");
    x.failureStatus = 486;
    assertTrue(holds("{\"status\": [486]}", x));
    assertTrue(holds("{\"status\": [\"4xx\"]}", x));
    assertFalse(holds("{\"status\": [408, \"5xx\"]}", x));
  }

  @Test
  void everyKeyMustHoldAndNotAnyAllCombine() {
    FakeExchange x = invite("sip:0301234@localhost");
    assertTrue(holds("{\"method\": \"INVITE\", \"ruri.user\": \"0.*\"}", x));
    assertFalse(holds("{\"method\": \"INVITE\", \"ruri.user\": \"1.*\"}", x), "every key of one object must hold");
    assertFalse(holds("{\"not\": {\"method\": \"INVITE\"}}", x));
    assertTrue(holds("{\"not\": {\"method\": \"INVITE\", \"ruri.user\": \"1.*\"}}", x), "not of the whole object");
    assertTrue(holds("{\"any\": [{\"method\": \"BYE\"}, {\"ruri.user\": \"0.*\"}]}", x));
    assertFalse(holds("{\"any\": [{\"method\": \"BYE\"}, {\"ruri.user\": \"1.*\"}]}", x));
    assertTrue(holds("{\"all\": [{\"method\": \"INVITE\"}, {\"ruri.user\": \"0.*\"}]}", x));
    assertFalse(holds("{\"all\": [{\"method\": \"INVITE\"}, {\"ruri.user\": \"1.*\"}]}", x));
    assertTrue(holds("{\"any\": [{\"not\": {\"transport\": \"udp\"}}, {\"all\": [{\"source\": \"127.0.0.0/8\"}, {\"localDomain\": true}]}]}", x));
  }

  @Test
  void badConditionsAreRefusedWithTheirKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> when("{\"any\": [{\"method\": []}]}"));
    assertEquals("when.any[0].method", e.key());
    e = assertThrows(ConfigException.class, () -> when("{\"ruri.user\": 5}"));
    assertEquals("when.ruri.user", e.key());
    e = assertThrows(ConfigException.class, () -> when("{\"header.\": \"x\"}"));
    assertEquals("when.header.", e.key());
    e = assertThrows(ConfigException.class, () -> when("{\"localDomain\": null}"));
    assertEquals("when.localDomain", e.key());
    e = assertThrows(ConfigException.class, () -> when("{\"from.host\": \"[a-\"}"));
    assertEquals("when.from.host", e.key());
    assertTrue(e.getMessage().contains("bad regular expression"), e.getMessage());
  }

  @Test
  void timeHoldsInsideTheWindowOnly() {
    FakeExchange x = invite("sip:a@b");
    java.time.ZonedDateTime now = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC);
    String today = now.getDayOfWeek().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ENGLISH).toLowerCase(java.util.Locale.ROOT);
    assertTrue(holds("{\"time\": {\"days\": [\"" + today + "\"], \"zone\": \"UTC\"}}", x), "all of today");
    String other = now.plusDays(3).getDayOfWeek().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ENGLISH).toLowerCase(java.util.Locale.ROOT);
    assertFalse(holds("{\"time\": {\"days\": [\"" + other + "\"], \"zone\": \"UTC\"}}", x), "another day");
    assertFalse(holds("{\"not\": {\"time\": {}}}", x), "an empty window is always");
    ConfigException e = assertThrows(ConfigException.class, () -> when("{\"time\": {\"from\": \"25:00\"}}"));
    assertTrue(e.key().startsWith("when.time"), e.key());
    assertEquals("when.time", assertThrows(ConfigException.class, () -> when("{\"time\": \"08:00\"}")).key());
  }
}
