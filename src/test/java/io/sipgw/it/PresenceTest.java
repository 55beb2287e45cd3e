package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The presence server with peers written in the tests over UDP on loopback: PUBLISH with
 * entity-tags (RFC 3903), SUBSCRIBE and NOTIFY for the presence event (RFC 6665, 3856), presence
 * from registrations, and a SUBSCRIBE for a package the server does not serve routed end to end;
 * against the memory store and a real redis-server.
 */
@Timeout(60)
class PresenceTest extends StoreGatewayTest {
  private static final String PIDF = "application/pidf+xml";


  /** A gateway on the memory store, or on a real redis-server. */
  private void start(String store) { start(store, new JsonObject()); }

  private static String pidf(String user, String tuple, String basic, String note) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"" + aor(user) + "\">"
        + "<tuple id=\"" + tuple + "\"><status><basic>" + basic + "</basic></status>" + (note == null ? "" : "<note>" + note + "</note>")
        + "</tuple></presence>";
  }

  private static SipMessageText publish(SipPeer peer, String user, String headers, String body) throws IOException {
    return ask(peer, "PUBLISH", aor(user), aor(user), "Event: presence\r\n" + headers, body == null ? null : PIDF, body);
  }


  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void publishCreatesRefreshesModifiesAndRemovesByEntityTag(String store) throws IOException {
    start(store);
    SipPeer alice = peer();
    SipMessageText created = publish(alice, "alice", "Expires: 600\r\n", pidf("alice", "t1", "open", null));
    assertEquals(200, created.status(), created::toString);
    String e1 = created.header("SIP-ETag");
    assertNotNull(e1, created::toString);
    assertEquals("600", created.header("Expires"));

    SipMessageText refreshed = publish(alice, "alice", "SIP-If-Match: " + e1 + "\r\nExpires: 600\r\n", null);
    assertEquals(200, refreshed.status(), refreshed::toString);
    String e2 = refreshed.header("SIP-ETag");
    assertNotEquals(e1, e2, "a new entity-tag at each PUBLISH (RFC 3903 §6)");

    SipMessageText modified = publish(alice, "alice", "SIP-If-Match: " + e2 + "\r\n", pidf("alice", "t1", "closed", null));
    assertEquals(200, modified.status(), modified::toString);
    String e3 = modified.header("SIP-ETag");
    assertEquals(412, publish(alice, "alice", "SIP-If-Match: " + e1 + "\r\n", null).status(), "an old entity-tag is unknown");

    SipMessageText brief = publish(alice, "alice", "Expires: 10\r\n", pidf("alice", "t2", "open", null));
    assertEquals(423, brief.status(), brief::toString);
    assertEquals("60", brief.header("Min-Expires"));

    SipMessageText removed = publish(alice, "alice", "SIP-If-Match: " + e3 + "\r\nExpires: 0\r\n", null);
    assertEquals(200, removed.status(), removed::toString);
    assertEquals(412, publish(alice, "alice", "SIP-If-Match: " + e3 + "\r\n", null).status(), "removed");
  }

  @Test
  void publishThatIsNotPresenceOrNotPidfIsRefused() throws IOException {
    gateway = TestGateway.start();
    SipPeer alice = peer();
    SipMessageText badEvent = ask(alice, "PUBLISH", aor("alice"), aor("alice"), "Event: dialog\r\n", PIDF, pidf("alice", "t", "open", null));
    assertEquals(489, badEvent.status(), badEvent::toString);
    assertEquals("presence", badEvent.header("Allow-Events"));
    SipMessageText badType = ask(alice, "PUBLISH", aor("alice"), aor("alice"), "Event: presence\r\n", "text/plain", "open");
    assertEquals(415, badType.status(), badType::toString);
    SipMessageText badXml = publish(alice, "alice", "", "<presence><tuple>");
    assertEquals(400, badXml.status(), badXml::toString);
    SipMessageText noBody = publish(alice, "alice", "", null);
    assertEquals(400, noBody.status(), noBody::toString);
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aWatcherIsNotifiedAtOnceAtEachChangeAndWhenItUnsubscribes(String store) throws IOException {
    start(store);
    SipPeer alice = peer();
    SipPeer watcher = peer();
    String subscribe = watcher.request("SUBSCRIBE", aor("alice"), aor("alice"), "Event: presence\r\nAccept: " + PIDF + "\r\nExpires: 600\r\n");
    watcher.send(subscribe);
    SipMessageText ok = watcher.finalResponse(ANSWER);
    assertEquals(200, ok.status(), ok::toString);
    String toTag = ok.header("To").replaceFirst(".*;tag=", "");
    String contact = ok.header("Contact").replaceAll("[<>]", "");
    SipMessageText first = notified(watcher);
    assertTrue(first.header("Subscription-State").startsWith("active;expires="), first::toString);
    assertEquals("presence", first.header("Event"));
    assertTrue(first.body().contains("entity=\"sip:alice@localhost\""), first::toString);
    assertFalse(first.body().contains("<tuple"), "nothing published yet: " + first.body());

    assertEquals(200, publish(alice, "alice", "", pidf("alice", "pc", "open", "at my desk")).status());
    SipMessageText changed = notified(watcher);
    assertTrue(changed.body().contains("at my desk") && changed.body().contains("<basic>open</basic>"), changed::toString);
    assertTrue(changed.header("CSeq").startsWith("2 "), "NOTIFYs count up in their dialog: " + changed.header("CSeq"));

    SipMessageText phone = publish(alice, "alice", "", pidf("alice", "phone", "closed", "on the phone"));
    assertEquals(200, phone.status());
    SipMessageText both = notified(watcher);
    assertTrue(both.body().contains("at my desk") && both.body().contains("on the phone"), "one document of both publications: " + both.body());

    String inDialog = subscribe.replaceFirst("SUBSCRIBE [^ ]+ ", "SUBSCRIBE " + contact + " ")
        .replaceFirst("(?m)^(To: [^\r]*)", "$1;tag=" + toTag).replace("CSeq: 1 SUBSCRIBE", "CSeq: 2 SUBSCRIBE")
        .replaceFirst("branch=([^\r;]+)", "branch=$1r");
    watcher.send(inDialog);
    assertEquals(200, watcher.finalResponse(ANSWER).status(), "refreshed");
    assertTrue(notified(watcher).header("Subscription-State").startsWith("active"));

    watcher.send(inDialog.replace("Expires: 600", "Expires: 0").replace("CSeq: 2 SUBSCRIBE", "CSeq: 3 SUBSCRIBE")
        .replaceFirst("branch=([^\r;]+)", "branch=$1u"));
    assertEquals(200, watcher.finalResponse(ANSWER).status(), "unsubscribed");
    assertTrue(notified(watcher).header("Subscription-State").startsWith("terminated"));

    assertEquals(200, publish(alice, "alice", "", pidf("alice", "tv", "open", null)).status());
    assertEquals(null, watcher.receive(Duration.ofMillis(800)), "no NOTIFY after the end");
    watcher.send(inDialog.replace("CSeq: 2 SUBSCRIBE", "CSeq: 4 SUBSCRIBE").replaceFirst("branch=([^\r;]+)", "branch=$1x"));
    assertEquals(481, watcher.finalResponse(ANSWER).status(), "a subscription that ended does not exist");
  }

  /** A watcher over TCP gets its NOTIFYs down the connection its SUBSCRIBE came on (a route with a flow token). */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aWatcherOverTcpIsNotifiedOnItsConnection(String store) throws IOException {
    start(store);
    SipPeer watcher = SipPeer.open(SippTransport.TCP, HOST, gateway.port());
    peers.add(watcher);
    SipPeer fay = peer();
    assertEquals(200, ask(watcher, "SUBSCRIBE", aor("fay"), aor("fay"), "Event: presence\r\nExpires: 600\r\n", null, null).status());
    SipMessageText first = notified(watcher);
    assertTrue(first.header("Via").contains("TCP"), first::toString);
    assertEquals(200, publish(fay, "fay", "", pidf("fay", "t", "open", "over tcp")).status());
    assertTrue(notified(watcher).body().contains("over tcp"));
  }

  @Test
  void aSubscriptionThatIsNotRefreshedEndsWithATimeoutNotify() throws IOException {
    gateway = TestGateway.start(new JsonObject().put("presence", new JsonObject().put("minExpires", 1)));
    SipPeer watcher = peer();
    assertEquals(200, ask(watcher, "SUBSCRIBE", aor("carl"), aor("carl"), "Event: presence\r\nExpires: 2\r\n", null, null).status());
    notified(watcher);
    SipMessageText end = notified(watcher);
    assertEquals("terminated;reason=timeout", end.header("Subscription-State"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aUserWhoRegistersIsOpenAndClosedWhenTheLastBindingGoes(String store) throws IOException {
    start(store);
    SipPeer watcher = peer();
    SipPeer dan = peer();
    assertEquals(200, ask(watcher, "SUBSCRIBE", aor("dan"), aor("dan"), "Event: presence\r\nExpires: 600\r\n", null, null).status());
    notified(watcher);
    dan.send(dan.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor("dan"), "Expires: 600\r\n"));
    assertEquals(200, dan.finalResponse(ANSWER).status());
    assertTrue(notified(watcher).body().contains("<basic>open</basic>"), "open while registered");
    dan.send(dan.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor("dan"), "Expires: 0\r\n"));
    assertEquals(200, dan.finalResponse(ANSWER).status());
    assertTrue(notified(watcher).body().contains("<basic>closed</basic>"), "closed when the last binding went");
  }

  /** pua_usrloc without a REGISTER: a binding that runs out by itself shows its user closed then. */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aUserWhoseLastBindingExpiresIsShownClosedWithoutARegister(String store) throws IOException {
    start(store, new JsonObject().put("registrar", new JsonObject().put("minExpires", 1)));
    SipPeer watcher = peer();
    SipPeer ivy = peer();
    assertEquals(200, ask(watcher, "SUBSCRIBE", aor("ivy"), aor("ivy"), "Event: presence\r\nExpires: 600\r\n", null, null).status());
    notified(watcher);
    assertEquals(200, register(ivy, "ivy", 2));
    assertTrue(body(notified(watcher)).contains("<basic>open</basic>"), "open while registered");
    long registered = System.nanoTime();
    SipMessageText closed = notified(watcher);
    assertTrue(body(closed).contains("<basic>closed</basic>"), closed::toString);
    long after = (System.nanoTime() - registered) / 1_000_000;
    assertTrue(after >= 1000 && after < 4000, "closed when the two seconds ran out, not before: after " + after + " ms");
  }

  @Test
  void aSubscribeForAnotherPackageGoesToTheUser() throws IOException {
    gateway = TestGateway.start();
    SipPeer erin = peer();
    SipPeer watcher = peer();
    erin.send(erin.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor("erin"), "Expires: 600\r\n"));
    assertEquals(200, erin.finalResponse(ANSWER).status());
    watcher.send(watcher.request("SUBSCRIBE", aor("erin"), aor("erin"), "Event: message-summary\r\nExpires: 600\r\n"));
    SipMessageText routed = erin.receive(ANSWER);
    assertNotNull(routed, "the SUBSCRIBE for message-summary did not reach the user");
    assertEquals("SUBSCRIBE", routed.method());
    erin.send(SipPeer.response(routed, 200, "OK", "mwi", ""));
    assertEquals(200, watcher.finalResponse(ANSWER).status());
  }

  /**
   * SIPp as the watcher (subscribe-presence.xml): subscribed, notified at once, notified again with
   * the PIDF the test publishes meanwhile, unsubscribed and notified that it ended.
   */
  @Test
  void aSippWatcherSubscribesIsNotifiedAndUnsubscribes() throws IOException, InterruptedException {
    start("memory");
    SippRun watcher = Sipp.scenario("subscribe-presence.xml").remote(HOST, gateway.port()).local(HOST).service("gina").calls(1)
        .timeout(Duration.ofSeconds(20)).traceMessages().workDir(dir).start();
    Thread.sleep(1500); // the SUBSCRIBE and its first NOTIFY take milliseconds on loopback
    assertEquals(200, publish(peer(), "gina", "", pidf("gina", "sipp", "open", null)).status());
    watcher.awaitExit(Duration.ofSeconds(20)).assertSucceeded(1);
  }

  /** presence.winfo (RFC 3857, 3858): a user sees who watches it, as watchers come and go; no one else may look. */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aUserSeesWhoWatchesItAndNoOneElseMay(String store) throws IOException {
    start(store);
    SipPeer hana = peer();
    SipPeer watcher = peer();
    String own = hana.request("SUBSCRIBE", aor("hana"), aor("hana"), "Event: presence.winfo\r\nExpires: 600\r\n")
        .replace("sip:tester@" + TestGateway.DOMAIN, "sip:hana@" + TestGateway.DOMAIN);
    hana.send(own);
    assertEquals(200, hana.finalResponse(ANSWER).status());
    SipMessageText none = notified(hana);
    assertEquals("presence.winfo", none.header("Event"));
    assertEquals("application/watcherinfo+xml", none.header("Content-Type"));
    assertTrue(none.body().contains("version=\"0\"") && none.body().contains("resource=\"sip:hana@localhost\"")
        && !none.body().contains("<watcher "), none.body());

    String subscribe = watcher.request("SUBSCRIBE", aor("hana"), aor("hana"), "Event: presence\r\nExpires: 600\r\n");
    watcher.send(subscribe);
    SipMessageText ok = watcher.finalResponse(ANSWER);
    assertEquals(200, ok.status());
    notified(watcher);
    SipMessageText one = notified(hana);
    assertTrue(one.body().contains(">sip:tester@localhost</watcher>") && one.body().contains("version=\"1\""), one.body());

    String contact = ok.header("Contact").replaceAll("[<>]", "");
    watcher.send(subscribe.replaceFirst("SUBSCRIBE [^ ]+ ", "SUBSCRIBE " + contact + " ")
        .replaceFirst("(?m)^(To: [^\r]*)", "$1;tag=" + ok.header("To").replaceFirst(".*;tag=", ""))
        .replace("CSeq: 1 SUBSCRIBE", "CSeq: 2 SUBSCRIBE").replace("Expires: 600", "Expires: 0").replaceFirst("branch=([^\r;]+)", "branch=$1u"));
    assertEquals(200, watcher.finalResponse(ANSWER).status());
    notified(watcher);
    SipMessageText gone = notified(hana);
    assertFalse(gone.body().contains("<watcher "), "the watcher left: " + gone.body());

    SipMessageText nosy = ask(peer(), "SUBSCRIBE", aor("hana"), aor("hana"), "Event: presence.winfo\r\nExpires: 600\r\n", null, null);
    assertEquals(403, nosy.status(), nosy::toString);
  }

  /**
   * Busy lamps (RFC 4235, presence.dialogInfo): a subscriber of bob's dialog event sees a SIPp call to
   * bob go trying, early, confirmed and terminated, and the ended call leave the document.
   */
  @Test
  void aBusyLampFollowsACallThroughItsStates() throws IOException {
    gateway = TestGateway.start(new JsonObject().put("presence", new JsonObject().put("dialogInfo", true)));
    Callee bob = Callee.listen("uas.xml", "bob", HOST, SippTransport.UDP, 1, Duration.ofSeconds(30), dir, "-d", "300");
    try {
      Registration.register(HOST, gateway.port(), SippTransport.UDP, "bob", TestGateway.DOMAIN, List.of(bob.contact(1.0)));
      SipPeer lamp = peer();
      SipMessageText ok = ask(lamp, "SUBSCRIBE", aor("bob"), aor("bob"), "Event: dialog\r\nExpires: 600\r\n", null, null);
      assertEquals(200, ok.status(), ok::toString);
      SipMessageText first = notified(lamp);
      assertEquals("application/dialog-info+xml", first.header("Content-Type"));
      assertFalse(first.body().contains("<dialog "), "no call yet: " + first.body());

      SippRun caller = Sipp.scenario("uac.xml").remote(HOST, gateway.port()).local(HOST).service("bob").calls(1)
          .timeout(Duration.ofSeconds(20)).arg("-d", "300").workDir(dir).start();
      List<String> states = new ArrayList<>();
      String last = "";
      while (!last.contains("<state>terminated</state>")) {
        last = notified(lamp).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<state>([a-z]+)</state>").matcher(last);
        if (m.find()) states.add(m.group(1));
      }
      assertEquals(List.of("trying", "early", "confirmed", "terminated"), states);
      assertTrue(last.contains("direction=\"recipient\""), last);
      caller.awaitExit(Duration.ofSeconds(20)).assertSucceeded(1);
      assertEquals(null, lamp.receive(Duration.ofMillis(800)), "reported terminated once");
    } finally {
      bob.close();
    }
  }

  /** A user bound to its connection (a browser's way: a .invalid Contact) is closed when the connection goes. */
  @Test
  void aUserWhoseConnectionClosesIsClosed() throws IOException {
    start("memory");
    SipPeer watcher = peer();
    assertEquals(200, ask(watcher, "SUBSCRIBE", aor("ken"), aor("ken"), "Event: presence\r\nExpires: 600\r\n", null, null).status());
    notified(watcher);
    try (SipPeer ken = SipPeer.open(SippTransport.TCP, HOST, gateway.port())) {
      ken.send(ken.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor("ken"),
          "Contact: <sip:ken@k3n.invalid;transport=tcp>\r\nExpires: 600\r\n"));
      assertEquals(200, ken.finalResponse(ANSWER).status());
      assertTrue(notified(watcher).body().contains("<basic>open</basic>"));
    }
    assertTrue(notified(watcher).body().contains("<basic>closed</basic>"), "closed when its connection closed");
  }

  /**
   * presence.defaultPolicy for users with no rules of their own: confirm (pending, no state shown, and
   * pending in winfo), polite-block (active, shown closed whatever is published), block (403).
   */
  @Test
  void theDefaultPolicyDecidesWhatAWatcherIsShown() throws IOException {
    gateway = TestGateway.start(new JsonObject().put("presence", new JsonObject().put("defaultPolicy", "confirm")));
    SipPeer lily = peer();
    SipPeer watcher = peer();
    assertEquals(200, publish(lily, "lily", "", pidf("lily", "t", "open", "secret plans")).status());
    assertEquals(200, ask(watcher, "SUBSCRIBE", aor("lily"), aor("lily"), "Event: presence\r\nExpires: 600\r\n", null, null).status());
    SipMessageText pending = notified(watcher);
    assertTrue(pending.header("Subscription-State").startsWith("pending;expires="), pending::toString);
    assertEquals("", pending.body(), "a pending watcher is shown nothing");
    String own = lily.request("SUBSCRIBE", aor("lily"), aor("lily"), "Event: presence.winfo\r\nExpires: 600\r\n")
        .replace("sip:tester@" + TestGateway.DOMAIN, "sip:lily@" + TestGateway.DOMAIN);
    lily.send(own);
    assertEquals(200, lily.finalResponse(ANSWER).status());
    assertTrue(notified(lily).body().contains("status=\"pending\""), "lily sees a watcher waiting for her");
    gateway.close();

    gateway = TestGateway.start(new JsonObject().put("presence", new JsonObject().put("defaultPolicy", "polite-block")));
    SipPeer mona = SipPeer.open(SippTransport.UDP, HOST, gateway.port());
    SipPeer watcher2 = SipPeer.open(SippTransport.UDP, HOST, gateway.port());
    peers.add(mona);
    peers.add(watcher2);
    assertEquals(200, publish(mona, "mona", "", pidf("mona", "t", "open", "secret plans")).status());
    assertEquals(200, ask(watcher2, "SUBSCRIBE", aor("mona"), aor("mona"), "Event: presence\r\nExpires: 600\r\n", null, null).status());
    SipMessageText blocked = notified(watcher2);
    assertTrue(blocked.header("Subscription-State").startsWith("active"), blocked::toString);
    assertTrue(blocked.body().contains("<basic>closed</basic>") && !blocked.body().contains("secret plans"), blocked.body());
    gateway.close();

    gateway = TestGateway.start(new JsonObject().put("presence", new JsonObject().put("defaultPolicy", "block")));
    SipPeer watcher3 = SipPeer.open(SippTransport.UDP, HOST, gateway.port());
    peers.add(watcher3);
    assertEquals(403, ask(watcher3, "SUBSCRIBE", aor("nina"), aor("nina"), "Event: presence\r\nExpires: 600\r\n", null, null).status());
  }
}
