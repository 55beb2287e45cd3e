package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The presence server driven by SIPp scenarios (issue 12): a presence user agent publishing with
 * entity-tags (publish-presence.xml), a presentity watching its watchers (subscribe-winfo.xml), a
 * resource-list subscriber (subscribe-eventlist.xml) and a busy lamp (subscribe-dialog.xml). The
 * scenarios check what they receive themselves (regexp actions with check_it fail the call); the
 * test makes the changes between their steps with peers of its own and asserts SIPp's verdict,
 * against the memory store and a real redis-server.
 */
@Timeout(90)
class PresenceSippTest extends StoreGatewayTest {
  /** SIPp's own bound on a scenario run. */
  private static final Duration RUN = Duration.ofSeconds(20);
  /** How long the test waits for a run to end. */
  private static final Duration EXIT = RUN.plus(Sipp.EXIT_GRACE);

  private static final Pattern STATE = Pattern.compile("<state>([a-z]+)</state>");

  private final List<SippRun> runs = new ArrayList<>();

  @AfterEach
  void stopSipp() {
    for (SippRun r : runs) r.close();
  }

  /** {@code scenario} against the gateway for one call, its messages traced, started in the background. */
  private SippRun sipp(String scenario, String service, String... args) {
    SippRun r = Sipp.scenario(scenario).remote(HOST, gateway.port()).local(HOST).service(service).calls(1)
        .timeout(RUN).traceMessages().workDir(dir).arg(args).start();
    runs.add(r);
    return r;
  }

  /** The requests with {@code method} that a finished run received, in order. */
  private static List<SipMessageText> received(SippResult r, String method) {
    return r.traced().stream().filter(m -> m.received() && m.isRequest(method)).map(TracedMessage::message).toList();
  }

  /**
   * publish-presence.xml: create, refresh, a stale entity-tag (412), modify, remove, a removed one
   * (412). A watcher sees the first document, the modified one and the removal; the refresh changes
   * nothing it sees; each 200 carried a new entity-tag.
   */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aSippPresenceAgentPublishesRefreshesModifiesAndRemoves(String store) throws IOException {
    start(store, new JsonObject());
    SipPeer watcher = peer();
    assertEquals(200, ask(watcher, "SUBSCRIBE", aor("pia"), aor("pia"), "Event: presence\r\nExpires: 600\r\n", null, null).status());
    assertFalse(notified(watcher).body().contains("<tuple"), "nothing published yet");

    SippRun agent = sipp("publish-presence.xml", "pia");
    String created = notified(watcher).body();
    assertTrue(created.contains("<basic>open</basic>") && created.contains("published by SIPp"), created);
    String modified = notified(watcher).body();
    assertTrue(modified.contains("<basic>closed</basic>") && modified.contains("gone home"), "the refresh is not a change: " + modified);
    String removed = notified(watcher).body();
    assertFalse(removed.contains("<tuple"), "removed: " + removed);
    SippResult r = agent.awaitExit(EXIT).assertSucceeded(1);

    List<String> tags = r.traced().stream().filter(m -> m.received() && m.isResponse(200, "PUBLISH"))
        .map(m -> m.message().header("SIP-ETag")).filter(t -> t != null).distinct().toList();
    assertEquals(3, tags.size(), "a new entity-tag at the create, the refresh and the modification: " + tags + "\n" + r.messages());
    assertEquals(2, r.traced().stream().filter(m -> m.received() && m.isResponse(412, "PUBLISH")).count(), r::messages);
  }

