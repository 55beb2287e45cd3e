package io.sipgw.lcr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.ConfigException;
import io.sipgw.config.LcrConfig;
import io.sipgw.config.SipgwConfig;
import io.sipgw.sip.SipUri;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LcrTableTest {
  /** Friday 2026-12-04 12:00 UTC. */
  private static final long NOON = LocalDateTime.parse("2026-12-04T12:00").toInstant(ZoneOffset.UTC).toEpochMilli();

  @TempDir Path dir;

  /** Gateways gw1..gw5 at sip:127.0.0.1:508N and {@code rules}. */
  static LcrConfig config(String rules, String... more) {
    JsonArray gateways = new JsonArray();
    for (int i = 1; i <= 5; i++) gateways.add(new JsonObject().put("name", "gw" + i).put("uri", "sip:127.0.0.1:508" + i));
    JsonObject lcr = new JsonObject().put("gateways", gateways).put("rules", new JsonArray(rules));
    for (int i = 0; i + 1 < more.length; i += 2) lcr.put(more[i], more[i + 1]);
    SipgwConfig c = SipgwConfig.fromJson(new JsonObject().put("lcr", lcr));
    c.checkFiles();
    return c.lcr();
  }

  static String rule(String prefix, String extra, String... gatewaysByPriority) {
    StringBuilder t = new StringBuilder();
    for (int i = 0; i < gatewaysByPriority.length; i++) {
      t.append(i == 0 ? "" : ", ").append("{\"gateway\": \"").append(gatewaysByPriority[i]).append("\", \"priority\": ").append(i).append('}');
    }
    return "{\"prefix\": \"" + prefix + "\"" + (extra.isEmpty() ? "" : ", " + extra) + ", \"targets\": [" + t + "]}";
  }

  private static List<String> ports(List<SipUri> uris) { return uris.stream().map(u -> "gw" + (u.port() - 5080)).toList(); }

  @Test
  void theLongestPrefixWins() {
    LcrTable t = LcrTable.of(config("[" + rule("+49", "", "gw1", "gw2") + ", " + rule("+4930", "", "gw3") + ", "
        + rule("+1", "", "gw4") + ", " + rule("", "", "gw5") + "]"));
    assertEquals(List.of("gw3"), ports(t.match("+4930123456", null, "localhost", NOON)));
    assertEquals(List.of("gw1", "gw2"), ports(t.match("+4989123456", null, "localhost", NOON)));
    assertEquals(List.of("gw1", "gw2"), ports(t.match("+49", null, "localhost", NOON)));
    assertEquals(List.of("gw1", "gw2"), ports(t.match("+493", null, "localhost", NOON)), "+493 is no prefix of its own: +49's");
    assertEquals(List.of("gw4"), ports(t.match("+15551234", null, null, NOON)));
    assertEquals(List.of("gw5"), ports(t.match("4930123", null, null, NOON)), "no '+': only the default rule");
    assertEquals(List.of("gw5"), ports(t.match("alice", null, null, NOON)));
    assertEquals(List.of("gw5"), ports(t.match("", null, null, NOON)));
    assertEquals(List.of("gw5"), ports(t.match(null, null, null, NOON)), "no user part");
    assertEquals(List.of("gw1", "gw2"), ports(t.match("+49-30-123", null, null, NOON)), "matched as given: stops at the '-'");
    assertEquals(List.of("gw3"), ports(t.match("+4930123;npdi", null, null, NOON)));
    assertEquals(4, t.rules());
    assertEquals(4, t.prefixes());
  }

  @Test
  void withoutADefaultRuleAnUnknownNumberMatchesNothing() {
    LcrTable t = LcrTable.of(config("[" + rule("+49", "", "gw1") + "]"));
    assertEquals(List.of(), t.match("+33123", null, "localhost", NOON));
    assertEquals(List.of(), t.match("+4", null, "localhost", NOON));
    assertEquals(List.of(), LcrTable.EMPTY.match("+49", null, null, NOON));
  }

  @Test
  void fromPrefixAndDomainAreConditions() {
    LcrTable t = LcrTable.of(config("[" + rule("+49", "\"domain\": \"localhost\"", "gw1") + ", "
        + rule("+49", "\"domain\": \"example.com\"", "gw2") + ", "
        + rule("+4930", "\"fromPrefix\": \"+4930\"", "gw3") + "]"));
    assertEquals(List.of("gw1"), ports(t.match("+4989", null, "localhost", NOON)));
    assertEquals(List.of("gw1"), ports(t.match("+4989", null, "LOCALHOST", NOON)), "domains ignore case");
    assertEquals(List.of("gw2"), ports(t.match("+4989", null, "example.com", NOON)));
    assertEquals(List.of(), t.match("+4989", null, "example.org", NOON));
    assertEquals(List.of("gw3"), ports(t.match("+4930123", "+4930999", "example.com", NOON)), "a Berlin caller: the +4930 rule");
    assertEquals(List.of("gw2"), ports(t.match("+4930123", "+4989999", "example.com", NOON)), "another caller: back to +49");
    assertEquals(List.of("gw2"), ports(t.match("+4930123", null, "example.com", NOON)), "no From user: fromPrefix does not hold");
  }

  @Test
  void rulesOfOnePrefixThatHoldAreMergedByPriority() {
    LcrTable t = LcrTable.of(config("[{\"prefix\": \"+49\", \"targets\": [{\"gateway\": \"gw1\", \"priority\": 2}, {\"gateway\": \"gw2\", \"priority\": 0}]},"
        + " {\"prefix\": \"+49\", \"domain\": \"localhost\", \"targets\": [{\"gateway\": \"gw3\", \"priority\": 1}, {\"gateway\": \"gw1\", \"priority\": 5}]}]"));
    assertEquals(List.of("gw2", "gw3", "gw1"), ports(t.match("+49", null, "localhost", NOON)), "gw1 once, at its better priority");
    assertEquals(List.of("gw2", "gw1"), ports(t.match("+49", null, "elsewhere", NOON)));
  }

  @Test
  void timeWindowsAndFallbackToAShorterPrefixWhenALongerOneIsOutOfTime() {
    LcrTable t = LcrTable.of(config("[" + rule("+49", "", "gw1") + ", "
        + rule("+4930", "\"time\": {\"days\": [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"], \"from\": \"08:00\", \"to\": \"18:00\", \"zone\": \"UTC\"}", "gw2") + ", "
        + rule("+4930", "\"time\": {\"from\": \"22:00\", \"to\": \"06:00\", \"zone\": \"Europe/Berlin\"}", "gw3") + "]"));
    assertEquals(List.of("gw2"), ports(t.match("+4930123", null, null, NOON)));
    assertEquals(List.of("gw1"), ports(t.match("+4930123", null, null, NOON + 24 * 3_600_000L)), "Saturday noon: +4930 has no rule in time");
    long berlinNight = LocalDateTime.parse("2026-12-05T23:30").toInstant(ZoneOffset.ofHours(1)).toEpochMilli();
    assertEquals(List.of("gw3"), ports(t.match("+4930123", null, null, berlinNight)));
    assertEquals(List.of("gw3"), ports(t.match("+4930123", null, null, berlinNight + 5 * 3_600_000L)), "04:30 Berlin: wrapped midnight");
    assertEquals(List.of("gw1"), ports(t.match("+4930123", null, null, berlinNight + 7 * 3_600_000L)), "06:30 Berlin");
  }

  @Test
  void withinAPriorityTheOrderIsRandomByWeight() {
    LcrTable t = LcrTable.of(config("[{\"prefix\": \"+1\", \"targets\": [{\"gateway\": \"gw1\", \"priority\": 0, \"weight\": 1},"
        + " {\"gateway\": \"gw2\", \"priority\": 0, \"weight\": 3}, {\"gateway\": \"gw3\", \"priority\": 1, \"weight\": 100},"
        + " {\"gateway\": \"gw4\", \"priority\": 1, \"weight\": 100}]}]"));
    Map<List<String>, Integer> orders = new HashMap<>();
    int n = 40_000;
    for (int i = 0; i < n; i++) orders.merge(ports(t.match("+1555", null, null, NOON)), 1, Integer::sum);
    // gw1/gw2 first by weight 1:3, gw3/gw4 equal: four orders, every one a serial failover order over all four
    assertEquals(4, orders.size(), orders::toString);
    int gw2First = 0;
    int gw3First = 0;
    for (Map.Entry<List<String>, Integer> e : orders.entrySet()) {
      List<String> order = e.getKey();
      assertEquals(List.of("gw1", "gw2", "gw3", "gw4"), order.stream().sorted().toList());
      assertTrue(order.subList(0, 2).containsAll(List.of("gw1", "gw2")), () -> "priority 0 before 1: " + order);
      if (order.get(0).equals("gw2")) gw2First += e.getValue();
      if (order.get(2).equals("gw3")) gw3First += e.getValue();
    }
    assertEquals(0.75, gw2First / (double) n, 0.02, "weight 3 of 4 comes first three times in four");
    assertEquals(0.5, gw3First / (double) n, 0.02);
  }

  @Test
  void aRulesFileOfOneGatewayALineMakesTheSameTable() throws IOException {
    Path csv = dir.resolve("rules.csv");
    Files.writeString(csv, "# prefix,gateway,priority,weight\n+49,gw2,1,1\n+49,gw1,0,1\n+4930,gw3,0,1,+49\n");
    LcrTable t = LcrTable.of(config("[" + rule("+1", "", "gw4") + "]", "rulesFile", csv.toString()));
    assertEquals(List.of("gw1", "gw2"), ports(t.match("+4930", "+1", null, NOON)));
    assertEquals(List.of("gw3"), ports(t.match("+4930", "+4930", null, NOON)));
    assertEquals(List.of("gw4"), ports(t.match("+1212", null, null, NOON)));
  }

  @Test
  void theFailoverOfTheConfig() {
    LcrConfig c = SipgwConfig.fromJson(new JsonObject("{\"lcr\": {\"failover\": {\"codes\": [503, \"6xx\"], \"timeout\": 1500}}}")).lcr();
    LcrTable t = LcrTable.of(c);
    assertTrue(t.failover().failsOver(503) && t.failover().failsOver(603) && !t.failover().failsOver(408));
    assertEquals(1500, t.failover().timeout());
  }

  /** conf/examples/lcr.json is a valid config, and its table routes as issue 14 says (LcrSippTest runs its routes). */
  @Test
  void theExampleTableSendsPlus49ToGateway1Then2AndPlus1ToGateway3() throws IOException {
    SipgwConfig c = SipgwConfig.fromJson(new JsonObject(Files.readString(Path.of("conf/examples/lcr.json"))));
    c.checkFiles();
    LcrTable t = LcrTable.of(c.lcr());
    assertEquals(List.of("sip:127.0.0.1:5081", "sip:127.0.0.1:5082"), t.match("+4930123456", "alice", "localhost", NOON).stream().map(SipUri::toString).toList());
    assertEquals(List.of(), t.match("+4930123456", "alice", "example.com", NOON), "+49 only for domain localhost");
    assertEquals(List.of("sip:127.0.0.1:5083"), t.match("+12125550100", "alice", "localhost", NOON).stream().map(SipUri::toString).toList());
    assertEquals(List.of(), t.match("+33123456789", "alice", "localhost", NOON));
    assertTrue(t.failover().failsOver(503) && t.failover().failsOver(408) && !t.failover().failsOver(486));
  }

  @Test
  void loadReadsTheRulesFileItselfAndReportsABadLine() throws Exception {
    Path csv = dir.resolve("rules.csv");
    Files.writeString(csv, "+44,gw2,0,1\n");
    JsonObject lcr = new JsonObject().put("gateways", new JsonArray().add(new JsonObject().put("name", "gw2").put("uri", "sip:127.0.0.1:5082")))
        .put("rulesFile", csv.toString());
    LcrConfig c = SipgwConfig.fromJson(new JsonObject().put("lcr", lcr)).lcr(); // checkFiles not run
    Vertx vertx = Vertx.vertx();
    try {
      LcrTable t = LcrTable.load(vertx, c, "test").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(List.of("gw2"), ports(t.match("+44207", null, null, NOON)));
      Files.writeString(csv, "+44,gw9,0,1\n");
      LcrConfig bad = SipgwConfig.fromJson(new JsonObject().put("lcr", lcr)).lcr();
      Throwable e = LcrTable.load(vertx, bad, "test").toCompletionStage().toCompletableFuture().handle((x, f) -> f).get(10, TimeUnit.SECONDS);
      assertTrue(e instanceof ConfigException && ((ConfigException) e).key().equals("lcr.rulesFile line 1"), String.valueOf(e));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Loose bound only: the figures come from LcrMatchBenchmark (JMH). */
  @Test
  void aTableOf100000PrefixesLoadsWithinSeconds() throws IOException {
    Path csv = dir.resolve("big.csv");
    Random random = new Random(14);
    String last = null;
    try (Writer w = Files.newBufferedWriter(csv)) {
      for (int i = 0; i < 100_000; i++) {
        String prefix = "+" + (1 + random.nextInt(99)) + String.format("%06d", random.nextInt(1_000_000));
        w.write(prefix + ",gw" + (1 + i % 5) + ",0,1\n");
        w.write(prefix + ",gw" + (1 + (i + 1) % 5) + ",1,1\n");
        last = prefix;
      }
    }
    long start = System.nanoTime();
    LcrTable t = LcrTable.of(config("[]", "rulesFile", csv.toString()));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms < 5000, () -> "100,000 prefixes (200,000 lines) took " + ms + " ms");
    assertEquals(200_000, t.rules());
    assertTrue(t.prefixes() > 99_000, t::toString);
    assertEquals(List.of("gw5", "gw1"), ports(t.match(last + "42", null, null, NOON)), "the last line's prefix, by priority");
  }
}
