package io.sipgw.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sipgw.config.DispatcherConfig;
import io.sipgw.config.SipgwConfig;
import io.sipgw.sip.MessageParser;
import io.sipgw.sip.SipRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Destination sets: how each algorithm spreads requests and orders the failover list, that a down
 * destination is passed over, what least-calls counts, and that a reload keeps the state of the
 * destinations it keeps.
 */
class DestinationSetsTest {
  private static final String A = "sip:127.0.0.1:5071";
  private static final String B = "sip:127.0.0.1:5072";
  private static final String C = "sip:127.0.0.1:5073";

  /** The sets of {@code {"sets": [...]}} as the config reads them. */
  static DispatcherConfig config(String sets) {
    return SipgwConfig.fromJson(new JsonObject("{\"dispatcher\": {\"sets\": " + sets + "}}")).dispatcher();
  }

  /** One set "pbx" of A, B, C with {@code algorithm} and the extra keys {@code more} (e.g. {@code , "hashOn": "fromUser"}). */
  static DestinationSets pbx(String algorithm, String more) {
    return new DestinationSets(config("[{\"name\": \"pbx\", \"algorithm\": \"" + algorithm + "\"" + more + ", \"destinations\": ["
        + "{\"uri\": \"" + A + "\"}, {\"uri\": \"" + B + "\"}, {\"uri\": \"" + C + "\"}]}]"));
  }

