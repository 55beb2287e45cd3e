package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * IM and presence with a real SIP client: baresip (Debian's, run headless, {@link Baresip}) as bob,
 * registered through the gateway over UDP on loopback, publishing its presence and watching alice's;
 * the other side is a peer written in the test. Bob's presence reaches a watcher of his, alice's
 * reaches bob, MESSAGEs go both ways, and one sent while bob is away reaches him when he is back;
 * against the memory store and a real redis-server.
 */
@Timeout(120)
class BaresipPresenceTest extends StoreGatewayTest {
  /** What baresip takes: to register and publish at start, to see a NOTIFY through its menu. */
  private static final Duration SETTLE = Duration.ofSeconds(10);
  private static final String PIDF = "application/pidf+xml";
  private static final Pattern TUPLE = Pattern.compile("(?s)<tuple\\b[^>]*>(.*?)</tuple>");
  private static final Pattern BASIC = Pattern.compile("<basic>\\s*(\\w+)\\s*</basic>");

  private final List<Baresip> clients = new ArrayList<>();

  @AfterEach
  void stopBaresip() {
    clients.forEach(Baresip::close);
  }

  /** A gateway on {@code store} and baresip as bob, watching alice, registered. */
  private Baresip startWithBob(String store, TestInfo test) throws IOException {
    start(store, new JsonObject());
    return bob(test);
  }

  private Baresip bob(TestInfo test) throws IOException {
    String logName = test.getTestMethod().orElseThrow().getName() + "-" + test.getDisplayName().replaceAll("\\W+", "");
    Baresip bob = Baresip.start(dir.resolve("baresip"), logName, "bob", gateway.port(), List.of("alice"));
    clients.add(bob);
    bob.awaitRegistered(SETTLE);
    return bob;
  }

  /**
   * The basic statuses of the tuples of a presence document whose contact is {@code contact}, in
   * order: the tuple baresip publishes (the gateway adds one of its own, without a contact, for a
   * registered user). One tuple per id: a second would be a stale publication of the same tuple.
   */
  private static List<String> statuses(String document, String contact) {
    List<String> found = new ArrayList<>();
    Matcher tuple = TUPLE.matcher(document);
    while (tuple.find()) {
      if (!tuple.group(1).contains("<contact>" + contact + "</contact>")) continue;
      Matcher basic = BASIC.matcher(tuple.group(1));
      found.add(basic.find() ? basic.group(1) : "(none)");
    }
    return found;
  }

  /** NOTIFYs to {@code watcher}, each answered 200, until one whose body satisfies {@code wanted}; fails after {@code bound}. */
  private static SipMessageText notifiedUntil(SipPeer watcher, Predicate<String> wanted, Duration bound, String what, Baresip bob)
      throws IOException {
    long deadline = System.nanoTime() + bound.toNanos();
    List<String> seen = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      SipMessageText m = left > 0 ? watcher.receive(Duration.ofNanos(left)) : null;
      if (m == null) throw new AssertionError("no NOTIFY " + what + " within " + bound + "; bodies seen:\n" + String.join("\n", seen) + "\n" + bob.describe());
      if (m.isResponse()) continue;
      assertEquals("NOTIFY", m.method(), m::toString);
      watcher.send(SipPeer.response(m, 200, "OK", null, ""));
      seen.add(m.body());
      if (wanted.test(m.body())) return m;
    }
  }

  /** A request from {@code peer} for {@code user} (Request-URI and To) and its final response. */
  private static SipMessageText ask(SipPeer peer, String method, String user, String headers, String type, String body) throws IOException {
    return ask(peer, method, aor(user), aor(user), headers, type, body);
  }

  /** alice's presence as an RPID-aware phone publishes it: open, with an activity when not null. */
  private static String alicePidf(String activity) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<presence xmlns=\"urn:ietf:params:xml:ns:pidf\""
        + " xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\" entity=\"" + aor("alice") + "\">"
        + "<tuple id=\"desk\"><status><basic>open</basic></status></tuple>"
        + (activity == null ? "" : "<dm:person id=\"p1\"><rpid:activities><rpid:" + activity + "/></rpid:activities></dm:person>")
        + "</presence>";
  }

  /**
   * baresip registers through the gateway (it is reached there: an OPTIONS for bob gets baresip's
   * answer) and publishes its presence; a watcher of bob's sees it, closed when bob sets himself
   * offline and open again when he is back online: one tuple of his in each document.
   */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void registersAndItsPublishedPresenceReachesAWatcher(String store, TestInfo test) throws IOException {
    start(store, new JsonObject());
    SipPeer watcher = peer();
    SipMessageText subscribed = ask(watcher, "SUBSCRIBE", "bob", "Event: presence\r\nAccept: " + PIDF + "\r\nExpires: 600\r\n", null, null);
    assertEquals(200, subscribed.status(), subscribed::toString);
    Baresip bob = bob(test);

    SipMessageText options = ask(peer(), "OPTIONS", "bob", "", null, null);
    assertEquals(200, options.status(), options::toString);
    String server = options.header("Server") != null ? options.header("Server") : options.header("User-Agent");
    assertTrue(server != null && server.startsWith("baresip"), "answered by baresip, reached at its binding: " + options);

    String bobAor = bob.aor();
    // baresip publishes at start ("unknown" until it has registered) and again, before the first is
    // answered, when it registers ("open"): which of the two the gateway takes last is a race
    notifiedUntil(watcher, d -> statuses(d, bobAor).size() == 1, SETTLE, "with bob's published tuple", bob);
    bob.command("presence_offline", null);
    notifiedUntil(watcher, d -> statuses(d, bobAor).equals(List.of("closed")), ANSWER, "with bob's tuple closed", bob);
    bob.command("presence_online", null);
    SipMessageText back = notifiedUntil(watcher, d -> statuses(d, bobAor).equals(List.of("open")), ANSWER, "with bob's tuple open again", bob);
    assertTrue(back.body().contains("entity=\"" + bobAor + "\""), back::toString);
  }

  /**
   * baresip watches alice (its contact with presence=p2p, a SUBSCRIBE through the gateway) and shows
   * her as the test's peer changes her presence: offline, online when she registers, busy when she
   * publishes an RPID activity, offline when the publication and her binding are gone.
   */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void watchesABuddyAndSeesHerPresenceChange(String store, TestInfo test) throws IOException {
    Baresip bob = startWithBob(store, test);
    SipPeer alice = peer();
    bob.awaitBuddy("alice", "Offline", SETTLE);

    assertEquals(200, register(alice, "alice", 600));
    bob.awaitBuddy("alice", "Online", ANSWER);

    SipMessageText busy = ask(alice, "PUBLISH", "alice", "Event: presence\r\nExpires: 600\r\n", PIDF, alicePidf("busy"));
    assertEquals(200, busy.status(), busy::toString);
    bob.awaitBuddy("alice", "Busy", ANSWER);

    SipMessageText removed = ask(alice, "PUBLISH", "alice", "Event: presence\r\nSIP-If-Match: " + busy.header("SIP-ETag") + "\r\nExpires: 0\r\n",
        null, null);
    assertEquals(200, removed.status(), removed::toString);
    bob.awaitBuddy("alice", "Online", ANSWER);
    assertEquals(200, register(alice, "alice", 0));
    bob.awaitBuddy("alice", "Offline", ANSWER);
  }

  /**
   * baresip sends alice a MESSAGE through the gateway (her registered peer gets it, from bob, with its
   * text), and a MESSAGE for bob reaches baresip, which answers 200 and shows it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void exchangesMessagesBothWays(String store, TestInfo test) throws IOException {
    Baresip bob = startWithBob(store, test);
    SipPeer alice = peer();
    assertEquals(200, register(alice, "alice", 600));

    bob.command("message", "hello alice, bob here");
    SipMessageText got = alice.receive(ANSWER);
    assertNotNull(got, "no MESSAGE from baresip reached alice\n" + bob.describe());
    assertEquals("MESSAGE", got.method(), got::toString);
    alice.send(SipPeer.response(got, 200, "OK", "al", ""));
    assertEquals("hello alice, bob here", got.body());
    assertTrue(got.header("From").contains(bob.aor()), got::toString);
    assertTrue(got.header("Content-Type").startsWith("text/plain"), got::toString);

    SipMessageText answered = ask(alice, "MESSAGE", "bob", "", "text/plain", "hi bob, how are you?");
    assertEquals(200, answered.status(), "baresip takes it: " + answered);
    bob.awaitOutput("sip:tester@" + TestGateway.DOMAIN + ": \"hi bob, how are you?\"", ANSWER);
  }

  /**
   * A MESSAGE for bob while baresip is not running (it unregistered when it quit) is kept (202) and
   * reaches baresip when it starts again and registers.
   */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aMessageKeptWhileItWasAwayReachesItWhenItRegisters(String store, TestInfo test) throws IOException {
    Baresip bob = startWithBob(store, test);
    bob.stop();
    SipMessageText kept = ask(peer(), "MESSAGE", "bob", "", "text/plain", "while you were out");
    assertEquals(202, kept.status(), "bob is offline, the message kept: " + kept + "\n" + bob.describe());

    bob.start();
    bob.awaitRegistered(SETTLE);
    bob.awaitOutput("sip:tester@" + TestGateway.DOMAIN + ": \"while you were out\"", SETTLE);
  }
}
