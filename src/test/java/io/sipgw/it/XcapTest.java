package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The XCAP server (RFC 4825) over real HTTP on the gateway's WebSocket listener, with HTTP digest
 * as each user's SIP credentials: whole documents, elements and attributes, entity tags, the RFC's
 * 409 bodies, and pres-rules (RFC 5025) taking effect on live presence subscriptions at once;
 * against the memory store and a real redis-server.
 */
@Timeout(90)
class XcapTest extends StoreGatewayTest {
  private static final String RL = "application/resource-lists+xml";
  private static final String RULES = "application/auth-policy+xml";
  private static final String ALICE_LISTS = "resource-lists/users/sip:alice@localhost/index";
  private static final String ALICE_RULES = "pres-rules/users/sip:alice@localhost/index";

  private void startWithUsers(String store) throws IOException { startXcap(store, "alice", "bob"); }

  private static String lists(String... entries) {
    StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list name=\"friends\">");
    for (String e : entries) sb.append("<entry uri=\"").append(e).append("\"/>");
    return sb.append("</list></resource-lists>").toString();
  }

  private static String etag(HttpResponse<String> r) { return r.headers().firstValue("ETag").orElse(null); }

  private static void assertConflict(HttpResponse<String> r, String element) {
    assertEquals(409, r.statusCode(), r::body);
    assertEquals("application/xcap-error+xml", r.headers().firstValue("Content-Type").orElse(""));
    assertTrue(r.body().contains("urn:ietf:params:xml:ns:xcap-error") && r.body().contains("<" + element), r.body());
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void documentsElementsAndAttributesWithEntityTagsAndErrors(String store) throws IOException {
    startWithUsers(store);
    XcapClient alice = as("alice");
    HttpResponse<String> anonymous = new XcapClient(gateway.wsPort(), null, null).get(ALICE_LISTS);
    assertEquals(401, anonymous.statusCode());
    assertTrue(anonymous.headers().allValues("WWW-Authenticate").stream().anyMatch(v -> v.contains("realm=\"localhost\"")), () -> anonymous.headers().toString());
    assertEquals(401, new XcapClient(gateway.wsPort(), "alice", "wrong").get(ALICE_LISTS).statusCode(), "a wrong password");
    assertEquals(403, as("bob").get(ALICE_LISTS).statusCode(), "bob may not read alice's documents");
    assertEquals(404, alice.get(ALICE_LISTS).statusCode(), "nothing put yet");

    HttpResponse<String> created = alice.put(ALICE_LISTS, RL, lists("sip:bob@localhost"));
    assertEquals(201, created.statusCode(), created::body);
    String e1 = etag(created);
    assertNotNull(e1);
    HttpResponse<String> read = alice.get(ALICE_LISTS);
    assertEquals(200, read.statusCode());
    assertEquals(RL, read.headers().firstValue("Content-Type").orElse(""));
    assertEquals(e1, etag(read));
    assertTrue(read.body().contains("sip:bob@localhost"), read.body());
    assertEquals(304, alice.get(ALICE_LISTS, "If-None-Match", e1).statusCode());
    assertEquals(412, alice.put(ALICE_LISTS, RL, lists(), "If-Match", "\"not-it\"").statusCode());
    assertEquals(412, alice.put(ALICE_LISTS, RL, lists(), "If-None-Match", "*").statusCode(), "create-only, and it exists");

    // an element: a new entry put by its URI, read, and its attribute
    String friends = "~~/" + XcapClient.encode("resource-lists/list[@name=\"friends\"]");
    String carol = friends + "/" + XcapClient.encode("entry[@uri=\"sip:carol@localhost\"]");
    HttpResponse<String> added = alice.put(ALICE_LISTS + "/" + carol, "application/xcap-el+xml", "<entry uri=\"sip:carol@localhost\"/>",
        "If-Match", e1);
    assertEquals(201, added.statusCode(), added::body);
    String e2 = etag(added);
    assertNotEquals(e1, e2);
    HttpResponse<String> element = alice.get(ALICE_LISTS + "/" + carol);
    assertEquals(200, element.statusCode());
    assertEquals("application/xcap-el+xml", element.headers().firstValue("Content-Type").orElse(""));
    assertTrue(element.body().contains("entry") && element.body().contains("sip:carol@localhost"), element.body());
    HttpResponse<String> name = alice.get(ALICE_LISTS + "/~~/" + XcapClient.encode("resource-lists/list[1]/@name"));
    assertEquals(200, name.statusCode());
    assertEquals("friends", name.body());
    assertEquals("application/xcap-att+xml", name.headers().firstValue("Content-Type").orElse(""));
    HttpResponse<String> second = alice.get(ALICE_LISTS + "/" + friends + "/" + XcapClient.encode("entry[2]/@uri"));
    assertEquals("sip:carol@localhost", second.body(), "entries in order");
    HttpResponse<String> named = alice.put(ALICE_LISTS + "/" + friends + "/" + XcapClient.encode("entry[2]/display-name"),
        "application/xcap-el+xml", "<display-name>Carol</display-name>");
    assertEquals(201, named.statusCode(), named::body);

    // what the RFC answers with 409, and the document left as it was
    String before = alice.get(ALICE_LISTS).body();
    assertConflict(alice.put(ALICE_LISTS, RL, "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list>"), "not-well-formed");
    assertConflict(alice.put(ALICE_LISTS, RL, "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><bogus/></resource-lists>"),
        "schema-validation-error");
    assertConflict(alice.put(ALICE_LISTS, RL, lists("sip:bob@localhost", "sip:bob@localhost")), "uniqueness-failure");
    assertConflict(alice.put(ALICE_LISTS + "/" + friends + "/" + XcapClient.encode("entry[@uri=\"sip:dan@localhost\"]"),
        "application/xcap-el+xml", "<entry uri=\"sip:erin@localhost\"/>"), "cannot-insert");
    assertConflict(alice.put(ALICE_LISTS + "/~~/" + XcapClient.encode("resource-lists/list[@name=\"none\"]/entry"),
        "application/xcap-el+xml", "<entry uri=\"sip:erin@localhost\"/>"), "no-parent");
    assertConflict(alice.put(ALICE_LISTS + "/" + friends + "/@color", "application/xcap-att+xml", "blue"), "schema-validation-error");
    assertConflict(alice.put(ALICE_LISTS + "/" + carol, "application/xcap-el+xml", "<entry uri=\"sip:carol@localhost\"/><entry/>"),
        "not-xml-frag");
    assertEquals(415, alice.put(ALICE_LISTS, "text/plain", lists()).statusCode());
    assertEquals(before, alice.get(ALICE_LISTS).body(), "a refused change changes nothing");

    HttpResponse<String> removed = alice.delete(ALICE_LISTS + "/" + carol);
    assertEquals(200, removed.statusCode(), removed::body);
    assertEquals(404, alice.get(ALICE_LISTS + "/" + carol).statusCode());
    assertEquals(404, alice.delete(ALICE_LISTS + "/" + carol).statusCode());
    assertEquals(200, alice.delete(ALICE_LISTS).statusCode());
    assertEquals(404, alice.get(ALICE_LISTS).statusCode());
    assertEquals(404, alice.get("no-such-auid/users/sip:alice@localhost/index").statusCode());
    assertEquals(403, alice.put("resource-lists/users/sip:alice@localhost/other", RL, lists()).statusCode(), "only index is kept");
    assertEquals(400, alice.get(ALICE_LISTS + "/~~/" + XcapClient.encode("resource-lists/list[99999999999]")).statusCode());
    assertEquals(404, new XcapClient(gateway.wsPort(), "alice", "alice-Pa55").get("").statusCode(), "the XCAP root itself");
    HttpResponse<String> caps = alice.get("xcap-caps/global/index");
    assertEquals(200, caps.statusCode());
    assertTrue(caps.body().contains("<auid>pres-rules</auid>") && caps.body().contains("<auid>rls-services</auid>"), caps.body());
  }

  private static String rules(String... rules) {
    StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<cr:ruleset xmlns=\"urn:ietf:params:xml:ns:pres-rules\" xmlns:cr=\"urn:ietf:params:xml:ns:common-policy\">");
    for (String r : rules) sb.append(r);
    return sb.append("</cr:ruleset>").toString();
  }

  /** A rule giving {@code handling} to the watchers {@code identity} (cr: elements) names. */
  private static String rule(String id, String identity, String handling) {
    return "<cr:rule id=\"" + id + "\"><cr:conditions><cr:identity>" + identity + "</cr:identity></cr:conditions>"
        + "<cr:actions><sub-handling>" + handling + "</sub-handling></cr:actions><cr:transformations/></cr:rule>";
  }

  /** A SUBSCRIBE to alice's presence from {@code watcher} (a local user), and its final response. */
  private static SipMessageText subscribe(SipPeer peer, String watcher, String event) throws IOException {
    peer.send(peer.request("SUBSCRIBE", aor("alice"), aor("alice"), "Event: " + event + "\r\nExpires: 600\r\n")
        .replace("sip:tester@localhost", aor(watcher)).replace("<sip:tester@", "<sip:" + watcher + "@"));
    return peer.finalResponse(ANSWER);
  }


  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void presRulesPutOverXcapApplyToLiveSubscriptionsAtOnce(String store) throws IOException {
    startWithUsers(store);
    XcapClient alice = as("alice");
    SipPeer bob = peer();
    SipPeer carol = peer();
    SipPeer aliceWinfo = peer();
    SipPeer alicePhone = peer();
    assertEquals(200, subscribe(bob, "bob", "presence").status());
    assertTrue(notified(bob).header("Subscription-State").startsWith("active"), "no rules: presence.defaultPolicy (allow)");
    String pidf = "<?xml version=\"1.0\"?><presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"sip:alice@localhost\">"
        + "<tuple id=\"t\"><status><basic>open</basic></status><note>at my desk</note></tuple></presence>";
    String publish = alicePhone.request("PUBLISH", aor("alice"), aor("alice"), "Event: presence\r\nContent-Type: application/pidf+xml\r\n")
        .replace("Content-Length: 0\r\n\r\n", "Content-Length: " + pidf.length() + "\r\n\r\n" + pidf);
    alicePhone.send(publish);
    assertEquals(200, alicePhone.finalResponse(ANSWER).status());
    assertTrue(body(notified(bob)).contains("at my desk"));

    // bob politely blocked: still active, shown closed, the note gone
    HttpResponse<String> put = alice.put(ALICE_RULES, RULES, rules(rule("bob", "<cr:one id=\"sip:bob@localhost\"/>", "polite-block"),
        rule("local", "<cr:many domain=\"localhost\"><cr:except id=\"sip:bob@localhost\"/></cr:many>", "confirm")));
    assertEquals(201, put.statusCode(), put::body);
    SipMessageText polite = notified(bob);
    assertTrue(polite.header("Subscription-State").startsWith("active"), polite::toString);
    assertTrue(body(polite).contains("<basic>closed</basic>") && !body(polite).contains("at my desk"), body(polite));

    // carol, of the domain: pending, told nothing; alice sees her pending in winfo
    assertEquals(200, subscribe(carol, "carol", "presence").status());
    SipMessageText pending = notified(carol);
    assertTrue(pending.header("Subscription-State").startsWith("pending"), pending::toString);
    assertEquals("", body(pending));
    assertEquals(200, subscribe(aliceWinfo, "alice", "presence.winfo").status());
    String winfo = body(notified(aliceWinfo));
    assertTrue(winfo.matches("(?s).*status=\"pending\">sip:carol@localhost<.*"), winfo);
    assertTrue(winfo.matches("(?s).*status=\"active\">sip:bob@localhost<.*"), winfo);

    // bob's rule changed to block by one element (no other rule lets him in, RFC 4745 §10.2): his subscription ends, rejected
    String subHandling = ALICE_RULES + "/~~/" + XcapClient.encode("ruleset/rule[@id=\"bob\"]/actions/pr:sub-handling")
        + "?xmlns(pr=urn:ietf:params:xml:ns:pres-rules)";
    HttpResponse<String> blocked = alice.put(subHandling, "application/xcap-el+xml",
        "<sub-handling xmlns=\"urn:ietf:params:xml:ns:pres-rules\">block</sub-handling>");
    assertEquals(200, blocked.statusCode(), blocked::body);
    SipMessageText rejected = notified(bob);
    assertEquals("terminated;reason=rejected", rejected.header("Subscription-State"), rejected::toString);
    assertFalse(body(rejected).contains("tuple"), "a rejected watcher is told nothing");
    assertTrue(notified(carol).header("Subscription-State").startsWith("pending"), "the rules changed, carol's state did not");
    assertEquals(403, subscribe(bob, "bob", "presence").status(), "a blocked watcher cannot come back");
    String winfoAfter = body(notified(aliceWinfo));
    assertFalse(winfoAfter.contains("sip:bob@localhost"), winfoAfter);

    // the rules gone: presence.defaultPolicy again, carol active and told the state
    assertEquals(200, alice.delete(ALICE_RULES).statusCode());
    SipMessageText active = notified(carol);
    assertTrue(active.header("Subscription-State").startsWith("active"), active::toString);
    assertTrue(body(active).contains("at my desk"), body(active));
    assertEquals(200, subscribe(bob, "bob", "presence").status(), "bob may watch again");
  }
}
