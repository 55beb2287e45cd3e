package io.sipgw.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.DnsConfig;
import io.sipgw.sip.SipUri;
import io.sipgw.sip.Transport;
import io.sipgw.transport.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * RFC 3263 §4 server location against a fake DNS server on loopback that answers SRV queries only (NAPTR, A and AAAA
 * get NXDOMAIN): the SRV and address fallbacks. NAPTR and real records: {@link DnsmasqResolverTest}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class SipResolverTest {
  private static final List<Transport> UDP_TCP = List.of(Transport.UDP, Transport.TCP);
  private static final List<Transport> ALL = List.of(Transport.UDP, Transport.TCP, Transport.TLS);
  private static final int NAPTR = 35;
  private static final int SRV = 33;

  private FakeDns dns;
  private SipResolver resolver;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    dns = new FakeDns();
    resolver = new SipResolver(vertx, DnsConfig.ofServers("127.0.0.1:" + dns.port()));
  }

  @AfterEach
  void stop() {
    resolver.close();
    dns.close();
  }

  @Test
  void numericHostIsUsedDirectlyOnUdp5060() throws Exception {
    assertEquals(List.of(new Target(Transport.UDP, "127.0.0.1", 5060)), resolve("sip:bob@127.0.0.1", UDP_TCP));
    assertEquals(List.of(), dns.queries());
  }

  @Test
  void numericHostWithPortAndTransportParam() throws Exception {
    assertEquals(List.of(new Target(Transport.TCP, "127.0.0.1", 5070)), resolve("sip:bob@127.0.0.1:5070;transport=tcp", UDP_TCP));
  }

  @Test
  void sipsSchemeMeansTlsOn5061() throws Exception {
    assertEquals(List.of(new Target(Transport.TLS, "127.0.0.1", 5061)), resolve("sips:bob@127.0.0.1", UDP_TCP));
  }

  @Test
  void explicitPortOnADomainSkipsSrv() throws Exception {
    assertEquals(localhost(Transport.UDP, 5080), resolve("sip:bob@localhost:5080", UDP_TCP));
    assertEquals(List.of(), dns.queries(NAPTR, SRV));
  }

  @Test
  void srvRecordsAreOrderedByPriorityWithTheSrvPort() throws Exception {
    dns.srv("_sip._udp.example.test", new Srv(20, 0, 5090, "127.0.0.3"), new Srv(10, 0, 5080, "127.0.0.2"));
    assertEquals(List.of(new Target(Transport.UDP, "127.0.0.2", 5080), new Target(Transport.UDP, "127.0.0.3", 5090)),
        resolve("sip:bob@example.test", UDP_TCP));
    assertEquals(List.of("example.test", "_sip._udp.example.test"), dns.queries(NAPTR, SRV));
  }

  @Test
  void onlyTcpSrvYieldsTcpTargets() throws Exception {
    dns.srv("_sip._tcp.example.test", new Srv(10, 0, 5070, "127.0.0.4"));
    assertEquals(List.of(new Target(Transport.TCP, "127.0.0.4", 5070)), resolve("sip:bob@example.test", UDP_TCP));
    assertEquals(List.of("example.test", "_sip._udp.example.test", "_sip._tcp.example.test"), dns.queries(NAPTR, SRV));
  }

  @Test
  void transportParamSelectsTheSrvName() throws Exception {
    dns.srv("_sip._udp.example.test", new Srv(10, 0, 5080, "127.0.0.2"));
    dns.srv("_sip._tcp.example.test", new Srv(10, 0, 5070, "127.0.0.4"));
    assertEquals(List.of(new Target(Transport.TCP, "127.0.0.4", 5070)), resolve("sip:bob@example.test;transport=tcp", UDP_TCP));
    assertEquals(List.of("_sip._tcp.example.test"), dns.queries(NAPTR, SRV));
  }

  @Test
  void sipsDomainQueriesSipsTcpOnlyAndKeepsTheDomainAsServerName() throws Exception {
    dns.srv("_sip._udp.example.test", new Srv(10, 0, 5080, "127.0.0.2"));
    dns.srv("_sips._tcp.example.test", new Srv(10, 0, 5071, "127.0.0.5"));
    // RFC 5922 §4.2: the certificate must show the domain of the URI, not the SRV target's name
    assertEquals(List.of(new Target(Transport.TLS, "127.0.0.5", 5071, "example.test")), resolve("sips:bob@example.test", ALL));
    assertEquals(List.of("example.test", "_sips._tcp.example.test"), dns.queries(NAPTR, SRV));
  }

  @Test
  void sipsDomainWithoutSrvFallsBackToAddressRecordsOn5061() throws Exception {
    assertEquals(localhost(Transport.TLS, 5061, "localhost"), resolve("sips:bob@localhost", ALL));
    assertEquals(List.of("localhost", "_sips._tcp.localhost"), dns.queries(NAPTR, SRV));
  }

  @Test
  void sipsDomainWithAPortSkipsSrv() throws Exception {
    assertEquals(localhost(Transport.TLS, 5071, "localhost"), resolve("sips:bob@localhost:5071", ALL));
    assertEquals(List.of(), dns.queries(NAPTR, SRV));
  }

  @Test
  void transportTlsOnASipUriMeansTlsAndSipsTcpSrv() throws Exception {
    dns.srv("_sip._tcp.example.test", new Srv(10, 0, 5070, "127.0.0.4"));
    dns.srv("_sips._tcp.example.test", new Srv(10, 0, 5071, "127.0.0.5"));
    assertEquals(List.of(new Target(Transport.TLS, "127.0.0.5", 5071, "example.test")),
        resolve("sip:bob@example.test;transport=tls", ALL));
    assertEquals(List.of("_sips._tcp.example.test"), dns.queries(NAPTR, SRV));
  }

  @Test
  void transportTlsOnANumericHostIsTlsOn5061WithoutServerName() throws Exception {
    assertEquals(List.of(new Target(Transport.TLS, "127.0.0.1", 5061)), resolve("sip:bob@127.0.0.1;transport=TLS", ALL));
    assertEquals(List.of(new Target(Transport.TLS, "::1", 5071)), resolve("sip:bob@[::1]:5071;transport=tls", ALL));
  }

  @Test
  void sipsWithTransportTcpIsTlsOverTcp() throws Exception {
    assertEquals(List.of(new Target(Transport.TLS, "127.0.0.1", 5071)), resolve("sips:bob@127.0.0.1:5071;transport=tcp", ALL));
  }

  @Test
  void sipsWithTransportUdpIsRefused() {
    Exception e = assertThrows(Exception.class, () -> resolve("sips:bob@example.test;transport=udp", ALL));
    assertTrue(e.getMessage().contains("sips:"), e.getMessage());
    assertEquals(List.of(), dns.queries());
  }

  @Test
  void aSipUriWithoutTransportIsNotSentOverTlsEvenWhenTlsIsSupported() throws Exception {
    dns.srv("_sips._tcp.example.test", new Srv(10, 0, 5071, "127.0.0.5"));
    dns.srv("_sip._tcp.example.test", new Srv(10, 0, 5070, "127.0.0.4"));
    assertEquals(List.of(new Target(Transport.TCP, "127.0.0.4", 5070)), resolve("sip:bob@example.test", ALL));
    assertEquals(List.of("example.test", "_sip._udp.example.test", "_sip._tcp.example.test"), dns.queries(NAPTR, SRV));
  }

  @Test
  void noSrvFallsBackToAddressRecordsOn5060() throws Exception {
    assertEquals(localhost(Transport.UDP, 5060), resolve("sip:bob@localhost", UDP_TCP));
    assertEquals(List.of("localhost", "_sip._udp.localhost", "_sip._tcp.localhost"), dns.queries(NAPTR, SRV));
  }

  @Test
  void rootTargetMeansNotAvailableOverThatTransport() throws Exception {
    // RFC 2782: a target of "." means the service is decidedly not available at this domain.
    dns.srv("_sip._udp.example.test", new Srv(10, 0, 5080, "."));
    dns.srv("_sip._tcp.example.test", new Srv(10, 0, 5070, "127.0.0.4"));
    assertEquals(List.of(new Target(Transport.TCP, "127.0.0.4", 5070)), resolve("sip:bob@example.test", UDP_TCP));
  }

  @Test
  void weightsWithinAPriorityAreAProbabilityNotAnOrder() throws Exception {
    // RFC 2782: within one priority, a record is drawn with probability proportional to its weight.
    dns.srv("_sip._udp.example.test", new Srv(10, 3, 5080, "127.0.0.2"), new Srv(10, 1, 5080, "127.0.0.3"),
        new Srv(5, 0, 5080, "127.0.0.6"));
    Target first = new Target(Transport.UDP, "127.0.0.6", 5080);
    Target heavy = new Target(Transport.UDP, "127.0.0.2", 5080);
    Target light = new Target(Transport.UDP, "127.0.0.3", 5080);
    int lightSecond = 0;
    for (int i = 0; i < 200; i++) {
      List<Target> targets = resolve("sip:bob@example.test", UDP_TCP);
      assertEquals(3, targets.size(), targets.toString());
      assertEquals(first, targets.get(0));
      assertEquals(Set.of(heavy, light), Set.copyOf(targets.subList(1, 3)));
      if (targets.get(1).equals(light)) lightSecond++;
    }
    // About 1 in 5 (RFC 2782's draw over 0..sum inclusive); 10..90 is many standard deviations wide.
    assertTrue(lightSecond >= 10 && lightSecond <= 90, "light target drawn ahead of the heavy one " + lightSecond + " times in 200");
  }

  @Test
  void unknownTransportParamFails() {
    Exception e = assertThrows(Exception.class, () -> resolve("sip:bob@example.test;transport=xyz", UDP_TCP));
    assertTrue(e.getMessage().contains("xyz"), e.getMessage());
    assertEquals(List.of(), dns.queries());
  }

  private List<Target> resolve(String uri, List<Transport> allowed) throws Exception {
    Future<List<Target>> f = resolver.resolve(SipUri.parse(uri), allowed);
    return f.await(10, TimeUnit.SECONDS);
  }

  /** What the system resolver gives for localhost (the hosts file), as targets. */
  private static List<Target> localhost(Transport t, int port) throws Exception { return localhost(t, port, null); }

  private static List<Target> localhost(Transport t, int port, String serverName) throws Exception {
    List<Target> out = new ArrayList<>();
    for (InetAddress a : InetAddress.getAllByName("localhost")) out.add(new Target(t, a.getHostAddress(), port, serverName));
    return out;
  }

  record Srv(int priority, int weight, int port, String target) { }

  /**
   * A DNS server on 127.0.0.1 (RFC 1035 §4): answers an SRV query (type 33) for a configured name
   * with its records, anything else with NXDOMAIN. Records the names it was asked for, with their types.
   */
  static final class FakeDns implements AutoCloseable {
    private final DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    private final Map<String, List<Srv>> records = new ConcurrentHashMap<>();
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private final List<Integer> types = new CopyOnWriteArrayList<>();

    FakeDns() throws SocketException {
      Thread t = new Thread(this::serve, "fake-dns");
      t.setDaemon(true);
      t.start();
    }

    int port() { return socket.getLocalPort(); }

    void srv(String name, Srv... rs) { records.put(name.toLowerCase(Locale.ROOT), List.of(rs)); }

    /** Every name asked for, of any type. */
    List<String> queries() { return List.copyOf(queries); }

    /** The names asked for with one of {@code qtypes}, in order. */
    synchronized List<String> queries(int... qtypes) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < queries.size(); i++) {
        for (int t : qtypes) if (types.get(i) == t) out.add(queries.get(i));
      }
      return out;
    }

    @Override
    public void close() { socket.close(); }

    private void serve() {
      byte[] buf = new byte[1500];
      while (!socket.isClosed()) {
        try {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          socket.receive(p);
          byte[] reply = answer(ByteBuffer.wrap(p.getData(), 0, p.getLength()));
          socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
        } catch (Exception e) {
          if (socket.isClosed()) return;
        }
      }
    }

    private byte[] answer(ByteBuffer q) {
      int id = q.getShort(0) & 0xffff;
      int flags = q.getShort(2) & 0xffff;
      // Question: labels up to the zero octet, then QTYPE and QCLASS.
      StringBuilder name = new StringBuilder();
      int pos = 12;
      for (int len; (len = q.get(pos++) & 0xff) != 0; pos += len) {
        if (name.length() > 0) name.append('.');
        name.append(new String(q.array(), q.arrayOffset() + pos, len, StandardCharsets.US_ASCII));
      }
      int type = q.getShort(pos) & 0xffff;
      int questionEnd = pos + 4;
      String qname = name.toString().toLowerCase(Locale.ROOT);
      synchronized (this) {
        types.add(type);
        queries.add(qname);
      }
      List<Srv> rs = type == 33 ? records.get(qname) : null;

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      short16(out, id);
      // QR, opcode and RD from the query, AA, RA; RCODE 3 (NXDOMAIN) when there is nothing.
      short16(out, 0x8000 | (flags & 0x7900) | 0x0400 | 0x0080 | (rs == null ? 3 : 0));
      short16(out, 1);
      short16(out, rs == null ? 0 : rs.size());
      short16(out, 0);
      short16(out, 0);
      out.write(q.array(), q.arrayOffset() + 12, questionEnd - 12);
      if (rs != null) {
        for (Srv r : rs) {
          byte[] target = encodeName(r.target());
          short16(out, 0xc00c); // pointer to the question's name
          short16(out, 33);
          short16(out, 1);
          short16(out, 0);
          short16(out, 60); // TTL
          short16(out, 6 + target.length);
          short16(out, r.priority());
          short16(out, r.weight());
          short16(out, r.port());
          out.write(target, 0, target.length);
        }
      }
      return out.toByteArray();
    }

    private static byte[] encodeName(String name) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (String label : name.split("\\.")) {
        if (label.isEmpty()) continue;
        byte[] b = label.getBytes(StandardCharsets.US_ASCII);
        out.write(b.length);
        out.write(b, 0, b.length);
      }
      out.write(0);
      return out.toByteArray();
    }

    private static void short16(ByteArrayOutputStream out, int v) {
      out.write((v >> 8) & 0xff);
      out.write(v & 0xff);
    }
  }
}
