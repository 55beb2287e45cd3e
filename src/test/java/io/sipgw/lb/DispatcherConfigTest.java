package io.sipgw.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.ConfigException;
import io.sipgw.config.DispatcherConfig;
import io.sipgw.config.DispatcherConfig.Algorithm;
import io.sipgw.config.DispatcherConfig.DestinationSet;
import io.sipgw.config.DispatcherConfig.HashOn;
import io.sipgw.config.Failover;
import io.sipgw.config.SipgwConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code dispatcher} section: defaults as Kamailio's dispatcher, every bad value named by its key, reloadable. */
class DispatcherConfigTest {
  private static SipgwConfig parse(String json) { return SipgwConfig.fromJson(new JsonObject(json)); }

  private static DispatcherConfig dispatcher(String sets) { return parse("{\"dispatcher\": {\"sets\": " + sets + "}}").dispatcher(); }

  /** The key of the error a {@code dispatcher.sets} value gets, and that its message starts by naming it. */
  private static String badKey(String sets) {
    ConfigException e = assertThrows(ConfigException.class, () -> dispatcher(sets));
    assertTrue(e.getMessage().startsWith("config key '" + e.key() + "': "), e.getMessage());
    return e.key();
  }

  @Test
  void noSetsByDefault() {
    assertEquals(DispatcherConfig.defaults(), SipgwConfig.defaults().dispatcher());
    assertEquals(List.of(), parse("{}").dispatcher().sets());
    assertEquals(List.of(), parse("{\"dispatcher\": {}}").dispatcher().sets());
  }

  @Test
  void aSetOfOnlyDestinationsTakesTheDefaults() {
    DestinationSet s = dispatcher("[{\"name\": \"pbx\", \"destinations\": [{\"uri\": \"sip:127.0.0.1:5071\"}]}]").set("pbx");
    assertEquals(Algorithm.ROUND_ROBIN, s.algorithm());
    assertEquals(HashOn.CALL_ID, s.hashOn());
    assertEquals(1, s.destinations().get(0).weight());
    assertEquals("sip:127.0.0.1:5071", s.destinations().get(0).uri().toString());
    assertEquals(new DispatcherConfig.Probe(0, 2, 1, "OPTIONS"), s.probe());
    assertFalse(s.probe().enabled());
    assertEquals(Failover.DEFAULT, s.failover());
    assertEquals(new JsonArray().add(408).add(503), s.failover().codeText());
    assertEquals(0, s.failover().timeout());
    assertTrue(s.failover().failsOver(408) && s.failover().failsOver(503));
    assertFalse(s.failover().failsOver(500) || s.failover().failsOver(486) || s.failover().failsOver(200));
  }

  @Test
  void everyKeyIsRead() {
    DispatcherConfig d = dispatcher("[{\"name\": \"pbx\", \"algorithm\": \"hash\", \"hashOn\": \"fromUser\","
        + " \"destinations\": [{\"uri\": \"sip:10.0.0.1\", \"weight\": 3}, {\"uri\": \"sip:pbx@10.0.0.2:5080;transport=tcp\"}],"
        + " \"probe\": {\"interval\": 2, \"failures\": 3, \"successes\": 2, \"method\": \"OPTIONS\"},"
        + " \"failover\": {\"codes\": [408, \"5xx\", 603], \"timeout\": 1500}},"
        + " {\"name\": \"media\", \"algorithm\": \"weighted\", \"destinations\": [{\"uri\": \"sip:10.0.0.3\"}]},"
        + " {\"name\": \"b\", \"algorithm\": \"leastCalls\", \"destinations\": [{\"uri\": \"sip:10.0.0.4\"}]}]");
    assertEquals(List.of("pbx", "media", "b"), d.sets().stream().map(DestinationSet::name).toList());
    DestinationSet pbx = d.set("pbx");
    assertEquals(Algorithm.HASH, pbx.algorithm());
    assertEquals(HashOn.FROM_USER, pbx.hashOn());
    assertEquals(3, pbx.destinations().get(0).weight());
    assertEquals("sip:pbx@10.0.0.2:5080;transport=tcp", pbx.destinations().get(1).uri().toString());
    assertEquals(new DispatcherConfig.Probe(2, 3, 2, "OPTIONS"), pbx.probe());
    assertEquals(1500, pbx.failover().timeout());
    assertTrue(pbx.failover().failsOver(408) && pbx.failover().failsOver(500) && pbx.failover().failsOver(599) && pbx.failover().failsOver(603));
    assertFalse(pbx.failover().failsOver(600) || pbx.failover().failsOver(486));
    assertEquals(Algorithm.WEIGHTED, d.set("media").algorithm());
    assertEquals(Algorithm.LEAST_CALLS, d.set("b").algorithm());
    assertEquals(null, d.set("none"));
  }

