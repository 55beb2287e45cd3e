package io.sipgw.dns;

import static io.sipgw.it.Dnsmasq.host;
import static io.sipgw.it.Dnsmasq.naptr;
import static io.sipgw.it.Dnsmasq.srv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.DnsConfig;
import io.sipgw.it.Dnsmasq;
import io.sipgw.it.FreePorts;
import io.sipgw.sip.SipUri;
import io.sipgw.sip.Transport;
import io.sipgw.transport.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** RFC 3263 §4 server location and the DNS cache against a real DNS server (dnsmasq) serving the records each test writes. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class DnsmasqResolverTest {
  private static final List<Transport> UDP_TCP = List.of(Transport.UDP, Transport.TCP);
  private static final List<Transport> ALL = List.of(Transport.UDP, Transport.TCP, Transport.TLS);

  @TempDir
  Path dir;
  private Dnsmasq dns;
  private SipResolver resolver;

  @AfterEach
  void stop() {
    if (resolver != null) resolver.close();
    if (dns != null) dns.close();
  }

  private void start(Vertx vertx, int ttl, String... records) {
    dns = Dnsmasq.start(dir, ttl, records);
    resolver = new SipResolver(vertx, DnsConfig.ofServers(dns.server()));
  }

  @Test
  void naptrThenSrvThenAddressesEveryTargetInOrder(Vertx vertx) throws Exception {
    start(vertx, 60,
        naptr("sip.test", 20, 10, "s", "SIP+D2U", "", "_sip._udp.sip.test"),
        naptr("sip.test", 10, 10, "s", "SIP+D2T", "", "_sip._tcp.sip.test"),
        srv("_sip._tcp.sip.test", "b.sip.test", 5072, 20, 0),
        srv("_sip._tcp.sip.test", "a.sip.test", 5071, 10, 0),
        srv("_sip._udp.sip.test", "c.sip.test", 5073, 10, 0),
        host("a.sip.test", "127.0.0.2"), host("b.sip.test", "127.0.0.3"), host("c.sip.test", "127.0.0.4"));
    assertEquals(List.of(new Target(Transport.TCP, "127.0.0.2", 5071), new Target(Transport.TCP, "127.0.0.3", 5072),
        new Target(Transport.UDP, "127.0.0.4", 5073)), resolve("sip:alice@sip.test", UDP_TCP));
    List<String> asked = dns.queries();
    assertEquals("NAPTR sip.test", asked.get(0));
    assertTrue(asked.containsAll(List.of("SRV _sip._tcp.sip.test", "SRV _sip._udp.sip.test", "A a.sip.test", "AAAA a.sip.test")), asked.toString());
    assertTrue(asked.stream().noneMatch(q -> q.contains("_sips.")), asked.toString());
  }

  @Test
  void naptrPreferenceOrdersWithinOneOrder(Vertx vertx) throws Exception {
    start(vertx, 60,
        naptr("sip.test", 10, 50, "s", "SIP+D2U", "", "_sip._udp.sip.test"),
        naptr("sip.test", 10, 40, "s", "SIP+D2T", "", "_sip._tcp.sip.test"),
        srv("_sip._tcp.sip.test", "a.sip.test", 5071, 10, 0),
        srv("_sip._udp.sip.test", "a.sip.test", 5070, 10, 0),
        host("a.sip.test", "127.0.0.2"));
    assertEquals(List.of(new Target(Transport.TCP, "127.0.0.2", 5071), new Target(Transport.UDP, "127.0.0.2", 5070)),
        resolve("sip:alice@sip.test", UDP_TCP));
  }

  @Test
  void naptrServicesSelectOnlyTransportsThisServerHas(Vertx vertx) throws Exception {
    start(vertx, 60,
        naptr("sip.test", 10, 10, "s", "SIPS+D2T", "", "_sips._tcp.sip.test"),
        naptr("sip.test", 20, 10, "s", "SIP+D2T", "", "_sip._tcp.sip.test"),
        naptr("sip.test", 30, 10, "s", "SIP+D2U", "", "_sip._udp.sip.test"),
        naptr("sip.test", 5, 10, "s", "SIP+D2S", "", "_sip._sctp.sip.test"),
        naptr("sip.test", 6, 10, "s", "XMPP+D2T", "", "_xmpp._tcp.sip.test"),
        srv("_sips._tcp.sip.test", "a.sip.test", 5061, 10, 0),
        srv("_sip._tcp.sip.test", "a.sip.test", 5060, 10, 0),
        srv("_sip._udp.sip.test", "a.sip.test", 5060, 10, 0),
        srv("_sip._sctp.sip.test", "a.sip.test", 5060, 10, 0),
        host("a.sip.test", "127.0.0.2"));
    Target tls = new Target(Transport.TLS, "127.0.0.2", 5061, "sip.test");
    Target tcp = new Target(Transport.TCP, "127.0.0.2", 5060);
    Target udp = new Target(Transport.UDP, "127.0.0.2", 5060);
    assertEquals(List.of(udp), resolve("sip:alice@sip.test", List.of(Transport.UDP)));
    assertEquals(List.of(tcp, udp), resolve("sip:alice@sip.test", UDP_TCP));
    // the domain offers TLS in its NAPTR records: used for a SIP URI too, checked against the domain (RFC 5922 §4.2)
    assertEquals(List.of(tls, tcp, udp), resolve("sip:alice@sip.test", ALL));
    // a SIPS URI: only SIPS+D2T
    assertEquals(List.of(tls), resolve("sips:alice@sip.test", ALL));
    // a transport parameter: straight to SRV for it, no NAPTR
    int before = dns.queries().size();
    assertEquals(List.of(tcp), resolve("sip:alice@sip.test;transport=tcp", ALL));
    assertTrue(dns.queries().size() == before || dns.queries().subList(before, dns.queries().size()).stream().noneMatch(q -> q.startsWith("NAPTR")));
  }

  @Test
  void withoutUsableNaptrSrvForEachTransportThenAddressRecords(Vertx vertx) throws Exception {
    start(vertx, 60,
        naptr("sip.test", 10, 10, "s", "SIP+D2S", "", "_sip._sctp.sip.test"),
        srv("_sip._tcp.sip.test", "a.sip.test", 5071, 10, 0),
        host("a.sip.test", "127.0.0.2"),
        host("plain.test", "127.0.0.5", "::1"));
    assertEquals(List.of(new Target(Transport.TCP, "127.0.0.2", 5071)), resolve("sip:alice@sip.test", UDP_TCP));
    assertEquals(List.of("NAPTR sip.test", "SRV _sip._udp.sip.test", "SRV _sip._tcp.sip.test"), dns.queries().subList(0, 3));
    // no NAPTR, no SRV: A then AAAA on 5060
    assertEquals(List.of(new Target(Transport.UDP, "127.0.0.5", 5060), new Target(Transport.UDP, "::1", 5060)),
        resolve("sip:alice@plain.test", UDP_TCP));
  }

  @Test
  void srvPriorityFirstThenWeightAsAProbability(Vertx vertx) throws Exception {
    start(vertx, 60,
        srv("_sip._udp.sip.test", "heavy.sip.test", 5080, 20, 3),
        srv("_sip._udp.sip.test", "light.sip.test", 5081, 20, 1),
        srv("_sip._udp.sip.test", "first.sip.test", 5082, 10, 0),
        srv("_sip._udp.sip.test", "last.sip.test", 5083, 30, 100),
        host("heavy.sip.test", "127.0.0.2"), host("light.sip.test", "127.0.0.3"), host("first.sip.test", "127.0.0.4"),
        host("last.sip.test", "127.0.0.5"));
    Target first = new Target(Transport.UDP, "127.0.0.4", 5082);
    Target heavy = new Target(Transport.UDP, "127.0.0.2", 5080);
    Target light = new Target(Transport.UDP, "127.0.0.3", 5081);
    Target last = new Target(Transport.UDP, "127.0.0.5", 5083);
    int lightFirst = 0;
    for (int i = 0; i < 300; i++) {
      List<Target> t = resolve("sip:alice@sip.test;transport=udp", UDP_TCP);
      assertEquals(4, t.size(), t.toString());
      assertEquals(first, t.get(0));
      assertEquals(Set.of(heavy, light), Set.copyOf(t.subList(1, 3)));
      assertEquals(last, t.get(3));
      if (t.get(1).equals(light)) lightFirst++;
    }
    // RFC 2782 draws over 0..sum inclusive, a 0 picking the first record in the list: light goes ahead of heavy 1 time in
    // 5 (2 in 5 when dnsmasq lists it first), never as often as heavy; 20..160 is many standard deviations wide of both
    assertTrue(lightFirst >= 20 && lightFirst <= 160, "light ahead of heavy " + lightFirst + " times in 300");
    // the records came from the cache after the first resolution
    assertEquals(1, dns.queries().stream().filter(q -> q.equals("SRV _sip._udp.sip.test")).count());
  }

  @Test
  void aaaaRecordsAndIpv6OnlyTargets(Vertx vertx) throws Exception {
    start(vertx, 60,
        srv("_sip._udp.sip.test", "v6.sip.test", 5090, 10, 0),
        host("v6.sip.test", "::1"),
        host("dual.sip.test", "127.0.0.2", "::1"));
    assertEquals(List.of(new Target(Transport.UDP, "::1", 5090)), resolve("sip:alice@sip.test", UDP_TCP));
    assertEquals(List.of(new Target(Transport.TCP, "127.0.0.2", 5070), new Target(Transport.TCP, "::1", 5070)),
        resolve("sip:alice@dual.sip.test:5070;transport=tcp", UDP_TCP));
    assertEquals(List.of(new Target(Transport.TLS, "::1", 5071, "dual.sip.test"), new Target(Transport.TLS, "127.0.0.2", 5071, "dual.sip.test"))
        .stream().sorted((a, b) -> a.host().compareTo(b.host())).toList(),
        resolve("sips:alice@dual.sip.test:5071", ALL).stream().sorted((a, b) -> a.host().compareTo(b.host())).toList());
  }

  @Test
  void namesTheServersDoNotKnowGoToTheHostsFile(Vertx vertx) throws Exception {
    start(vertx, 60);
    // dnsmasq answers NXDOMAIN for localhost (it reads no hosts file); /etc/hosts has it
    List<Target> t = resolve("sip:alice@localhost:5080", UDP_TCP);
    assertTrue(t.contains(new Target(Transport.UDP, "127.0.0.1", 5080)), t.toString());
    assertTrue(dns.queries().contains("A localhost"), dns.queries().toString());
  }

  @Test
  void negativeAnswersAreCachedForNegativeTtl(Vertx vertx) throws Exception {
    dns = Dnsmasq.start(dir, 60, host("a.sip.test", "127.0.0.2"));
    DnsConfig config = DnsConfig.fromJson(new JsonObject().put("servers", new JsonArray().add(dns.server())).put("timeout", 300).put("negativeTtl", 2));
    try (DnsLookup lookup = new DnsLookup(vertx, config)) {
      assertEquals(List.of(), lookup.naptr("nope.sip.test").await(10, TimeUnit.SECONDS)); // NXDOMAIN
      assertEquals(List.of(), lookup.naptr("a.sip.test").await(10, TimeUnit.SECONDS)); // NODATA
      assertEquals(List.of("127.0.0.2"), lookup.a("a.sip.test").await(10, TimeUnit.SECONDS));
      long answered = System.nanoTime();
      dns.stop();
      // the server is gone: what is cached still answers, the rest fails
      assertEquals(List.of(), lookup.naptr("nope.sip.test").await(10, TimeUnit.SECONDS));
      assertEquals(List.of(), lookup.naptr("a.sip.test").await(10, TimeUnit.SECONDS));
      assertEquals(List.of("127.0.0.2"), lookup.a("a.sip.test").await(10, TimeUnit.SECONDS));
      assertTrue(System.nanoTime() - answered < 2_000_000_000L, "the cached answers came late: the test cannot tell");
      Exception e = assertThrows(Exception.class, () -> lookup.naptr("other.sip.test").await(10, TimeUnit.SECONDS));
      assertTrue(e.getMessage().contains("NAPTR other.sip.test"), e.getMessage());
      // after negativeTtl the negative answers are gone (asked again: the server is down), the positive one (TTL 60) stays
      Thread.sleep(Math.max(0, 2_100 - (System.nanoTime() - answered) / 1_000_000));
      assertThrows(Exception.class, () -> lookup.naptr("nope.sip.test").await(10, TimeUnit.SECONDS));
      assertThrows(Exception.class, () -> lookup.naptr("a.sip.test").await(10, TimeUnit.SECONDS));
      assertEquals(List.of("127.0.0.2"), lookup.a("a.sip.test").await(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void answersExpireWithTheirTtl(Vertx vertx) throws Exception {
    start(vertx, 2, srv("_sip._udp.sip.test", "a.sip.test", 5071, 10, 0), host("a.sip.test", "127.0.0.2"));
    assertEquals(List.of(new Target(Transport.UDP, "127.0.0.2", 5071)), resolve("sip:alice@sip.test;transport=udp", UDP_TCP));
    long answered = System.nanoTime();
    dns.stop();
    dns.restart(srv("_sip._udp.sip.test", "b.sip.test", 5072, 10, 0), host("b.sip.test", "127.0.0.3"));
    if (System.nanoTime() - answered < 1_500_000_000L) {
      assertEquals(List.of(new Target(Transport.UDP, "127.0.0.2", 5071)), resolve("sip:alice@sip.test;transport=udp", UDP_TCP));
    }
    Thread.sleep(Math.max(0, 2_100 - (System.nanoTime() - answered) / 1_000_000));
    assertEquals(List.of(new Target(Transport.UDP, "127.0.0.3", 5072)), resolve("sip:alice@sip.test;transport=udp", UDP_TCP));
  }

  @Test
  void aServerOnIpv6Loopback(Vertx vertx) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(FreePorts.hasIpv6Loopback(), "no ::1 on this machine");
    dns = Dnsmasq.start(FreePorts.IPV6_LOOPBACK, dir, 60, naptr("sip.test", 10, 10, "s", "SIP+D2U", "", "_sip._udp.sip.test"),
        srv("_sip._udp.sip.test", "a.sip.test", 5071, 10, 0), host("a.sip.test", "127.0.0.2"));
    assertTrue(dns.server().startsWith("[::1]:"), dns.server());
    resolver = new SipResolver(vertx, DnsConfig.ofServers(dns.server()));
    assertEquals(List.of(new Target(Transport.UDP, "127.0.0.2", 5071)), resolve("sip:alice@sip.test", UDP_TCP));
  }

  @Test
  void theNextServerIsAskedWhenOneDoesNotAnswer(Vertx vertx) throws Exception {
    dns = Dnsmasq.start(dir, 60, host("a.sip.test", "127.0.0.2"));
    int silent = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    try (java.net.DatagramSocket blackHole = new java.net.DatagramSocket(silent, java.net.InetAddress.getLoopbackAddress())) {
      DnsConfig config = DnsConfig.fromJson(new JsonObject().put("servers", new JsonArray().add("127.0.0.1:" + silent).add(dns.server()))
          .put("timeout", 300));
      try (DnsLookup lookup = new DnsLookup(vertx, config)) {
        assertEquals(List.of("127.0.0.2"), lookup.a("a.sip.test").await(10, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void answersCompleteOnTheCallersEventLoopContext(Vertx vertx) throws Exception {
    start(vertx, 60, naptr("sip.test", 10, 10, "s", "SIP+D2U", "", "_sip._udp.sip.test"),
        srv("_sip._udp.sip.test", "a.sip.test", 5071, 10, 0), host("a.sip.test", "127.0.0.2"));
    List<io.vertx.core.Context> contexts = List.of(vertx.getOrCreateContext(), vertx.getOrCreateContext(), vertx.getOrCreateContext());
    SipUri uri = SipUri.parse("sip:alice@sip.test");
    List<Future<Boolean>> sameContext = new java.util.ArrayList<>();
    for (io.vertx.core.Context ctx : contexts) {
      io.vertx.core.Promise<Boolean> p = io.vertx.core.Promise.promise();
      ctx.runOnContext(v -> resolver.resolve(uri, UDP_TCP)
          .onComplete(ar -> p.complete(ar.succeeded() && io.vertx.core.Vertx.currentContext() == ctx
              && ar.result().equals(List.of(new Target(Transport.UDP, "127.0.0.2", 5071))))));
      sameContext.add(p.future());
    }
    for (Future<Boolean> f : sameContext) assertTrue(f.await(10, TimeUnit.SECONDS), "resolved on the context that asked");
  }

  private List<Target> resolve(String uri, List<Transport> allowed) throws Exception {
    Future<List<Target>> f = resolver.resolve(SipUri.parse(uri), allowed);
    return f.await(10, TimeUnit.SECONDS);
  }
}