  /**
   * subscribe-winfo.xml: the presentity hana (SIPp) watches her watchers: none, then the watcher the
   * test subscribes (active), then none when it unsubscribes; then she unsubscribes.
   */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aSippPresentitySeesAWatcherComeAndGo(String store) throws IOException {
    start(store, new JsonObject());
    SippRun hana = sipp("subscribe-winfo.xml", "hana");
    hana.awaitReceived("NOTIFY", 1, ANSWER);

    SipPeer watcher = peer();
    String subscribe = watcher.request("SUBSCRIBE", aor("hana"), aor("hana"), "Event: presence\r\nExpires: 600\r\n");
    watcher.send(subscribe);
    SipMessageText ok = watcher.finalResponse(ANSWER);
    assertEquals(200, ok.status(), ok::toString);
    notified(watcher);
    hana.awaitReceived("NOTIFY", 2, ANSWER);

    watcher.send(inDialog(subscribe, ok, 2, 0));
    assertEquals(200, watcher.finalResponse(ANSWER).status(), "unsubscribed");
    assertTrue(notified(watcher).header("Subscription-State").startsWith("terminated"));
    SippResult r = hana.awaitExit(EXIT).assertSucceeded(1);

    List<SipMessageText> notifies = received(r, "NOTIFY");
    assertEquals(4, notifies.size(), r::messages);
    assertTrue(notifies.get(0).body().contains("resource=\"sip:hana@localhost\""), notifies.get(0)::toString);
    assertTrue(notifies.get(1).body().contains(">sip:tester@localhost</watcher>"), "the watcher by its From: " + notifies.get(1));
  }

  /**
   * subscribe-eventlist.xml: alice (SIPp) subscribes to her list service: 421 without eventlist,
   * then 200, the full state of bob and carol, a partial NOTIFY of carol alone when she registers,
   * and the end.
   */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aSippListSubscriberGetsFullThenPartialState(String store) throws IOException {
    startXcap(store, "alice");
    XcapClient alice = as("alice");
    HttpResponse<String> lists = alice.put(ResourceListTest.LISTS, "application/resource-lists+xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list name=\"friends\">"
            + "<entry uri=\"sip:bob@localhost\"/><entry uri=\"sip:carol@localhost\"/></list></resource-lists>");
    assertEquals(201, lists.statusCode(), lists::body);
    HttpResponse<String> service = alice.put(ResourceListTest.SERVICES, "application/rls-services+xml",
        ResourceListTest.services("sip:alice-buddies@localhost", ResourceListTest.friends(gateway.wsPort())));
    assertEquals(201, service.statusCode(), service::body);

    SippRun list = sipp("subscribe-eventlist.xml", "alice-buddies", "-key", "user", "alice");
    list.awaitReceived("NOTIFY", 1, ANSWER);
    assertEquals(200, register(peer(), "carol", 600));
    SippResult r = list.awaitExit(EXIT).assertSucceeded(1);

    List<SipMessageText> notifies = received(r, "NOTIFY");
    assertEquals(3, notifies.size(), r::messages);
    String full = notifies.get(0).body();
    assertTrue(full.contains("uri=\"sip:alice-buddies@localhost\"") && full.contains("<resource uri=\"sip:bob@localhost\">")
        && full.contains("<resource uri=\"sip:carol@localhost\">"), full);
    String partial = notifies.get(1).body();
    assertTrue(partial.contains("<resource uri=\"sip:carol@localhost\">") && partial.contains("entity=\"sip:carol@localhost\""), partial);
  }

  /**
   * subscribe-dialog.xml: a busy lamp on bob (SIPp) follows a SIPp call to bob through trying,
   * early, confirmed and terminated, then unsubscribes.
   */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aSippBusyLampFollowsACall(String store) throws IOException {
    start(store, new JsonObject().put("presence", new JsonObject().put("dialogInfo", true)));
    Callee bob = Callee.listen("uas.xml", "bob", HOST, SippTransport.UDP, 1, RUN, dir, "-d", "300");
    try {
      Registration.register(HOST, gateway.port(), SippTransport.UDP, "bob", TestGateway.DOMAIN, List.of(bob.contact(1.0)));
      SippRun lamp = sipp("subscribe-dialog.xml", "bob");
      lamp.awaitReceived("NOTIFY", 1, ANSWER);
      Sipp.scenario("uac.xml").remote(HOST, gateway.port()).local(HOST).service("bob").calls(1).timeout(RUN)
          .arg("-d", "300").workDir(dir).run().assertSucceeded(1);
      SippResult r = lamp.awaitExit(EXIT).assertSucceeded(1);
      List<String> states = new ArrayList<>();
      for (SipMessageText n : received(r, "NOTIFY")) {
        Matcher m = STATE.matcher(n.body());
        if (m.find()) states.add(m.group(1));
      }
      assertEquals(List.of("trying", "early", "confirmed", "terminated"), states, r::messages);
      bob.awaitExit(EXIT).assertSucceeded(1);
    } finally {
      bob.close();
    }
  }
}
