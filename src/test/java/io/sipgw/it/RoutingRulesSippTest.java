package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.auth.CredentialsFile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator's route rules ({@code routes}) in a real gateway, with SIPp and plain-socket peers on
 * 127.0.0.1: replies with a code and reason, conditions (source, method, ruri.user) choosing the block,
 * drop, 404 for a request no rule ends, a Request-URI rewrite and header changes (and a custom action
 * of the example rule extension) seen by a SIPp callee, forward to a next hop, no Record-Route when the
 * rules say so, a failure route that sends a refused call to a second callee, and authenticate with
 * the authenticated condition. Calls are made with ACK and BYE back to back and with the call held.
 */
@Timeout(90)
class RoutingRulesSippTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final Duration PHONE_BOUND = Duration.ofSeconds(40);
  private static final Duration ANSWER = Duration.ofSeconds(5);
  private static final int CALLS = 5;
  /** The rules every call test starts with: requests of a dialog follow its Record-Route. */
  private static final String WITHIN_DIALOG = "{\"name\": \"within-dialog\", \"actions\": [{\"looseRoute\": {}}]},";

  @TempDir Path dir;
  private TestGateway gateway;
  private final List<Callee> callees = new ArrayList<>();

  @AfterEach
  void stopEverything() {
    try {
      for (Callee c : callees) c.close();
    } finally {
      if (gateway != null) gateway.close();
    }
  }

  private void start(String routes) { start(routes, new JsonObject()); }

  private void start(String routes, JsonObject overrides) {
    gateway = TestGateway.start(new JsonObject().put("routes", new JsonArray(routes)).mergeIn(overrides, true));
  }

  private Callee callee(String scenario, int calls, String... sippArgs) {
    Callee c = Callee.listen(scenario, "pbx", HOST, SippTransport.UDP, calls, PHONE_BOUND, dir, sippArgs);
    callees.add(c);
    return c;
  }

  private Sipp caller(String scenario, String user, int calls) {
    return Sipp.scenario(scenario).remote(HOST, gateway.port()).local(HOST).service(user).calls(calls).rate(10)
        .timeout(Duration.ofSeconds(30)).traceMessages().workDir(dir);
  }

  private String uri(String user) { return "sip:" + user + "@" + Sipp.hostPort(HOST, gateway.port()); }

  /** The final answer of the gateway to one {@code method} for {@code user}, from a fresh peer (From tester@{@code fromDomain}). */
  private SipMessageText ask(String method, String user, String fromDomain) throws IOException {
    try (SipPeer peer = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      peer.send(peer.request(method, uri(user), uri(user), "").replace("sip:tester@localhost", "sip:tester@" + fromDomain));
      return peer.finalResponse(ANSWER);
    }
  }

  private static void answered(SipMessageText response, int status, String reason) {
    assertEquals(status + " " + reason, response.firstLine().substring("SIP/2.0 ".length()), response::toString);
  }

  private static TracedMessage firstInvite(SippResult callee) {
    return callee.traced().stream().filter(m -> m.received() && m.isRequest("INVITE")).findFirst()
        .orElseThrow(() -> new AssertionError("no INVITE in the callee's message log\n" + callee.describe()));
  }

  @Test
  void conditionsChooseTheBlockThatAnswers() throws IOException {
    start("[" + WITHIN_DIALOG + """
         {"name": "outsiders", "when": {"source": "10.0.0.0/8"}, "actions": [{"reply": {"code": 403, "reason": "Outsider"}}]},
         {"name": "ping", "when": {"source": ["192.168.0.0/16", "127.0.0.0/8"], "method": "OPTIONS", "ruri.user": "ping"},
          "actions": [{"reply": {"code": 200, "reason": "Pong"}}]},
         {"name": "closed-messages", "when": {"method": "MESSAGE", "ruri.user": "closed"}, "actions": [{"reply": {"code": 202, "reason": "Kept For Later"}}]},
         {"name": "closed", "when": {"ruri.user": "clo[a-z]+"}, "actions": [{"reply": {"code": 480, "reason": "Closed For Lunch"}}]},
         {"name": "nothing-ends-it", "when": {"method": "OPTIONS"}, "actions": [{"log": "no route for this OPTIONS"}]}]""");
    answered(ask("OPTIONS", "ping", "localhost"), 200, "Pong");
    answered(ask("MESSAGE", "closed", "localhost"), 202, "Kept For Later");
    answered(ask("INVITE", "closed", "localhost"), 480, "Closed For Lunch");
    answered(ask("OPTIONS", "closed", "localhost"), 480, "Closed For Lunch");
    answered(ask("OPTIONS", "xclosed", "localhost"), 404, "Not Found (no route)");
    answered(ask("INVITE", "ping", "localhost"), 404, "Not Found (no route)");
  }

  @Test
  void dropAnswersNothing() throws IOException {
    start("[" + WITHIN_DIALOG + """
         {"name": "scanners", "when": {"header.User-Agent": "friendly-scanner.*"}, "actions": [{"drop": {}}]},
         {"name": "rest", "actions": [{"reply": {"code": 503, "reason": "Not Today"}}]}]""");
    try (SipPeer peer = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      peer.send(peer.request("OPTIONS", uri("100"), uri("100"), "User-Agent: friendly-scanner 1.0\r\n"));
      peer.send(peer.request("INVITE", uri("100"), uri("100"), "User-Agent: friendly-scanner 1.0\r\n"));
      List<String> got = new ArrayList<>();
      for (SipMessageText m; (m = peer.receive(Duration.ofSeconds(3))) != null; ) got.add(m.firstLine());
      assertEquals(List.of(), got, "nothing at all for a dropped request, not even the INVITE's 100 Trying");
      peer.send(peer.request("OPTIONS", uri("100"), uri("100"), "User-Agent: sipp\r\n"));
      answered(peer.finalResponse(ANSWER), 503, "Not Today");
    }
  }

  @ParameterizedTest(name = "call held {0} ms")
  @ValueSource(ints = {0, 500})
  void rewriteAndHeaderChangesReachTheCallee(int holdMs) {
    Callee pbx = callee("uas.xml", CALLS);
    start("[" + WITHIN_DIALOG + """
         {"name": "national", "when": {"method": "INVITE", "ruri.user": "0[1-9][0-9]*"}, "actions": [
           {"rewrite": {"ruri.user": {"strip": 1, "prefix": "+49"}}}, {"route": "headers"}, {"forward": {"to": "sip:127.0.0.1:%d"}}]},
         {"name": "headers", "onlyWhenCalled": true, "actions": [
           {"addHeader": {"name": "X-Rules", "value": "national"}},
           {"setHeader": {"name": "X-Trunk", "value": "one"}}, {"setHeader": {"name": "X-Trunk", "value": "two"}},
           {"addHeader": {"name": "X-Gone", "value": "1"}}, {"removeHeader": "X-Gone"},
           {"removeHeader": "Subject"}, {"tenantHeader": {"header": "X-Customer"}}]},
         {"name": "rest", "actions": [{"reply": 404}]}]""".formatted(pbx.port()));
    caller("uac.xml", "0301234", CALLS).arg("-d", Integer.toString(holdMs)).run().assertSucceeded(CALLS).assertInOrder();
    SippResult answered = pbx.stop().assertSucceeded(CALLS).assertInOrder();

    SipMessageText invite = firstInvite(answered).message();
    assertEquals("sip:+49301234@" + Sipp.hostPort(HOST, gateway.port()), invite.requestUri(), invite::toString);
    assertEquals(List.of("national"), invite.headers("X-Rules"), invite::toString);
    assertEquals(List.of("two"), invite.headers("X-Trunk"), () -> "the second setHeader replaced the first\n" + invite);
    assertEquals(List.of(), invite.headers("X-Gone"), () -> "removeHeader took away what addHeader put in\n" + invite);
    assertEquals(List.of(), invite.headers("Subject"), invite::toString);
    assertEquals(List.of(HOST), invite.headers("X-Customer"), () -> "the example extension's action set the From domain\n" + invite);
    assertTrue(invite.headers("Record-Route").get(0).contains(Sipp.hostPort(HOST, gateway.port())), invite::toString);
  }

  @Test
  void recordRouteFalseLeavesTheDialogToTheEndpoints() {
    Callee pbx = callee("uas.xml", CALLS);
    start("[" + WITHIN_DIALOG + """
         {"name": "direct-in-dialog", "when": {"inDialog": true}, "actions": [{"forward": {}}]},
         {"name": "calls", "when": {"method": "INVITE"}, "actions": [{"recordRoute": false}, {"forward": {"to": "sip:127.0.0.1:%d"}}]}]"""
        .formatted(pbx.port()));
    SippResult caller = caller("uac.xml", "bob", CALLS).run().assertSucceeded(CALLS).assertInOrder();
    SippResult answered = pbx.stop().assertSucceeded(CALLS).assertInOrder();
    SipMessageText invite = firstInvite(answered).message();
    assertEquals(List.of(), invite.headers("Record-Route"), invite::toString);
    assertTrue(caller.traced().stream().filter(m -> m.received() && m.message().isResponse())
        .allMatch(m -> m.message().headers("Record-Route").isEmpty()), caller::describe);
  }

  @Test
  void aFailureRouteSendsARefusedCallToASecondCalleeWithItsOwnChanges() {
    Callee busy = callee("uas-busy.xml", 1);
    Callee second = callee("uas.xml", 1);
    start("[" + WITHIN_DIALOG + """
         {"name": "calls", "when": {"method": "INVITE"}, "actions": [{"failureRoute": "busy"}, {"forward": {"to": "sip:127.0.0.1:%d"}}]},
         {"name": "busy", "onlyWhenCalled": true, "when": {"status": [486, 600]}, "actions": [
           {"addHeader": {"name": "X-Failover", "value": "busy"}}, {"rewrite": {"ruri.user": "second"}}, {"forward": {"to": "sip:127.0.0.1:%d"}}]}]"""
        .formatted(busy.port(), second.port()));
    SippResult caller = caller("uac.xml", "bob", 1).run().assertSucceeded(1).assertNoStrayMessages();
    busy.stop().assertSucceeded(1);
    SippResult answered = second.stop().assertSucceeded(1).assertNoStrayMessages();
    SipMessageText invite = firstInvite(answered).message();
    assertEquals("sip:second@" + Sipp.hostPort(HOST, gateway.port()), invite.requestUri(), invite::toString);
    assertEquals(List.of("busy"), invite.headers("X-Failover"), () -> "the failure route's addHeader is on its copy\n" + invite);
    assertTrue(caller.traced().stream().noneMatch(m -> m.received() && m.message().isResponse() && m.message().status() == 486),
        () -> "the 486 is not relayed to the caller\n" + caller.describe());
  }

  @Test
  void aFailureRouteRepliesInsteadOrLetsTheBestResponseGoUp() throws IOException {
    Callee busy = callee("uas-busy.xml", 2);
    start("[" + WITHIN_DIALOG + """
         {"name": "calls", "when": {"method": "INVITE"}, "actions": [{"failureRoute": "busy"}, {"forward": {"to": "sip:127.0.0.1:%d"}}]},
         {"name": "busy", "onlyWhenCalled": true, "actions": [{"route": "say-so"}, {"drop": {}}]},
         {"name": "say-so", "onlyWhenCalled": true, "when": {"status": [486], "ruri.user": "say-so"},
          "actions": [{"reply": {"code": 480, "reason": "Gone Fishing"}}]}]""".formatted(busy.port()));
    answered(ask("INVITE", "say-so", "localhost"), 480, "Gone Fishing");
    answered(ask("INVITE", "quiet", "localhost"), 486, "Busy Here");
    busy.stop().assertSucceeded(2);
  }

  @Test
  void aFailureRouteLookupForksToEveryBindingAtOnce() {
    Callee busy = callee("uas-busy.xml", 1);
    Callee ringsThenAnswers = Callee.listen("uas.xml", "bob", HOST, SippTransport.UDP, 1, PHONE_BOUND, dir, "-d", "1000");
    callees.add(ringsThenAnswers);
    Callee ringsForever = Callee.listen("uas-cancelled.xml", "bob", HOST, SippTransport.UDP, 1, PHONE_BOUND, dir);
    callees.add(ringsForever);
    start("[" + WITHIN_DIALOG + """
         {"name": "registrar", "when": {"method": "REGISTER"}, "actions": [{"save": {}}]},
         {"name": "calls", "when": {"method": "INVITE"}, "actions": [{"failureRoute": "user"}, {"forward": {"to": "sip:127.0.0.1:%d"}}]},
         {"name": "user", "onlyWhenCalled": true, "actions": [{"lookup": {}}]}]""".formatted(busy.port()));
    Registration.register(HOST, gateway.port(), SippTransport.UDP, "bob", TestGateway.DOMAIN,
        List.of(ringsThenAnswers.contact(1.0), ringsForever.contact(1.0)));
    caller("uac.xml", "bob", 1).run().assertSucceeded(1).assertNoStrayMessages();
    busy.stop().assertSucceeded(1);
    ringsThenAnswers.stop().assertSucceeded(1);
    ringsForever.stop().assertSucceeded(1); // rang at the same time, cancelled when the other answered
  }

  @Test
  void authenticateAndTheAuthenticatedCondition() throws IOException {
    CredentialsFile.write(dir.resolve("users.json"), List.of(CredentialsFile.hash("alice", TestGateway.DOMAIN, "alice-Pa55")));
    Callee pbx = callee("uas.xml", 1);
    start("""
        [{"name": "auth", "when": {"method": "INVITE"}, "actions": [{"authenticate": {}}]},""" + WITHIN_DIALOG + """
         {"name": "members", "when": {"authenticated": true}, "actions": [
           {"addHeader": {"name": "X-Caller", "value": "verified"}}, {"forward": {"to": "sip:127.0.0.1:%d"}}]},
         {"name": "strangers", "actions": [{"reply": {"code": 403, "reason": "Who Are You"}}]}]""".formatted(pbx.port()),
        new JsonObject().put("auth", new JsonObject().put("enabled", true).put("users", dir.resolve("users.json").toString())));
    Sipp.scenario("uac-auth.xml").remote(HOST, gateway.port()).local(HOST).service("bob").key("domain", TestGateway.DOMAIN)
        .key("caller", "alice").arg("-au", "alice", "-ap", "alice-Pa55").calls(1).timeout(Duration.ofSeconds(20)).workDir(dir)
        .run().assertSucceeded(1);
    SippResult answered = pbx.stop().assertSucceeded(1);
    SipMessageText invite = firstInvite(answered).message();
    assertEquals(List.of("verified"), invite.headers("X-Caller"), invite::toString);
    assertEquals(List.of(), invite.headers("Proxy-Authorization"), () -> "our realm's credentials stop here\n" + invite);

    assertEquals(407, ask("INVITE", "bob", TestGateway.DOMAIN).status(), "a local user without credentials is challenged");
    answered(ask("INVITE", "bob", "example.com"), 403, "Who Are You");
  }
}
