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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The presence server driven by SIPp scenarios (issue 12): a presence user agent publishing with
 * entity-tags (publish-presence.xml). The
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
}
