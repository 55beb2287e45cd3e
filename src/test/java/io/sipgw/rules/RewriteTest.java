package io.sipgw.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.ConfigException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** {@code rewrite}: the Request-URI whole, or its user, host or port (text, match/replace, strip/prefix). */
class RewriteTest {

  static String rewrite(String ruri, String arg) {
    FakeExchange x = FakeExchange.of("INVITE", ruri);
    Action a = Rewrite.compile("rewrite", new JsonObject(arg));
    assertEquals(Action.NEXT, a.run(x), "a rewrite goes on to the next action");
    return x.requestUri().toString();
  }

  static ConfigException refused(String arg, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> Rewrite.compile("rewrite", new JsonObject(arg)));
    assertEquals(key, e.key(), e::getMessage);
    return e;
  }

  @Test
  void theWholeUri() {
    assertEquals("sip:vm@127.0.0.1:5090", rewrite("sip:bob@localhost", "{\"ruri\": \"sip:vm@127.0.0.1:5090\"}"));
  }

  @Test
  void userAsTextStripPrefix() {
    assertEquals("sip:carol@localhost;user=phone", rewrite("sip:bob@localhost;user=phone", "{\"ruri.user\": \"carol\"}"),
        "parameters stay");
    assertEquals("sip:301234@localhost", rewrite("sip:0301234@localhost", "{\"ruri.user\": {\"strip\": 1}}"));
    assertEquals("sip:+49301234@localhost", rewrite("sip:0301234@localhost", "{\"ruri.user\": {\"strip\": 1, \"prefix\": \"+49\"}}"));
    assertEquals("sip:9bob@localhost", rewrite("sip:bob@localhost", "{\"ruri.user\": {\"prefix\": \"9\"}}"));
    assertEquals("sip:localhost", rewrite("sip:12@localhost", "{\"ruri.user\": {\"strip\": 5}}"), "stripping everything leaves no user");
    assertEquals("sip:0@localhost", rewrite("sip:localhost", "{\"ruri.user\": {\"prefix\": \"0\"}}"), "an absent user is empty");
  }

  @Test
  void userByMatchAndReplace() {
    String e164 = "{\"ruri.user\": {\"match\": \"0([1-9][0-9]*)\", \"replace\": \"+49$1\"}}";
    assertEquals("sip:+49301234@localhost", rewrite("sip:0301234@localhost", e164));
    assertEquals("sip:+1555@localhost", rewrite("sip:+1555@localhost", e164), "no match leaves the user as it is");
    assertEquals("sip:00301234@localhost", rewrite("sip:00301234@localhost", e164), "the expression must match the whole user");
  }

  @Test
  void hostAndPort() {
    assertEquals("sip:bob@pbx.example.com:5080", rewrite("sip:bob@localhost", "{\"ruri.host\": \"pbx.example.com\", \"ruri.port\": 5080}"));
    assertEquals("sip:bob@localhost", rewrite("sip:bob@localhost:5070", "{\"ruri.port\": 0}"), "0 removes the port");
    assertEquals("sip:bob@pbx2.example.com",
        rewrite("sip:bob@pbx1.example.com", "{\"ruri.host\": {\"match\": \"pbx1\\\\.(.*)\", \"replace\": \"pbx2.$1\"}}"));
  }

  @Test
  void aRewriteThatMakesNoUriFailsTheStep() {
    FakeExchange x = FakeExchange.of("INVITE", "sip:bob@localhost");
    Action a = Rewrite.compile("rewrite", new JsonObject("{\"ruri.host\": \"bad host\"}"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.run(x));
    assertTrue(e.getMessage().contains("bad Request-URI"), e.getMessage());
    assertEquals("sip:bob@localhost", x.requestUri().toString(), "the Request-URI is left as it was");
  }

  @Test
  void badRewritesAreRefusedWithTheirKey() {
    refused("{}", "rewrite");
    refused("{\"ruri.userr\": \"x\"}", "rewrite.ruri.userr");
    refused("{\"ruri\": \"sip:a@b\", \"ruri.user\": \"x\"}", "rewrite");
    refused("{\"ruri\": \"mailto:a@b\"}", "rewrite.ruri");
    refused("{\"ruri.port\": 70000}", "rewrite.ruri.port");
    refused("{\"ruri.port\": \"5060\"}", "rewrite.ruri.port");
    refused("{\"ruri.user\": {\"strip\": -1}}", "rewrite.ruri.user.strip");
    refused("{\"ruri.user\": {\"prefix\": 49}}", "rewrite.ruri.user.prefix");
    refused("{\"ruri.user\": {\"match\": \"(\", \"replace\": \"x\"}}", "rewrite.ruri.user.match");
    refused("{\"ruri.user\": {\"match\": \"0(.*)\"}}", "rewrite.ruri.user.replace");
    refused("{\"ruri.user\": {\"match\": \"0(.*)\", \"replace\": \"x\", \"strip\": 1}}", "rewrite.ruri.user.strip");
  }

  @Test
  void aReplacementNamingAGroupTheExpressionHasNotIsRefusedAtCompileTime() {
    // the check must not depend on the expression matching the empty string
    ConfigException e = refused("{\"ruri.user\": {\"match\": \"0(.*)\", \"replace\": \"+49$2\"}}", "rewrite.ruri.user.replace");
    assertTrue(e.getMessage().contains("bad replacement"), e.getMessage());
    refused("{\"ruri.user\": {\"match\": \"0(?<rest>.*)\", \"replace\": \"${other}\"}}", "rewrite.ruri.user.replace");
    refused("{\"ruri.host\": {\"match\": \"a+\", \"replace\": \"x$\"}}", "rewrite.ruri.host.replace");
    // good ones still compile
    assertEquals("sip:+49301@localhost", rewrite("sip:0301@localhost", "{\"ruri.user\": {\"match\": \"0(?<rest>.*)\", \"replace\": \"+49${rest}\"}}"));
  }
}
