package io.sipgw.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Compiling {@code routes} (errors name the key) and running the blocks (order, fall-through, calls, async steps). */
class RuleSetTest {

  static RuleSet compile(String json) { return RuleSet.compile("routes", new JsonArray(json)); }

  /** Compiling fails with the key {@code key}, and the message says {@code says}. */
  static ConfigException refused(String json, String key, String says) {
    ConfigException e = assertThrows(ConfigException.class, () -> compile(json));
    assertEquals(key, e.key(), () -> "key of: " + e.getMessage());
    assertTrue(e.getMessage().contains(says), () -> "message says \"" + says + "\": " + e.getMessage());
    return e;
  }

  /** Runs {@code rules} on {@code x} to completion: true when no action ended the routing. */
  static boolean run(RuleSet rules, FakeExchange x) {
    Future<Boolean> f = rules.run(x);
    assertTrue(f.isComplete(), "synchronous steps complete at once");
    if (f.failed()) throw new AssertionError("rules failed", f.cause());
    return f.result();
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "[{\"name\": \"a\", \"actions\": [{\"jump\": {}}]}]|routes[0].actions[0].jump|unknown action \"jump\"",
      "[{\"name\": \"a\", \"actions\": [{\"reply\": {\"code\": 99}}]}]|routes[0].actions[0].reply.code|status code 200..699",
      "[{\"name\": \"a\", \"actions\": [{\"reply\": {\"code\": 404.5}}]}]|routes[0].actions[0].reply.code|status code",
      "[{\"name\": \"a\", \"actions\": [{\"reply\": {\"code\": \"404\"}}]}]|routes[0].actions[0].reply.code|status code",
      "[{\"name\": \"a\", \"actions\": [{\"reply\": 700}]}]|routes[0].actions[0].reply|status code",
      "[{\"name\": \"a\", \"actions\": [{\"reply\": {\"code\": 404, \"reason\": \"a\\r\\nX: y\"}}]}]|routes[0].actions[0].reply.reason|one line",
      "[{\"name\": \"a\", \"actions\": [{\"reply\": {\"code\": 404, \"why\": \"x\"}}]}]|routes[0].actions[0].reply.why|unknown key",
      "[{\"name\": \"a\", \"actions\": [{\"route\": \"b\"}]}]|routes[0].actions[0].route|no route block is named \"b\"",
      "[{\"name\": \"a\", \"actions\": [{\"failureRoute\": \"nope\"}]}]|routes[0].actions[0].failureRoute|no route block is named \"nope\"",
      "[{\"name\": \"a\", \"actions\": [{\"forward\": {}}]}, {\"name\": \"a\", \"actions\": [{\"drop\": {}}]}]|routes[1].name|\"a\" names another block",
      "[{\"name\": \"a\", \"onlyWhenCalled\": \"yes\", \"actions\": [{\"drop\": {}}]}]|routes[0].onlyWhenCalled|true or false",
      "[{\"name\": \"a\", \"when\": {\"ruri.user\": \"(\"}, \"actions\": [{\"drop\": {}}]}]|routes[0].when.ruri.user|bad regular expression",
      "[{\"name\": \"a\", \"when\": {\"weather\": \"sunny\"}, \"actions\": [{\"drop\": {}}]}]|routes[0].when.weather|unknown condition",
      "[{\"name\": \"a\", \"when\": {\"not\": {\"header.X-A\": [\"ok\", 1]}}, \"actions\": [{\"drop\": {}}]}]|routes[0].when.not.header.X-A[1]|must be a string",
      "[{\"name\": \"a\", \"when\": {\"any\": []}, \"actions\": [{\"drop\": {}}]}]|routes[0].when.any|non-empty list",
      "[{\"name\": \"a\", \"when\": {\"all\": [{\"method\": \"INVITE\"}, {\"source\": \"10.0.0.0/33\"}]}, \"actions\": [{\"drop\": {}}]}]|routes[0].when.all[1].source|not an IP address or CIDR",
      "[{\"name\": \"a\", \"when\": {\"transport\": \"quic\"}, \"actions\": [{\"drop\": {}}]}]|routes[0].when.transport|unknown transport",
      "[{\"name\": \"a\", \"when\": {\"status\": [200]}, \"actions\": [{\"drop\": {}}]}]|routes[0].when.status[0]|final status 300..699",
      "[{\"name\": \"a\", \"when\": {\"authenticated\": \"yes\"}, \"actions\": [{\"drop\": {}}]}]|routes[0].when.authenticated|true or false",
      "[{\"name\": \"a\", \"when\": [\"INVITE\"], \"actions\": [{\"drop\": {}}]}]|routes[0].when|must be an object of tests",
      "[{\"name\": \"a\", \"actions\": [{\"setHeader\": {\"name\": \"Via\", \"value\": \"x\"}}]}]|routes[0].actions[0].setHeader.name|cannot be changed",
      "[{\"name\": \"a\", \"actions\": [{\"removeHeader\": \"Call-ID\"}]}]|routes[0].actions[0].removeHeader|cannot be changed",
      "[{\"name\": \"a\", \"actions\": [{\"removeHeader\": \"i\"}]}]|routes[0].actions[0].removeHeader|cannot be changed",
      "[{\"name\": \"a\", \"actions\": [{\"addHeader\": {\"name\": \"X-A\", \"value\": \"x\\r\\nVia: evil\"}}]}]|routes[0].actions[0].addHeader.value|one line",
      "[{\"name\": \"a\", \"actions\": [{\"addHeader\": {\"name\": \"X A\", \"value\": \"x\"}}]}]|routes[0].actions[0].addHeader.name|header name",
      "[{\"name\": \"a\", \"actions\": [{\"forward\": {\"to\": \"http://example.com\"}}]}]|routes[0].actions[0].forward.to|sip: or sips:",
      "[{\"name\": \"a\", \"actions\": [{\"forward\": {\"to\": \"sip:\"}}]}]|routes[0].actions[0].forward.to|not a SIP URI",
      "[{\"name\": \"a\", \"actions\": [{\"forward\": {\"failover\": {\"codes\": [100]}}}]}]|routes[0].actions[0].forward.failover.codes[0]|final status",
      "[{\"name\": \"a\", \"actions\": [{\"dispatch\": {}}]}]|routes[0].actions[0].dispatch.set|name of a dispatcher set",
      "[{\"name\": \"a\", \"actions\": [{\"redirect\": {\"code\": 200, \"contacts\": [\"sip:a@b\"]}}]}]|routes[0].actions[0].redirect.code|300..399",
      "[{\"name\": \"a\", \"actions\": [{\"redirect\": {\"contacts\": []}}]}]|routes[0].actions[0].redirect.contacts|list of SIP URIs",
      "[{\"name\": \"a\", \"actions\": [{\"lookup\": {\"x\": 1}}]}]|routes[0].actions[0].lookup|takes no argument",
      "[{\"name\": \"a\", \"actions\": [{\"recordRoute\": \"no\"}]}]|routes[0].actions[0].recordRoute|true or false",
      "[{\"name\": \"a\", \"actions\": [{\"rtpengine\": \"sometimes\"}]}]|routes[0].actions[0].rtpengine|\"always\"",
      "[{\"name\": \"a\", \"actions\": [{\"log\": 1}]}]|routes[0].actions[0].log|the text to log",
      "[{\"name\": \"a\", \"actions\": [{\"enum\": {\"suffix\": 1}}]}]|routes[0].actions[0].enum.suffix|domain",
      "[{\"name\": \"a\", \"actions\": [{\"forward\": {}, \"drop\": {}}]}]|routes[0].actions[0]|one action",
      "[{\"name\": \"a\", \"actions\": \"forward\"}]|routes[0].actions|list of actions",
      "[{\"name\": \"a\"}]|routes[0].actions|list of actions",
      "[{\"when\": {}, \"actions\": []}]|routes[0].name|is required",
      "[{\"name\": \"a\", \"then\": [], \"actions\": []}]|routes[0].then|unknown key",
      "[\"a\"]|routes[0]|route block"})
  void aBadRuleIsRefusedNamingItsKey(String json, String key, String says) {
    refused(json, key, says);
  }

  @Test
  void aFaultyExtensionIsAConfigErrorNamingTheKey() {
    // anything but a ConfigException would escape the reload's config check (ConfigWatcher) unreported
    refused("[{\"name\": \"a\", \"actions\": [{\"faultyAction\": {}}]}]", "routes[0].actions[0].faultyAction",
        "the rule extension failed to compile it: java.lang.NullPointerException");
    refused("[{\"name\": \"a\", \"actions\": [{\"forward\": {}}, {\"nullAction\": {}}]}]", "routes[0].actions[1].nullAction",
        "compiled it to nothing");
    refused("[{\"name\": \"a\", \"when\": {\"any\": [{\"faultyCondition\": 1}]}, \"actions\": [{\"drop\": {}}]}]",
        "routes[0].when.any[0].faultyCondition", "java.lang.IllegalStateException: not ready");
  }

  @Test
  void routeBlocksCallingEachOtherWithoutEndAreRefused() {
    refused("[{\"name\": \"a\", \"actions\": [{\"route\": \"b\"}]}, {\"name\": \"b\", \"onlyWhenCalled\": true, \"actions\": [{\"route\": \"c\"}]},"
        + " {\"name\": \"c\", \"onlyWhenCalled\": true, \"actions\": [{\"route\": \"a\"}]}]", "routes", "a -> b -> c -> a");
    refused("[{\"name\": \"self\", \"actions\": [{\"route\": \"self\"}]}]", "routes", "self -> self");
  }

  @Test
  void aBlockMayBeCalledFromSeveralBlocksWithoutBeingACycle() {
    RuleSet r = compile("[{\"name\": \"a\", \"when\": {\"method\": \"MESSAGE\"}, \"actions\": [{\"route\": \"common\"}, {\"route\": \"common\"}]},"
        + " {\"name\": \"b\", \"actions\": [{\"route\": \"common\"}, {\"reply\": 404}]},"
        + " {\"name\": \"common\", \"onlyWhenCalled\": true, \"actions\": [{\"addHeader\": {\"name\": \"X-C\", \"value\": \"1\"}}]}]");
    FakeExchange x = FakeExchange.of("INVITE", "sip:bob@localhost");
    assertFalse(run(r, x));
    assertEquals(List.of("addHeader X-C: 1", "reply 404 null"), x.ops);
  }

  @Test
  void blocksRunInOrderEachWhoseConditionHoldsUntilOneEndsTheRouting() {
    RuleSet r = compile("""
        [{"name": "first", "actions": [{"addHeader": {"name": "X-1", "value": "a"}}]},
         {"name": "skipped", "when": {"method": "REGISTER"}, "actions": [{"reply": 403}]},
         {"name": "invites", "when": {"method": "INVITE"}, "actions": [{"setHeader": {"name": "X-2", "value": "b"}}, {"forward": {}}, {"reply": 500}]},
         {"name": "never", "actions": [{"reply": 404}]}]""");
    FakeExchange x = FakeExchange.of("INVITE", "sip:bob@example.com");
    assertFalse(run(r, x), "forward ended the routing");
    assertEquals(List.of("addHeader X-1: a", "setHeader X-2: b", "forward sip:bob@example.com"), x.ops,
        "the actions after the forward and the blocks after it did not run");
  }

  @Test
  void aRequestNoActionEndsFallsOffTheEnd() {
    RuleSet r = compile("""
        [{"name": "a", "actions": [{"lookup": {}}]}, {"name": "b", "when": {"method": "BYE"}, "actions": [{"reply": 481}]}]""");
    FakeExchange x = FakeExchange.of("INVITE", "sip:bob@localhost");
    x.lookupFinds = false;
    assertTrue(run(r, x), "lookup found no one and no other block ended it: the proxy answers 404");
    assertEquals(List.of("lookup"), x.ops);
  }

  @Test
  void stepsThatFindNothingLeaveTheRequestToTheNextAction() {
    RuleSet r = compile("""
        [{"name": "pbx", "actions": [{"dispatch": {"set": "pbx"}}, {"lcr": {}}, {"enum": {}}, {"reply": {"code": 503, "reason": "No PBX"}}]}]""");
    FakeExchange x = FakeExchange.of("INVITE", "sip:+4930123@localhost");
    assertFalse(run(r, x));
    assertEquals(List.of("dispatch pbx", "lcr", "enum null", "reply 503 No PBX"), x.ops);
    assertEquals(java.util.Map.of("pbx", "routes[0].actions[0].dispatch.set"), r.dispatchSets());

    FakeExchange found = FakeExchange.of("INVITE", "sip:+4930123@localhost");
    found.dispatchFinds = true;
    assertFalse(run(r, found));
    assertEquals(List.of("dispatch pbx"), found.ops, "a dispatch that found a destination ends the routing");
  }

  @Test
  void onlyWhenCalledBlocksRunOnlyFromRouteAndRouteReturnsToTheCaller() {
    RuleSet r = compile("""
        [{"name": "strip", "onlyWhenCalled": true, "when": {"ruri.user": "0.*"}, "actions": [{"rewrite": {"ruri.user": {"strip": 1}}}]},
         {"name": "main", "actions": [{"route": "strip"}, {"route": "strip"}, {"addHeader": {"name": "X-After", "value": "1"}}]},
         {"name": "end", "actions": [{"route": "out"}, {"reply": 500}]},
         {"name": "out", "onlyWhenCalled": true, "actions": [{"forward": {}}]}]""");
    FakeExchange x = FakeExchange.of("INVITE", "sip:00123@localhost");
    assertFalse(run(r, x));
    assertEquals(List.of("ruri sip:0123@localhost", "ruri sip:123@localhost", "addHeader X-After: 1", "forward sip:123@localhost"), x.ops,
        "a called block that goes on returns to the caller; one that ends (forward) ends the whole routing");
    assertNotNull(r.block("out"));
    assertEquals(null, r.block("missing"));
  }

  @Test
  void aCalledBlockWhoseConditionFailsIsSkipped() {
    RuleSet r = compile("""
        [{"name": "main", "actions": [{"route": "registrar"}, {"reply": 404}]},
         {"name": "registrar", "onlyWhenCalled": true, "when": {"method": "REGISTER"}, "actions": [{"save": {}}]}]""");
    FakeExchange x = FakeExchange.of("INVITE", "sip:bob@localhost");
    assertFalse(run(r, x));
    assertEquals(List.of("reply 404 null"), x.ops);
  }

  @Test
  void failureRouteSetsTheBlockAndGoesOn() {
    RuleSet r = compile("""
        [{"name": "main", "actions": [{"failureRoute": "busy"}, {"forward": {}}]},
         {"name": "busy", "onlyWhenCalled": true, "when": {"status": [486, "6xx"]}, "actions": [{"forward": {"to": "sip:vm@127.0.0.1:5090"}}]}]""");
    FakeExchange x = FakeExchange.of("INVITE", "sip:bob@example.com");
    assertFalse(run(r, x));
    assertEquals(List.of("failureRoute route block busy", "forward sip:bob@example.com"), x.ops);
    // the proxy runs the failure route when the request fails: its status condition says which failures
    x.ops.clear();
    x.failureStatus = 486;
    assertFalse(x.failureRoute.run(x).result());
    assertEquals(List.of("forward sip:vm@127.0.0.1:5090"), x.ops);
    x.ops.clear();
    x.failureStatus = 480;
    assertTrue(x.failureRoute.run(x).result(), "480 is not a status the failure route takes");
    x.failureStatus = 603;
    assertFalse(x.failureRoute.run(x).result(), "6xx is a class");
  }

  @Test
  void anAsyncStepHoldsTheRestUntilItCompletes() {
    RuleSet r = compile("""
        [{"name": "auth", "actions": [{"authenticate": {}}, {"addHeader": {"name": "X-Auth", "value": "ok"}}]},
         {"name": "out", "actions": [{"forward": {}}]}]""");
    FakeExchange x = FakeExchange.of("INVITE", "sip:bob@example.com");
    x.authentication = Promise.promise();
    Future<Boolean> f = r.run(x);
    assertFalse(f.isComplete(), "waits for authenticate");
    assertEquals(List.of("authenticate"), x.ops);
    x.authentication.complete(true);
    assertTrue(f.isComplete());
    assertFalse(f.result());
    assertEquals(List.of("authenticate", "addHeader X-Auth: ok", "forward sip:bob@example.com"), x.ops);
  }

  @Test
  void anAsyncStepThatAnsweredOrFailedEndsTheRouting() {
    RuleSet r = compile("[{\"name\": \"auth\", \"actions\": [{\"authenticate\": {}}, {\"forward\": {}}]}]");
    for (boolean fails : new boolean[] {false, true}) {
      FakeExchange x = FakeExchange.of("INVITE", "sip:bob@example.com");
      x.authentication = Promise.promise();
      Future<Boolean> f = r.run(x);
      if (fails) x.authentication.fail("store down");
      else x.authentication.complete(false); // answered 407
      assertTrue(f.isComplete());
      assertEquals(fails, f.failed(), "a failed step fails the run");
      if (!fails) assertFalse(f.result(), "an answered request's routing has ended");
      assertEquals(List.of("authenticate"), x.ops, "nothing after it ran");
    }
  }

  @Test
  void asyncStepsInsideACalledBlockResumeTheCaller() {
    RuleSet r = compile("""
        [{"name": "main", "actions": [{"route": "check"}, {"addHeader": {"name": "X-B", "value": "2"}}, {"forward": {}}]},
         {"name": "check", "onlyWhenCalled": true, "actions": [{"authenticate": {}}, {"addHeader": {"name": "X-A", "value": "1"}}]}]""");
    FakeExchange x = FakeExchange.of("INVITE", "sip:bob@example.com");
    x.authentication = Promise.promise();
    Future<Boolean> f = r.run(x);
    assertFalse(f.isComplete());
    x.authentication.complete(true);
    assertFalse(f.result());
    assertEquals(List.of("authenticate", "addHeader X-A: 1", "addHeader X-B: 2", "forward sip:bob@example.com"), x.ops);
  }

  @Test
  void everyActionOfTheLanguageCompilesAndCallsItsOperation() {
    RuleSet r = compile("""
        [{"name": "all", "actions": [
          {"looseRoute": {}}, {"save": true}, {"presence": {}}, {"options": {}}, {"recordRoute": false}, {"rtpengine": "always"},
          {"removeHeader": "X-Old"}, {"addHeader": {"name": "subject", "value": "s"}}, {"log": "seen"},
          {"redirect": {"code": 301, "contacts": ["sip:b@127.0.0.1:5099"]}}]}]""");
    FakeExchange x = FakeExchange.of("INVITE", "sip:bob@localhost");
    assertFalse(run(r, x));
    assertEquals(List.of("looseRoute", "save", "presence", "options", "recordRoute false", "mediaMode always", "removeHeader X-Old",
        "addHeader Subject: s", "redirect 301 [sip:b@127.0.0.1:5099]"), x.ops, "a known header name takes its canonical spelling");

    FakeExchange drop = FakeExchange.of("INVITE", "sip:bob@localhost");
    assertFalse(run(compile("[{\"name\": \"d\", \"actions\": [{\"drop\": {}}, {\"reply\": 500}]}]"), drop));
    assertEquals(List.of("drop"), drop.ops);
  }

  @Test
  void theDefaultRulesAreTheBuiltInBehaviour() {
    RuleSet r = DefaultRules.rules();
    FakeExchange foreign = FakeExchange.of("INVITE", "sip:carol@example.com");
    assertFalse(run(r, foreign));
    assertEquals(List.of("authenticate", "looseRoute", "forward sip:carol@example.com"), foreign.ops);
    FakeExchange register = FakeExchange.of("REGISTER", "sip:localhost");
    assertFalse(run(r, register));
    assertEquals(List.of("authenticate", "looseRoute", "save"), register.ops);
    FakeExchange options = FakeExchange.of("OPTIONS", "sip:localhost");
    assertFalse(run(r, options));
    assertEquals(List.of("authenticate", "looseRoute", "options"), options.ops);
    FakeExchange call = FakeExchange.of("INVITE", "sip:bob@localhost");
    assertFalse(run(r, call));
    assertEquals(List.of("authenticate", "looseRoute", "lookup"), call.ops);
  }

  @Test
  void aRuleSetEqualsAnotherOfTheSameJson() {
    String json = "[{\"name\": \"a\", \"actions\": [{\"forward\": {}}]}]";
    assertEquals(compile(json), compile(json));
    assertEquals(new JsonArray(json), compile(json).json());
    assertFalse(compile(json).equals(compile("[{\"name\": \"a\", \"actions\": [{\"drop\": {}}]}]")));
  }
}