  @Test
  void badValuesNameTheirKey() {
    String ok = "{\"uri\": \"sip:10.0.0.1\"}";
    assertEquals("dispatcher.sets[0].destinations[1].uri", badKey("[{\"name\": \"a\", \"destinations\": [" + ok + ", {\"uri\": \"sip:\"}]}]"));
    assertEquals("dispatcher.sets[0].destinations[1].uri", badKey("[{\"name\": \"a\", \"destinations\": [" + ok + ", {\"uri\": \"tel:+4930\"}]}]"));
    assertEquals("dispatcher.sets[0].destinations[1].uri", badKey("[{\"name\": \"a\", \"destinations\": [" + ok + ", {\"weight\": 2}]}]"));
    assertEquals("dispatcher.sets[0].destinations[1].uri", badKey("[{\"name\": \"a\", \"destinations\": [" + ok + ", " + ok + "]}]"));
    assertEquals("dispatcher.sets[0].destinations[0].uri", badKey("[{\"name\": \"a\", \"destinations\": [{\"uri\": \"sip:h?Subject=x\"}]}]"));
    assertEquals("dispatcher.sets[0].destinations[0].weight", badKey("[{\"name\": \"a\", \"destinations\": [{\"uri\": \"sip:h\", \"weight\": 0}]}]"));
    assertEquals("dispatcher.sets[0].destinations[0].weight", badKey("[{\"name\": \"a\", \"destinations\": [{\"uri\": \"sip:h\", \"weight\": 1.5}]}]"));
    assertEquals("dispatcher.sets[0].destinations[0].wieght", badKey("[{\"name\": \"a\", \"destinations\": [{\"uri\": \"sip:h\", \"wieght\": 2}]}]"));
    assertEquals("dispatcher.sets[0].destinations[0]", badKey("[{\"name\": \"a\", \"destinations\": [\"sip:h\"]}]"));
    assertEquals("dispatcher.sets[0].destinations", badKey("[{\"name\": \"a\", \"destinations\": []}]"));
    assertEquals("dispatcher.sets[0].destinations", badKey("[{\"name\": \"a\"}]"));
    assertEquals("dispatcher.sets[0].name", badKey("[{\"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[1].name", badKey("[{\"name\": \"a\", \"destinations\": [" + ok + "]}, {\"name\": \"a\", \"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[0].algorithm", badKey("[{\"name\": \"a\", \"algorithm\": \"random\", \"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[0].hashOn", badKey("[{\"name\": \"a\", \"algorithm\": \"hash\", \"hashOn\": \"to\", \"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[0].hashOn", badKey("[{\"name\": \"a\", \"hashOn\": \"callId\", \"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[0].probe.interval", badKey("[{\"name\": \"a\", \"probe\": {\"interval\": -1}, \"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[0].probe.failures", badKey("[{\"name\": \"a\", \"probe\": {\"failures\": 0}, \"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[0].probe.successes", badKey("[{\"name\": \"a\", \"probe\": {\"successes\": 0}, \"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[0].probe.method", badKey("[{\"name\": \"a\", \"probe\": {\"method\": \"INFO\"}, \"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[0].probe.timeout", badKey("[{\"name\": \"a\", \"probe\": {\"timeout\": 1}, \"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[0].probe", badKey("[{\"name\": \"a\", \"probe\": 2, \"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[0].failover.codes[1]", badKey("[{\"name\": \"a\", \"failover\": {\"codes\": [503, \"9xx\"]}, \"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[0].failover.codes[0]", badKey("[{\"name\": \"a\", \"failover\": {\"codes\": [200]}, \"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[0].failover.codes", badKey("[{\"name\": \"a\", \"failover\": {\"codes\": []}, \"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[0].failover.timeout", badKey("[{\"name\": \"a\", \"failover\": {\"timeout\": -5}, \"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[0].failover.retry", badKey("[{\"name\": \"a\", \"failover\": {\"retry\": 1}, \"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[0].algo", badKey("[{\"name\": \"a\", \"algo\": \"hash\", \"destinations\": [" + ok + "]}]"));
    assertEquals("dispatcher.sets[0]", badKey("[\"pbx\"]"));
    assertEquals("dispatcher.sets", badKey("{\"pbx\": []}"));
    ConfigException unknown = assertThrows(ConfigException.class, () -> parse("{\"dispatcher\": {\"set\": []}}"));
    assertEquals("dispatcher.set", unknown.key());
  }

  @Test
  void theLoadBalancerExampleIsValidAndSaysWhatTheReadmeSays() throws Exception {
    SipgwConfig c = SipgwConfig.fromJson(new JsonObject(java.nio.file.Files.readString(java.nio.file.Path.of("conf/examples/loadbalancer.json"))));
    assertEquals(List.of("udp 127.0.0.1:5060", "tcp 127.0.0.1:5060"),
        c.listen().stream().map(l -> l.transport().toString().toLowerCase(java.util.Locale.ROOT) + " " + l.host() + ":" + l.port()).toList());
    assertEquals(1, c.dispatcher().sets().size());
    DestinationSet pbx = c.dispatcher().set("pbx");
    assertEquals(Algorithm.ROUND_ROBIN, pbx.algorithm());
    assertEquals(List.of("sip:127.0.0.1:5071", "sip:127.0.0.1:5072", "sip:127.0.0.1:5073"),
        pbx.destinations().stream().map(d -> d.uri().toString()).toList());
    assertEquals(new DispatcherConfig.Probe(2, 2, 1, "OPTIONS"), pbx.probe());
    assertEquals(Failover.DEFAULT, pbx.failover());
  }

  @Test
  void aChangeReloadsWithoutRestartAndTheEffectiveConfigReadsBack() {
    SipgwConfig before = parse("{}");
    SipgwConfig after = parse("{\"dispatcher\": {\"sets\": [{\"name\": \"pbx\", \"algorithm\": \"hash\", \"hashOn\": \"requestUri\","
        + " \"destinations\": [{\"uri\": \"sip:127.0.0.1:5071\", \"weight\": 2}], \"probe\": {\"interval\": 2},"
        + " \"failover\": {\"codes\": [\"5xx\"], \"timeout\": 100}},"
        + " {\"name\": \"rr\", \"destinations\": [{\"uri\": \"sip:127.0.0.1:5072\"}]}]}}");
    assertEquals(List.of(), before.restartNeededChanges(after));
    assertEquals(after, SipgwConfig.fromJson(after.json()));
    assertEquals(after.dispatcher(), SipgwConfig.fromJson(after.json()).dispatcher());
  }
}