  static SipRequest invite(String callId, String fromUser, String ruri) {
    String text = "INVITE " + ruri + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-" + callId + "\r\n"
        + "From: <sip:" + fromUser + "@localhost>;tag=a1\r\nTo: <" + ruri + ">\r\nCall-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n"
        + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    try {
      return (SipRequest) MessageParser.parse(b, 0, b.length, true);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static SipRequest invite(String callId) { return invite(callId, "alice", "sip:service@pbx.localhost"); }

  static List<String> uris(List<Destination> list) { return list.stream().map(d -> d.uri().toString()).toList(); }

  /** The destination chosen first for each of {@code n} requests (Call-IDs c0, c1, …), counted by URI. */
  static Map<String, Integer> spread(DestinationSets sets, int n) {
    Map<String, Integer> count = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) count.merge(sets.select("pbx", invite("c" + i)).get(0).uri().toString(), 1, Integer::sum);
    return count;
  }

  static Member member(DestinationSets sets, String uri) {
    for (Member m : sets.pools().get("pbx").members) if (m.uri().toString().equals(uri)) return m;
    throw new AssertionError("no " + uri);
  }

  @Test
  void anOperatorSetsADestinationDownAndUp() {
    DestinationSets sets = pbx("roundRobin", "");
    assertTrue(sets.setState("pbx", B, false));
    assertFalse(uris(sets.select("pbx", invite("1"))).contains(B));
    assertFalse(sets.setState("pbx", B, false), "already down");
    assertTrue(sets.setState("pbx", B, true));
    assertTrue(member(sets, B).up());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> sets.setState("nope", B, false)).getMessage().contains("nope"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> sets.setState("pbx", "sip:192.0.2.99", false)).getMessage()
        .contains("sip:192.0.2.99"));
  }

  @Test
  void roundRobinTakesEachInTurnAndListsTheRestInOrder() {
    DestinationSets sets = pbx("roundRobin", "");
    assertEquals(List.of(A, B, C), uris(sets.select("pbx", invite("1"))));
    assertEquals(List.of(B, C, A), uris(sets.select("pbx", invite("2"))));
    assertEquals(List.of(C, A, B), uris(sets.select("pbx", invite("3"))));
    assertEquals(List.of(A, B, C), uris(sets.select("pbx", invite("4"))));
    assertEquals(Map.of(A, 100, B, 100, C, 100), spread(sets, 300));
  }

  @Test
  void aDownDestinationIsNeitherChosenNorListedAndComesBackWhenUp() {
    DestinationSets sets = pbx("roundRobin", "");
    member(sets, B).health.up = false;
    for (int i = 0; i < 30; i++) {
      List<String> got = uris(sets.select("pbx", invite("c" + i)));
      assertEquals(2, got.size(), got::toString);
      assertFalse(got.contains(B), got::toString);
    }
    assertEquals(Map.of(A, 150, C, 150), spread(sets, 300), "the others share B's turns equally");
    member(sets, B).health.up = true;
    assertEquals(Map.of(A, 100, B, 100, C, 100), spread(sets, 300));
    for (Member m : sets.pools().get("pbx").members) m.health.up = false;
    assertEquals(List.of(), sets.select("pbx", invite("x")));
  }

  @Test
  void weightedSpreadsInProportionToTheWeightsWithoutBursts() {
    DestinationSets sets = new DestinationSets(config("[{\"name\": \"pbx\", \"algorithm\": \"weighted\", \"destinations\": ["
        + "{\"uri\": \"" + A + "\", \"weight\": 5}, {\"uri\": \"" + B + "\"}, {\"uri\": \"" + C + "\"}]}]"));
    List<String> turn = new ArrayList<>();
    for (int i = 0; i < 7; i++) turn.add(sets.select("pbx", invite("t" + i)).get(0).uri().toString());
    assertEquals(List.of(A, A, B, A, C, A, A), turn, "smooth weighted round robin: the heavy one spread out");
    assertEquals(Map.of(A, 500, B, 100, C, 100), spread(sets, 700));
    // the failover list: the others that are up, heaviest first
    failoverHeaviestFirst(sets);
    // A down: B and C share its part equally; C down: A and B share it 5 to 1
    member(sets, A).health.up = false;
    Map<String, Integer> withoutA = spread(sets, 700);
    assertNull(withoutA.get(A));
    assertEquals(Map.of(B, 350, C, 350), withoutA);
    member(sets, A).health.up = true;
    member(sets, C).health.up = false;
    assertEquals(Map.of(A, 500, B, 100), spread(sets, 600));
  }

  /** Selects until C is chosen: then A (weight 5) before B (weight 1) in the failover list. */
  private static void failoverHeaviestFirst(DestinationSets sets) {
    for (int i = 0; i < 7; i++) {
      List<String> got = uris(sets.select("pbx", invite("r" + i)));
      if (got.get(0).equals(C)) {
        assertEquals(List.of(C, A, B), got);
        return;
      }
    }
    throw new AssertionError("C never chosen in a turn");
  }

  @Test
  void weightsWithACommonDivisorMakeAShortTurn() {
    DestinationSets sets = new DestinationSets(config("[{\"name\": \"pbx\", \"algorithm\": \"weighted\", \"destinations\": ["
        + "{\"uri\": \"" + A + "\", \"weight\": 200}, {\"uri\": \"" + B + "\", \"weight\": 100}]}]"));
    List<String> turn = new ArrayList<>();
    for (int i = 0; i < 6; i++) turn.add(sets.select("pbx", invite("t" + i)).get(0).uri().toString());
    assertEquals(List.of(A, B, A, A, B, A), turn);
  }

  @Test
  void hashSendsTheSameCallIdToTheSameDestinationAndMovesOnOnlyWhileItIsDown() {
    DestinationSets sets = pbx("hash", "");
    Map<String, String> first = new LinkedHashMap<>();
    for (int i = 0; i < 3000; i++) first.put("call-" + i, sets.select("pbx", invite("call-" + i)).get(0).uri().toString());
    for (int round = 0; round < 3; round++) {
      for (Map.Entry<String, String> e : first.entrySet()) {
        assertEquals(e.getValue(), sets.select("pbx", invite(e.getKey())).get(0).uri().toString(), e.getKey());
      }
    }
    Map<String, Integer> spread = new LinkedHashMap<>();
    first.values().forEach(u -> spread.merge(u, 1, Integer::sum));
    for (String u : List.of(A, B, C)) assertTrue(spread.getOrDefault(u, 0) > 800, () -> "3000 Call-IDs over three: " + spread);

    // the failover order is the ring from the chosen one; with the chosen one down, the next up one takes its keys
    String onB = first.entrySet().stream().filter(e -> e.getValue().equals(B)).findFirst().orElseThrow().getKey();
    assertEquals(List.of(B, C, A), uris(sets.select("pbx", invite(onB))));
    member(sets, B).health.up = false;
    assertEquals(List.of(C, A), uris(sets.select("pbx", invite(onB))));
    for (Map.Entry<String, String> e : first.entrySet()) {
      String now = sets.select("pbx", invite(e.getKey())).get(0).uri().toString();
      assertEquals(e.getValue().equals(B) ? C : e.getValue(), now, "only B's keys move, to the next one up: " + e.getKey());
    }
    member(sets, B).health.up = true;
    assertEquals(B, sets.select("pbx", invite(onB)).get(0).uri().toString());
  }

  @Test
  void hashOnFromUserOrRequestUriIgnoresTheCallId() {
    DestinationSets byFrom = pbx("hash", ", \"hashOn\": \"fromUser\"");
    DestinationSets byRuri = pbx("hash", ", \"hashOn\": \"requestUri\"");
    for (String user : List.of("alice", "bob", "carol", "dave", "erin")) {
      String f = byFrom.select("pbx", invite("x-" + user, user, "sip:s@pbx.localhost")).get(0).uri().toString();
      String r = byRuri.select("pbx", invite("y-" + user, "alice", "sip:" + user + "@pbx.localhost")).get(0).uri().toString();
      for (int i = 0; i < 20; i++) {
        assertEquals(f, byFrom.select("pbx", invite("c" + i, user, "sip:other" + i + "@pbx.localhost")).get(0).uri().toString());
        assertEquals(r, byRuri.select("pbx", invite("d" + i, "u" + i, "sip:" + user + "@PBX.localhost;transport=udp")).get(0).uri().toString());
      }
    }
    Map<String, Integer> users = new LinkedHashMap<>();
    for (int i = 0; i < 300; i++) users.merge(byFrom.select("pbx", invite("z", "user" + i, "sip:s@pbx.localhost")).get(0).uri().toString(), 1, Integer::sum);
    assertEquals(3, users.size(), users::toString);
  }

  @Test
  void leastCallsChoosesTheOneWithFewestCallsInProgress() {
    DestinationSets sets = pbx("leastCalls", "");
    Destination a = member(sets, A);
    Destination b = member(sets, B);
    a.callStarted();
    a.callStarted();
    b.callStarted();
    assertEquals(List.of(C, B, A), uris(sets.select("pbx", invite("1"))));
    Destination c = sets.select("pbx", invite("2")).get(0);
    c.callStarted();
    c.callStarted();
    c.callStarted();
    assertEquals(List.of(B, A, C), uris(sets.select("pbx", invite("3"))));
    a.callEnded();
    a.callEnded();
    a.callEnded(); // one more than started: never below 0
    assertEquals(0, a.activeCalls());
    assertEquals(List.of(A, B, C), uris(sets.select("pbx", invite("4"))));
    // calls that start on the chosen one and end later keep the three level
    DestinationSets level = pbx("leastCalls", "");
    List<Destination> active = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Destination d = level.select("pbx", invite("l" + i)).get(0);
      d.callStarted();
      active.add(d);
    }
    for (String u : List.of(A, B, C)) assertEquals(100, member(level, u).activeCalls(), u);
    active.forEach(Destination::callEnded);
    for (String u : List.of(A, B, C)) assertEquals(0, member(level, u).activeCalls(), u);
    // ties take turns
    assertEquals(Map.of(A, 10, B, 10, C, 10), spread(level, 30));
  }

  @Test
  void selectingFromManyThreadsAtOnceLosesNoTurn() throws Exception {
    DestinationSets sets = pbx("roundRobin", "");
    int threads = 6;
    int each = 3000;
    Map<String, AtomicInteger> count = new ConcurrentHashMap<>();
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(threads);
    SipRequest req = invite("same");
    for (int t = 0; t < threads; t++) {
      new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < each; i++) {
            Destination d = sets.select("pbx", req).get(0);
            d.callStarted();
            count.computeIfAbsent(d.uri().toString(), k -> new AtomicInteger()).incrementAndGet();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          done.countDown();
        }
      }).start();
    }
    start.countDown();
    assertTrue(done.await(30, TimeUnit.SECONDS));
    for (String u : List.of(A, B, C)) {
      assertEquals(threads * each / 3, count.get(u).get(), u);
      assertEquals(threads * each / 3, member(sets, u).activeCalls(), u);
    }
  }

  @Test
  void aReloadKeepsTheStateOfDestinationsWhoseUriStays() {
    DestinationSets sets = new DestinationSets(config("[{\"name\": \"pbx\", \"probe\": {\"interval\": 2}, \"destinations\": ["
        + "{\"uri\": \"" + A + "\"}, {\"uri\": \"" + B + "\"}, {\"uri\": \"" + C + "\"}]}]"));
    AtomicInteger reloads = new AtomicInteger();
    sets.onReload(reloads::incrementAndGet);
    Destination a = member(sets, A);
    a.callStarted();
    member(sets, B).health.up = false;
    member(sets, B).health.failed = 2;
    // B gets a weight, C goes, D comes, the algorithm changes
    String d = "sip:127.0.0.1:5074";
    sets.reload(config("[{\"name\": \"pbx\", \"algorithm\": \"weighted\", \"probe\": {\"interval\": 5}, \"destinations\": ["
        + "{\"uri\": \"" + d + "\"}, {\"uri\": \"" + A + "\"}, {\"uri\": \"" + B + "\", \"weight\": 3}]},"
        + " {\"name\": \"other\", \"destinations\": [{\"uri\": \"" + B + "\"}]}]"));
    assertEquals(1, reloads.get());
    assertEquals(1, member(sets, A).activeCalls(), "A's call in progress is still counted");
    assertFalse(member(sets, B).up(), "B is still down");
    assertEquals(2, member(sets, B).health.failed);
    assertEquals(3, member(sets, B).weight());
    assertTrue(member(sets, d).up(), "a new destination starts up");
    assertEquals(List.of(d, A), uris(sets.select("pbx", invite("1"))));
    assertTrue(sets.select("other", invite("1")).get(0).up(), "the same URI in another set is another destination");
    // a call that started before the reload ends after it on the same count
    a.callEnded();
    assertEquals(0, member(sets, A).activeCalls());
    // without probing nothing is down
    sets.reload(config("[{\"name\": \"pbx\", \"destinations\": [{\"uri\": \"" + A + "\"}, {\"uri\": \"" + B + "\"}]}]"));
    assertTrue(member(sets, B).up());
    assertFalse(sets.has("other"));
    assertEquals(List.of(), sets.select("other", invite("1")));
  }

  @Test
  void unknownSetsSelectNothing() {
    DestinationSets sets = pbx("roundRobin", ", \"failover\": {\"codes\": [\"5xx\"], \"timeout\": 300}");
    assertTrue(sets.has("pbx"));
    assertFalse(sets.has("PBX"));
    assertEquals(List.of(), sets.select("none", invite("1")));
    assertNull(sets.failover("none"));
    assertEquals(300, sets.failover("pbx").timeout());
    assertTrue(sets.failover("pbx").failsOver(502));
    assertNotEquals(null, sets.status());
    assertEquals(3, sets.status().getJsonObject(0).getJsonArray("destinations").size());
  }

  @Test
  void probesTakeADestinationDownAfterFailuresInARowAndUpAfterSuccesses() {
    Member.Health h = new Member.Health();
    assertTrue(h.up, "destinations start up");
    assertFalse(h.probeFailed(2));
    assertFalse(h.probeAnswered(1), "an answer while up changes nothing");
    assertFalse(h.probeFailed(2), "the failures must be in a row");
    assertTrue(h.probeFailed(2), "second failure in a row: down");
    assertFalse(h.up);
    assertFalse(h.probeFailed(2), "already down: no second change");
    assertFalse(h.probeAnswered(3));
    assertFalse(h.probeAnswered(3));
    assertFalse(h.probeFailed(2));
    assertFalse(h.probeAnswered(3), "the answers must be in a row");
    assertFalse(h.probeAnswered(3));
    assertTrue(h.probeAnswered(3), "third answer in a row: up");
    assertTrue(h.up);
  }
}
