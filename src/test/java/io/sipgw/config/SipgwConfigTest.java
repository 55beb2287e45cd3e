package io.sipgw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.sip.Transport;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SipgwConfigTest {

  private static SipgwConfig parse(String json) { return SipgwConfig.fromJson(new JsonObject(json)); }

  private static ConfigException fails(String json) {
    return assertThrows(ConfigException.class, () -> parse(json));
  }

  @Test
  void embeddedDefaultListensOnUdpAndTcp5060AndWs8080() {
    SipgwConfig c = SipgwConfig.defaults();
    assertEquals(List.of("udp:0.0.0.0:5060", "tcp:0.0.0.0:5060", "ws:0.0.0.0:8080"), c.listen().stream().map(ListenConfig::name).toList());
    assertEquals(new RegistrarConfig(60, 3600, 3600, 10), c.registrar());
    assertEquals(ProxyConfig.defaults(), c.proxy());
    assertEquals(TransactionConfig.defaults(), c.transaction());
    assertEquals(new StoreConfig("memory", null), c.store());
    assertEquals(new TransportConfig(0, 3600, 65535, 19000), c.transport());
    assertEquals(new ReloadConfig(5000), c.reload());
    assertEquals(Runtime.getRuntime().availableProcessors(), c.workers());
    assertEquals(List.of(new DomainConfig("localhost", List.of("127.0.0.1", "::1"), DomainMode.PROXY)), c.domains());
  }

  @Test
  void emptyJsonGivesTheSameConfigAsTheEmbeddedDefault() {
    assertEquals(SipgwConfig.defaults().json(), parse("{}").json());
  }

  @Test
  void confFileIsTheEmbeddedDefault() throws Exception {
    String conf = Files.readString(Path.of("conf/sipgw.json"));
    assertEquals(conf, SipgwConfig.embeddedText());
  }

  @Test
  void effectiveJsonHasEveryKeyAndParsesBackToTheSameConfig() {
    SipgwConfig c = parse("{\"registrar\": {\"maxExpires\": 7200}, \"workers\": 3}");
    JsonObject j = c.json();
    assertEquals(3600, j.getJsonObject("registrar").getInteger("defaultExpires"));
    assertEquals(7200, j.getJsonObject("registrar").getInteger("maxExpires"));
    assertEquals(3, c.workers());
    assertEquals(c, SipgwConfig.fromJson(j));
    j.put("workers", 99); // a copy: the config does not change
    assertEquals(3, c.workers());
  }

  @Test
  void listenParsesTransportHostPortAndAdvertise() {
    SipgwConfig c = parse("""
        {"listen": [
          {"transport": "UDP", "host": "10.0.0.1", "port": 5070},
          {"transport": "tcp", "host": "::1", "port": 5060, "advertise": "[2001:db8::7]:5080"},
          {"transport": "tcp", "host": "[::]", "port": 5061, "advertise": "sip.example.com"}
        ]}""");
    assertEquals(new ListenConfig(Transport.UDP, "10.0.0.1", 5070, null, 5070), c.listen().get(0));
    assertEquals(new ListenConfig(Transport.TCP, "::1", 5060, "2001:db8::7", 5080), c.listen().get(1));
    assertEquals("tcp:[::1]:5060", c.listen().get(1).name());
    assertEquals(new ListenConfig(Transport.TCP, "::", 5061, "sip.example.com", 5061), c.listen().get(2));
    assertEquals("[2001:db8::7]:5080", c.json().getJsonArray("listen").getJsonObject(1).getString("advertise"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "203.0.113.7:5060   | 203.0.113.7 | 5060",
      "203.0.113.7        | 203.0.113.7 | 5070",
      "[2001:db8::1]:5061 | 2001:db8::1 | 5061",
      "[2001:db8::1]      | 2001:db8::1 | 5070",
      "2001:db8::1        | 2001:db8::1 | 5070",
      "::ffff:192.0.2.1   | ::ffff:192.0.2.1 | 5070",
      "SIP.Example.com:5080 | sip.example.com | 5080",
      "sip.example.com    | sip.example.com | 5070"})
  void advertiseForms(String advertise, String host, int port) {
    ListenConfig l = parse("{\"listen\": [{\"transport\": \"udp\", \"port\": 5070, \"advertise\": \"" + advertise + "\"}]}").listen().get(0);
    assertEquals(host, l.advertiseHost());
    assertEquals(port, l.advertisePort());
  }

  @Test
  void noAdvertiseMeansNullHostAndTheListenPort() {
    ListenConfig l = parse("{\"listen\": [{\"transport\": \"udp\", \"host\": \"127.0.0.1\", \"port\": 5090}]}").listen().get(0);
    assertNull(l.advertiseHost());
    assertEquals(5090, l.advertisePort());
  }

  @Test
  void portZeroPicksAnyAndIsNoDuplicate() {
    SipgwConfig c = parse("{\"listen\": [{\"transport\": \"udp\", \"port\": 0}, {\"transport\": \"udp\", \"port\": 0}]}");
    assertEquals(0, c.listen().get(1).port());
  }

  @Test
  void domainsDefaultModeProxyAndLowerCase() {
    SipgwConfig c = parse("{\"domains\": [{\"name\": \"Example.COM\"}, {\"name\": \"b.example\", \"aliases\": [\"[::2]\"], \"mode\": \"redirect\"}]}");
    assertEquals(new DomainConfig("example.com", List.of(), DomainMode.PROXY), c.domains().get(0));
    assertEquals(new DomainConfig("b.example", List.of("::2"), DomainMode.REDIRECT), c.domains().get(1));
  }

  @Test
  void redisStoreWithDefaultUrl() {
    assertEquals(new StoreConfig("redis", "redis://127.0.0.1:6379"), parse("{\"store\": {\"type\": \"redis\"}}").store());
    assertEquals(new StoreConfig("redis", "redis://db:6380/2"), parse("{\"store\": {\"type\": \"redis\", \"redis\": \"redis://db:6380/2\"}}").store());
  }

  @Test
  void redisTopologiesWithTheirKeys() {
    assertEquals(new StoreConfig("redis", "redis://s1:26379", "sentinel", List.of("redis://s2:26379"), "sip-master", "pbx1:", 4, 100, 500, null),
        parse("""
            {"store": {"type": "redis", "redis": "redis://s1:26379", "topology": "sentinel", "nodes": ["redis://s2:26379"],
                       "masterName": "sip-master", "keyPrefix": "pbx1:", "poolSize": 4, "maxWaiting": 100, "timeout": 500}}""").store());
    StoreConfig cluster = parse("{\"store\": {\"type\": \"redis\", \"redis\": \"redis://c1:7000\", \"topology\": \"cluster\"}}").store();
    assertEquals("cluster", cluster.topology());
    assertEquals(StoreConfig.DEFAULT_KEY_PREFIX, cluster.keyPrefix());
    assertEquals("fd00::7", parse("{\"store\": {\"type\": \"redis\", \"nodeAddress\": \"[fd00::7]\"}}").store().nodeAddress());
    assertEquals("10.0.0.7", parse("{\"store\": {\"type\": \"redis\", \"nodeAddress\": \"10.0.0.7\"}}").store().nodeAddress());
  }

  @Test
  void authDefaultsAndAlgorithmsStrongestFirst() {
    AuthConfig d = parse("{}").auth();
    assertEquals(false, d.enabled());
    assertEquals(List.of("MD5"), d.algorithms());
    AuthConfig a = parse("{\"auth\": {\"enabled\": true, \"algorithms\": [\"md5\", \"SHA-512-256\", \"SHA-256\"],"
        + " \"trusted\": [\"10.1.0.0/16\", \"2001:db8::/32\", \"192.0.2.7\"]}}").auth();
    assertEquals(List.of("SHA-512-256", "SHA-256", "MD5"), a.algorithms());
    assertEquals(true, a.trusts("10.1.200.3"));
    assertEquals(false, a.trusts("10.2.0.1"));
    assertEquals(true, a.trusts("2001:db8::5"));
    assertEquals(true, a.trusts("192.0.2.7"));
    assertEquals(false, a.trusts("192.0.2.8"));
  }

  /** Each rule: the JSON, the key the error must name, and a fragment of its message. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // types and unknown keys
      "{\"workers\": \"4\"}                                   | workers                   | must be an integer",
      "{\"workers\": 2.5}                                     | workers                   | must be an integer",
      "{\"registar\": {}}                                     | registar                  | unknown key",
      "{\"registrar\": {\"maxExpire\": 10}}                   | registrar.maxExpire       | unknown key",
      "{\"registrar\": []}                                    | registrar                 | must be an object",
      "{\"proxy\": {\"recordRoute\": \"yes\"}}                | proxy.recordRoute         | true or false",
      "{\"listen\": {}}                                       | listen                    | must be an array",
      "{\"listen\": [\"udp:0.0.0.0:5060\"]}                   | listen[0]                 | must be an object",
      "{\"listen\": [{\"transport\": \"udp\", \"prot\": 1}]}  | listen[0].prot            | unknown key",
      // listeners
      "{\"listen\": []}                                       | listen                    | at least one listener",
      "{\"listen\": [{\"port\": 5060}]}                       | listen[0].transport       | is required",
      "{\"listen\": [{\"transport\": \"sctp2\"}]}             | listen[0].transport       | unknown transport",
      "{\"listen\": [{\"transport\": \"sctp\"}]}              | listen[0].transport       | not supported yet",
      "{\"listen\": [{\"transport\": \"wss\"}]}               | tls.certificate           | by the WSS listener listen[0]",
      "{\"websocket\": {\"allowedOrigins\": [\"example.com\"]}} | websocket.allowedOrigins[0] | scheme://host",
      "{\"websocket\": {\"allowedOrigins\": [\"https://a.example/x\"]}} | websocket.allowedOrigins[0] | no path",
      "{\"websocket\": {\"allowedOrigins\": [5]}}           | websocket.allowedOrigins[0] | must be an origin",
      "{\"websocket\": {\"webroot\": \"\"}}                  | websocket.webroot         | must not be empty",
      "{\"websocket\": {\"root\": \"x\"}}                    | websocket.root            | unknown key",
      "{\"websocket\": {\"keepaliveInterval\": 3601}}          | websocket.keepaliveInterval | between 0 and 3600",
      "{\"listen\": [{\"transport\": \"udp\", \"port\": 65536}]} | listen[0].port          | between 0 and 65535",
      "{\"listen\": [{\"transport\": \"udp\", \"port\": -1}]}   | listen[0].port          | between 0 and 65535",
      "{\"listen\": [{\"transport\": \"udp\"}, {\"transport\": \"udp\", \"port\": 5060}]} | listen[1] | duplicate of listen[0]",
      "{\"listen\": [{\"transport\": \"udp\", \"host\": \"bad host\"}]}  | listen[0].host  | not an IP literal or hostname",
      "{\"listen\": [{\"transport\": \"udp\", \"host\": \"300.1.1.1\"}]} | listen[0].host  | not an IP literal or hostname",
      "{\"listen\": [{\"transport\": \"udp\", \"host\": \"1::2::3\"}]}   | listen[0].host  | not an IP literal or hostname",
      "{\"listen\": [{\"transport\": \"udp\", \"host\": \"\"}]}          | listen[0].host  | must not be empty",
      "{\"listen\": [{\"transport\": \"udp\", \"advertise\": \"1.2.3.4:0\"}]}     | listen[0].advertise | port must be between 1 and 65535",
      "{\"listen\": [{\"transport\": \"udp\", \"advertise\": \"1.2.3.4:x\"}]}     | listen[0].advertise | bad port",
      "{\"listen\": [{\"transport\": \"udp\", \"advertise\": \"[::1\"}]}          | listen[0].advertise | missing ']'",
      "{\"listen\": [{\"transport\": \"udp\", \"advertise\": \"[nope]:5060\"}]}   | listen[0].advertise | not an IPv6 literal",
      "{\"listen\": [{\"transport\": \"udp\", \"advertise\": \"-bad-:5060\"}]}    | listen[0].advertise | not an IP literal or hostname",
      // domains
      "{\"domains\": [{\"aliases\": []}]}                     | domains[0].name           | is required",
      "{\"domains\": [{\"name\": \"\"}]}                      | domains[0].name           | must not be empty",
      "{\"domains\": [{\"name\": \"a b\"}]}                   | domains[0].name           | not an IP literal or hostname",
      "{\"domains\": [{\"name\": \"a\", \"aliases\": [\"\"]}]}| domains[0].aliases[0]     | non-empty string",
      "{\"domains\": [{\"name\": \"a\", \"mode\": \"stateful\"}]} | domains[0].mode       | proxy\" or \"redirect",
      "{\"domains\": [{\"name\": \"a\"}, {\"name\": \"b\", \"aliases\": [\"A\"]}]} | domains[1].aliases[0] | already listed at domains[0].name",
      // registrar
      "{\"registrar\": {\"maxExpires\": 30}}                  | registrar.maxExpires      | must be >= registrar.minExpires (60), got 30",
      "{\"registrar\": {\"defaultExpires\": 30}}              | registrar.defaultExpires  | between registrar.minExpires (60) and registrar.maxExpires (3600)",
      "{\"registrar\": {\"defaultExpires\": 7200}}            | registrar.defaultExpires  | between registrar.minExpires (60) and registrar.maxExpires (3600)",
      "{\"registrar\": {\"minExpires\": 0}}                   | registrar.minExpires      | between 1 and",
      "{\"registrar\": {\"maxContacts\": 0}}                  | registrar.maxContacts     | between 1 and 10000",
      // store, transport, workers, reload
      "{\"store\": {\"type\": \"mysql\"}}                     | store.type                | \"memory\" or \"redis\"",
      "{\"store\": {\"redis\": \"redis://h:6379\"}}           | store.redis               | only allowed with store.type",
      "{\"store\": {\"type\": \"redis\", \"redis\": \"http://h\"}} | store.redis          | redis://",
      "{\"store\": {\"keyPrefix\": \"x:\"}}               | store.keyPrefix           | only allowed with store.type",
      "{\"store\": {\"type\": \"redis\", \"topology\": \"ring\"}} | store.topology   | \"standalone\", \"sentinel\" or \"cluster\"",
      "{\"store\": {\"type\": \"redis\", \"nodes\": [\"redis://h:1\"]}} | store.nodes | only allowed with store.topology",
      "{\"store\": {\"type\": \"redis\", \"topology\": \"cluster\", \"nodes\": [\"tcp://h:1\"]}} | store.nodes[0] | redis://",
      "{\"store\": {\"type\": \"redis\", \"masterName\": \"m\"}} | store.masterName | only allowed with store.topology \"sentinel\"",
      "{\"store\": {\"type\": \"redis\", \"keyPrefix\": \"a b\"}} | store.keyPrefix | must not contain spaces",
      "{\"store\": {\"type\": \"redis\", \"poolSize\": 0}}  | store.poolSize            | between 1 and 1024",
      "{\"store\": {\"type\": \"redis\", \"maxWaiting\": 0}} | store.maxWaiting         | between 1 and 1000000",
      "{\"store\": {\"type\": \"redis\", \"timeout\": 50}}  | store.timeout             | between 100 and 60000",
      "{\"store\": {\"nodeAddress\": \"10.0.0.7\"}}          | store.nodeAddress         | only allowed with store.type",
      "{\"auth\": {\"enabled\": \"yes\"}}                    | auth.enabled              | true or false",
      "{\"auth\": {\"algorithms\": [\"SHA-1\"]}}             | auth.algorithms[0]        | \"MD5\", \"SHA-256\" or \"SHA-512-256\"",
      "{\"auth\": {\"algorithms\": []}}                      | auth.algorithms           | at least one",
      "{\"auth\": {\"methods\": [\"INVITE\", \"ACK\"]}}        | auth.methods[1]           | never challenged",
      "{\"auth\": {\"trusted\": [\"10.0.0.0/33\"]}}          | auth.trusted[0]           | prefix length",
      "{\"auth\": {\"trusted\": [\"pbx.example.com\"]}}      | auth.trusted[0]           | not an IP address",
      "{\"auth\": {\"secret\": \"short\"}}                   | auth.secret               | at least 16",
      "{\"auth\": {\"nonceLifetime\": 5}}                  | auth.nonceLifetime        | between 10 and 86400",
      "{\"auth\": {\"user\": \"x\"}}                        | auth.user                 | unknown key",
      "{\"bans\": {\"maxRequests\": -1}}                    | bans.maxRequests          | between 0 and",
      "{\"bans\": {\"interval\": 0}}                        | bans.interval             | between 1 and 3600",
      "{\"bans\": {\"banTime\": 0}}                         | bans.banTime              | between 1 and",
      "{\"bans\": {\"exempt\": [\"10.0.0.0/8\", \"x\"]}}     | bans.exempt[1]            | not an IP address",
      "{\"bans\": {\"scanners\": [\" \"]}}                 | bans.scanners[0]          | must not be empty",
      "{\"bans\": {\"dropScanners\": 1}}                   | bans.dropScanners         | true or false",
      "{\"bans\": {\"maxConnections\": 0}}                 | bans.maxConnections       | between 1 and",
      "{\"bans\": {\"maxTransactions\": -1}}                | bans.maxTransactions      | between 0 and",
      "{\"im\": {\"maxPerUser\": 0}}                     | im.maxPerUser             | between 1 and",
      "{\"im\": {\"expiry\": 5}}                          | im.expiry                 | between 10 and",
      "{\"im\": {\"offline\": \"yes\"}}                   | im.offline                | true or false",
      "{\"im\": {\"notice\": true}}                       | im.notice                 | unknown",
      "{\"presence\": {\"minExpires\": 0}}               | presence.minExpires       | between 1 and",
      "{\"presence\": {\"minExpires\": 600, \"maxExpires\": 60}} | presence.maxExpires | not be below",
      "{\"presence\": {\"defaultExpires\": 30}}          | presence.defaultExpires   | between presence.minExpires",
      "{\"presence\": {\"dialogInfo\": \"on\"}}              | presence.dialogInfo       | true or false",
      "{\"presence\": {\"defaultPolicy\": \"deny\"}}         | presence.defaultPolicy    | must be one of",
      "{\"store\": {\"type\": \"redis\", \"nodeAddress\": \"10.0.0.7:5060\"}} | store.nodeAddress | without a port",
      "{\"store\": {\"type\": \"redis\", \"nodeAddress\": \"0.0.0.0\"}} | store.nodeAddress | not the wildcard",
      "{\"store\": {\"type\": \"redis\", \"nodeAddress\": \"bad host\"}} | store.nodeAddress | forms: host",
      "{\"transport\": {\"maxMessageSize\": 1023}}            | transport.maxMessageSize  | between 1024 and 1048576",
      "{\"transport\": {\"maxMessageSize\": 1048577}}         | transport.maxMessageSize  | between 1024 and 1048576",
      "{\"transport\": {\"instances\": -1}}                   | transport.instances       | between 0 and 1024",
      "{\"transport\": {\"maxConnections\": 0}}               | transport.maxConnections  | between 1 and",
      "{\"transport\": {\"tcpIdleTimeout\": -5}}              | transport.tcpIdleTimeout  | between 0 and",
      "{\"workers\": -1}                                      | workers                   | between 0 and 1024",
      "{\"reload\": {\"scanPeriod\": 10}}                     | reload.scanPeriod         | must be 0 (off) or between 100"})
  void validationNamesTheKey(String json, String key, String fragment) {
    ConfigException e = fails(json);
    assertEquals(key, e.key(), e.getMessage());
    assertTrue(e.getMessage().startsWith("config key '" + key + "': "), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void absentDefaultExpiresFollowsALowerMaxExpires() {
    assertEquals(new RegistrarConfig(60, 120, 120, 10), parse("{\"registrar\": {\"maxExpires\": 120}}").registrar());
    assertEquals(new RegistrarConfig(60, 7200, 3600, 10), parse("{\"registrar\": {\"maxExpires\": 7200}}").registrar());
    assertEquals(new RegistrarConfig(4000, 7200, 4000, 10), parse("{\"registrar\": {\"minExpires\": 4000, \"maxExpires\": 7200}}").registrar());
  }

  @Test
  void restartNeededChangesListsWhatCannotReload() {
    SipgwConfig a = SipgwConfig.defaults();
    assertEquals(List.of(), a.restartNeededChanges(parse("{}")));
    assertEquals(List.of(), a.restartNeededChanges(parse("""
        {"registrar": {"maxExpires": 7200, "defaultExpires": 600}, "proxy": {"recordRoute": false},
         "domains": [{"name": "example.com", "mode": "redirect"}], "transport": {"maxMessageSize": 4096}}""")));
    SipgwConfig b = parse("""
        {"listen": [{"transport": "udp", "port": 5070}], "workers": 777, "transport": {"instances": 555, "tcpIdleTimeout": 60},
         "store": {"type": "redis"}, "reload": {"scanPeriod": 0}}""");
    assertEquals(List.of("listen", "workers", "transport.instances", "transport.tcpIdleTimeout", "store", "reload.scanPeriod"),
        a.restartNeededChanges(b));
  }

  @Test
  void advertiseChangeNeedsRestart() {
    SipgwConfig a = parse("{\"listen\": [{\"transport\": \"udp\"}]}");
    SipgwConfig b = parse("{\"listen\": [{\"transport\": \"udp\", \"advertise\": \"198.51.100.1\"}]}");
    assertEquals(List.of("listen"), a.restartNeededChanges(b));
    assertFalse(a.equals(b));
  }

  @Test
  void proxyForkingTimerCAndFailureRoutesAreRead() {
    SipgwConfig c = parse("{\"proxy\": {\"forking\": \"serial\", \"timerC\": 30, \"failureRoutes\": ["
        + "{\"codes\": [486, \"5xx\"], \"target\": \"sip:vm@127.0.0.1:5090\"}, {\"codes\": [480], \"target\": \"sip:x@h\", \"aor\": \"bob@localhost\"}]}}");
    ProxyConfig p = c.proxy();
    assertTrue(p.serialForking());
    assertEquals(30, p.timerC());
    assertEquals("sip:vm@127.0.0.1:5090", p.failureRoute(486, "alice@localhost").target().toString());
    assertEquals("sip:vm@127.0.0.1:5090", p.failureRoute(503, "alice@localhost").target().toString());
    assertEquals(null, p.failureRoute(404, "alice@localhost"));
    assertEquals(null, p.failureRoute(480, "alice@localhost"), "the 480 rule is for bob only");
    assertEquals("sip:x@h", p.failureRoute(480, "BOB@localhost").target().toString());
    assertEquals(c, parse(c.json().encode()), "the effective JSON reads back the same");
  }

  @Test
  void badProxyAndTransactionValuesNameTheirKey() {
    assertEquals("proxy.forking", fails("{\"proxy\": {\"forking\": \"random\"}}").key());
    assertEquals("proxy.timerC", fails("{\"proxy\": {\"timerC\": 0}}").key());
    assertEquals("proxy.failureRoutes[0].codes[1]", fails("{\"proxy\": {\"failureRoutes\": [{\"codes\": [486, 200], \"target\": \"sip:a@b\"}]}}").key());
    assertEquals("proxy.failureRoutes[0].codes[0]", fails("{\"proxy\": {\"failureRoutes\": [{\"codes\": [\"2xx\"], \"target\": \"sip:a@b\"}]}}").key());
    assertEquals("proxy.failureRoutes[0].target", fails("{\"proxy\": {\"failureRoutes\": [{\"codes\": [486], \"target\": \"tel:+123\"}]}}").key());
    assertEquals("proxy.failureRoutes[0].target", fails("{\"proxy\": {\"failureRoutes\": [{\"codes\": [486]}]}}").key());
    assertEquals("proxy.failureRoutes[0].when", fails("{\"proxy\": {\"failureRoutes\": [{\"codes\": [486], \"target\": \"sip:a@b\", \"when\": 1}]}}").key());
    assertEquals("transaction.t2", fails("{\"transaction\": {\"t1\": 500, \"t2\": 400}}").key());
    assertEquals("transaction.maxTransactions", fails("{\"transaction\": {\"maxTransactions\": 0}}").key());
    assertEquals("transaction.t3", fails("{\"transaction\": {\"t3\": 1}}").key());
  }
}
