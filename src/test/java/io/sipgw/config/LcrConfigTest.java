package io.sipgw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LcrConfigTest {
  private static final String GATEWAYS = "\"gateways\": [{\"name\": \"gw1\", \"uri\": \"sip:127.0.0.1:5081\"},"
      + " {\"name\": \"gw2\", \"uri\": \"sip:127.0.0.1:5082;transport=tcp\"}]";
  private static final String GATEWAYS_SAMPLE = "\"gateways\": [{\"name\": \"gw1\", \"uri\": \"sip:127.0.0.1:5081\"}]";

  @TempDir Path dir;

  private static SipgwConfig config(String lcr) { return SipgwConfig.fromJson(new JsonObject("{\"lcr\": " + lcr + "}")); }

  private static LcrConfig lcr(String lcr) { return config(lcr).lcr(); }

  @Test
  void readsGatewaysRulesAndFailover() {
    LcrConfig c = lcr("{" + GATEWAYS + ", \"rules\": [{\"prefix\": \"+49\", \"fromPrefix\": \"\", \"domain\": \"localhost\","
        + " \"time\": {\"days\": [\"mon\"], \"zone\": \"UTC\"}, \"targets\": [{\"gateway\": \"gw1\", \"priority\": 0},"
        + " {\"gateway\": \"gw2\", \"priority\": 1, \"weight\": 5}]}, {\"targets\": [{\"gateway\": \"gw2\"}]}],"
        + " \"failover\": {\"codes\": [408, \"5xx\"], \"timeout\": 2000}}");
    assertEquals(List.of("gw1", "gw2"), c.gateways().stream().map(LcrConfig.Gateway::name).toList());
    assertEquals("sip:127.0.0.1:5082;transport=tcp", c.gateway("gw2").uri().toString());
    LcrConfig.Rule r = c.rules().get(0);
    assertEquals("+49", r.prefix());
    assertNull(r.fromPrefix(), "an empty fromPrefix is no condition");
    assertEquals("localhost", r.domain());
    assertEquals(List.of(new LcrConfig.Target("gw1", 0, 1), new LcrConfig.Target("gw2", 1, 5)), r.targets());
    assertEquals("lcr.rules[0]", r.source());
    assertEquals("", c.rules().get(1).prefix(), "no prefix: the default rule");
    assertTrue(c.failover().failsOver(408) && c.failover().failsOver(503) && c.failover().failsOver(599) && !c.failover().failsOver(486));
    assertEquals(2000, c.failover().timeout());
  }

  @Test
  void defaultsAreNoRulesAndFailoverOn408And503() {
    LcrConfig c = SipgwConfig.fromJson(new JsonObject()).lcr();
    assertTrue(c.gateways().isEmpty() && c.rules().isEmpty());
    assertEquals(new JsonArray().add(408).add(503), c.failover().codeText());
    assertTrue(c.failover().failsOver(408) && c.failover().failsOver(503) && !c.failover().failsOver(500));
    assertEquals(0, c.failover().timeout());
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "\"gateways\": [{\"name\": \"gw1\", \"uri\": \"sip:a\"}, {\"name\": \"gw1\", \"uri\": \"sip:b\"}]  | lcr.gateways[1].name",
      "\"gateways\": [{\"name\": \"gw1\", \"uri\": \"tel:+49\"}]                                        | lcr.gateways[0].uri",
      "\"gateways\": [{\"name\": \"gw1\", \"uri\": \"sip:a b\"}]                                        | lcr.gateways[0].uri",
      "\"gateways\": [{\"uri\": \"sip:a\"}]                                                             | lcr.gateways[0].name",
      GATEWAYS_SAMPLE + ", \"rules\": [{\"prefix\": \"49+\", \"targets\": [{\"gateway\": \"gw1\"}]}]       | lcr.rules[0].prefix",
      GATEWAYS_SAMPLE + ", \"rules\": [{\"prefix\": \"+49 30\", \"targets\": [{\"gateway\": \"gw1\"}]}]   | lcr.rules[0].prefix",
      GATEWAYS_SAMPLE + ", \"rules\": [{\"prefix\": \"1\"}]                                              | lcr.rules[0].targets",
      GATEWAYS_SAMPLE + ", \"rules\": [{\"prefix\": \"1\", \"targets\": [{\"gateway\": \"gw1\"}]}, {\"prefix\": \"2\", \"targets\": [{\"gateway\": \"gw1\"}, {\"gateway\": \"gw9\"}]}] | lcr.rules[1].targets[1].gateway",
      GATEWAYS_SAMPLE + ", \"rules\": [{\"targets\": [{\"gateway\": \"gw1\", \"priority\": -1}]}]          | lcr.rules[0].targets[0].priority",
      GATEWAYS_SAMPLE + ", \"rules\": [{\"targets\": [{\"gateway\": \"gw1\", \"weight\": 0}]}]            | lcr.rules[0].targets[0].weight",
      GATEWAYS_SAMPLE + ", \"rules\": [{\"time\": {\"from\": \"25:00\"}, \"targets\": [{\"gateway\": \"gw1\"}]}] | lcr.rules[0].time.from",
      GATEWAYS_SAMPLE + ", \"rules\": [{\"targets\": [{\"gateway\": \"gw1\"}], \"gateway\": \"gw1\"}]     | lcr.rules[0].gateway",
      "\"failover\": {\"codes\": [200]}                                                                 | lcr.failover.codes[0]",
      "\"failover\": {\"codes\": []}                                                                    | lcr.failover.codes",
      "\"failover\": {\"timeout\": -5}                                                                  | lcr.failover.timeout",
      "\"rulesFile\": \"\"                                                                              | lcr.rulesFile",
      "\"tables\": []                                                                                   | lcr.tables"})
  void errorsNameTheKey(String members, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> lcr("{" + members + "}"));
    assertEquals(key, e.key(), e.getMessage());
  }

  @Test
  void theRulesFileIsReadByCheckFilesNotByParsing() throws IOException {
    Path csv = dir.resolve("rules.csv");
    Files.writeString(csv, "# prefix,gateway,priority,weight[,fromPrefix[,domain]]\n"
        + "+4930,gw1,0,1\n"
        + "\n"
        + "  +4930 , gw2 , 1 , 3 \n"
        + "+1,gw2,0,1,555,localhost\n"
        + "0049,gw1,2,1,,example.com\n");
    SipgwConfig c = config("{" + GATEWAYS + ", \"rules\": [{\"prefix\": \"+49\", \"targets\": [{\"gateway\": \"gw1\"}]}],"
        + " \"rulesFile\": \"" + csv + "\"}");
    IllegalStateException notYet = assertThrows(IllegalStateException.class, () -> c.lcr().rules());
    assertTrue(notYet.getMessage().contains("checkFiles"), notYet.getMessage());
    c.checkFiles();
    List<LcrConfig.Rule> rules = c.lcr().rules();
    assertEquals(5, rules.size());
    assertEquals("lcr.rules[0]", rules.get(0).source());
    assertEquals(new LcrConfig.Rule("+4930", null, null, null, List.of(new LcrConfig.Target("gw1", 0, 1)), "lcr.rulesFile line 2"), rules.get(1));
    assertEquals(new LcrConfig.Rule("+4930", null, null, null, List.of(new LcrConfig.Target("gw2", 1, 3)), "lcr.rulesFile line 4"), rules.get(2));
    assertEquals(new LcrConfig.Rule("+1", "555", "localhost", null, List.of(new LcrConfig.Target("gw2", 0, 1)), "lcr.rulesFile line 5"), rules.get(3));
    assertEquals(new LcrConfig.Rule("0049", null, "example.com", null, List.of(new LcrConfig.Target("gw1", 2, 1)), "lcr.rulesFile line 6"), rules.get(4));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "+49x,gw1,0,1                | bad prefix      | lcr.rulesFile line 3 | prefix must be digits",
      "+49,gw7,0,1                 | unknown gateway | lcr.rulesFile line 3 | gateway names no gateway: \"gw7\"",
      "+49,gw1,one,1               | priority        | lcr.rulesFile line 3 | priority must be an integer 0..65535",
      "+49,gw1,0,0                 | weight 0        | lcr.rulesFile line 3 | weight must be an integer 1..1000000",
      "+49,gw1,0                   | too few fields  | lcr.rulesFile line 3 | got 3 fields",
      "+49,gw1,0,1,2,localhost,7   | too many fields | lcr.rulesFile line 3 | got 7 fields"})
  void aBadLineIsAnErrorNamingItsNumber(String line, String what, String key, String problem) throws IOException {
    Path csv = dir.resolve("rules.csv");
    Files.writeString(csv, "# a comment\n+1,gw1,0,1\n" + line + "\n+44,gw1,0,1\n");
    SipgwConfig c = config("{" + GATEWAYS + ", \"rulesFile\": \"" + csv + "\"}");
    ConfigException e = assertThrows(ConfigException.class, c::checkFiles);
    assertEquals(key, e.key(), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }

  @Test
  void aMissingRulesFileIsAnErrorNamingKeyAndPath() {
    SipgwConfig c = config("{" + GATEWAYS + ", \"rulesFile\": \"" + dir.resolve("nope.csv") + "\"}");
    ConfigException e = assertThrows(ConfigException.class, c::checkFiles);
    assertEquals("lcr.rulesFile", e.key());
    assertTrue(e.getMessage().contains("nope.csv") && e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void reloadsWithoutRestartAndRoundTripsThroughJson() {
    SipgwConfig before = config("{" + GATEWAYS + "}");
    SipgwConfig after = config("{" + GATEWAYS + ", \"rules\": [{\"prefix\": \"+1\", \"time\": {\"from\": \"22:00\", \"to\": \"06:00\"},"
        + " \"targets\": [{\"gateway\": \"gw2\", \"weight\": 2}]}], \"failover\": {\"codes\": [503]}}");
    assertTrue(before.restartNeededChanges(after).isEmpty());
    JsonObject json = after.json();
    assertEquals(after, SipgwConfig.fromJson(json));
    assertEquals(after.lcr(), SipgwConfig.fromJson(json).lcr());
  }

  @Test
  void anOverrideReachesAnLcrKey() {
    JsonObject file = new JsonObject("{\"lcr\": {" + GATEWAYS + "}}");
    JsonObject merged = ConfigOverrides.apply(file, Map.of("SIPGW_LCR_GATEWAYS_1_URI", "sip:127.0.0.1:6000"), Map.of());
    assertEquals("sip:127.0.0.1:6000", SipgwConfig.fromJson(merged).lcr().gateway("gw2").uri().toString());
  }
}
