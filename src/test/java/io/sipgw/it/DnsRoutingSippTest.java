package io.sipgw.it;

import static io.sipgw.it.Dnsmasq.host;
import static io.sipgw.it.Dnsmasq.naptr;
import static io.sipgw.it.Dnsmasq.srv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls routed by DNS, with a real DNS server (dnsmasq) and real peers (SIPp): a call to {@code sip:alice@sip.test},
 * a domain the gateway is not responsible for, follows its NAPTR and SRV records (RFC 3263) to a first target that
 * never answers and then, inside the same transaction, to the next one, a SIPp UAS that takes the call; over TCP the
 * first target refuses the connection and the next one is tried at once. A call to {@code +4930123@localhost} is
 * routed by ENUM (RFC 6116) to the URI of the number's NAPTR record, the SIPp UAS. The callee binds 127.0.0.2, which
 * is not one of the gateway's domain names (127.0.0.1 is).
 */
@Timeout(120)
class DnsRoutingSippTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final String CALLEE_HOST = "127.0.0.2";
  private static final int CALLS = 3;
  private static final String NUMBER = "+4930123";
  private static final String NUMBER_DOMAIN = "3.2.1.0.3.9.4.e164.arpa";

  @TempDir Path dir;
  private Dnsmasq dns;
  private TestGateway gateway;
  private SippRun callee;

  @AfterEach
  void stopEverything() {
    try {
      if (callee != null) callee.close();
      if (gateway != null) gateway.close();
    } finally {
      if (dns != null) dns.close();
    }
  }

  /** The rules of the issue's example: in-dialog requests by their Route, numbers by ENUM, other domains by RFC 3263. */
  private static JsonObject gatewayConfig(Dnsmasq dns) {
    return new JsonObject()
        .put("dns", new JsonObject().put("servers", new JsonArray().add(dns.server())).put("timeout", 1000))
        .put("routes", new JsonArray("""
            [{"name": "within-dialog", "actions": [{"looseRoute": {}}]},
             {"name": "enum", "when": {"ruri.user": "\\\\+[0-9]+"}, "actions": [{"enum": {}}, {"reply": {"code": 404}}]},
             {"name": "other-domains", "when": {"localDomain": false}, "actions": [{"forward": {"failover": {"timeout": 1000}}}]},
             {"name": "rest", "actions": [{"reply": {"code": 404}}]}]"""));
  }

  private Sipp uas(SippTransport transport) {
    return Sipp.scenario("uas.xml").local(CALLEE_HOST).transport(transport).service("alice").calls(CALLS)
        .timeout(Duration.ofSeconds(60)).traceMessages().workDir(dir.resolve("uas"));
  }

  private SippResult call(SippTransport transport, String user, String target) {
    return Sipp.scenario("uac-target.xml").remote(HOST, gateway.port()).local(HOST).transport(transport).service(user)
        .key("target", target).calls(CALLS).rate(1).timeout(Duration.ofSeconds(40)).recvTimeout(Duration.ofSeconds(10))
        .traceMessages().workDir(dir.resolve("uac")).run();
  }

  @Test
  void naptrAndSrvFailOverFromATargetThatNeverAnswersToTheNext() throws Exception {
    // a UDP socket nobody reads: the INVITE goes in and nothing comes back (no ICMP either)
    try (DatagramSocket dead = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(HOST), 0))) {
      Sipp uas = uas(SippTransport.UDP);
      callee = uas.start();
      dns = Dnsmasq.start(dir.resolve("dns"), 60,
          naptr("sip.test", 10, 10, "s", "SIP+D2U", "", "_sip._udp.sip.test"),
          srv("_sip._udp.sip.test", "dead.sip.test", dead.getLocalPort(), 10, 0),
          srv("_sip._udp.sip.test", "live.sip.test", uas.localPort(), 20, 0),
          host("dead.sip.test", HOST),
          host("live.sip.test", CALLEE_HOST));
      gateway = TestGateway.start(gatewayConfig(dns));

      SippResult caller = call(SippTransport.UDP, "alice", "sip.test").assertSucceeded(CALLS);
      SippResult answered = callee.stop(Duration.ofSeconds(15)).assertSucceeded(CALLS);

      assertTrue(Pattern.compile("(?m)^INVITE sip:alice@sip\\.test SIP/2\\.0").matcher(answered.messages()).find(),
          "the callee got the INVITE for sip:alice@sip.test\n" + answered.describe());
      List<String> deadGot = drain(dead);
      assertTrue(deadGot.stream().anyMatch(m -> m.startsWith("INVITE sip:alice@sip.test SIP/2.0")),
          "the first SRV target was tried first: it got " + deadGot.size() + " datagrams\n" + caller.describe());
      List<String> asked = dns.queries();
      assertEquals("NAPTR sip.test", asked.get(0), asked.toString());
      assertTrue(asked.contains("SRV _sip._udp.sip.test"), asked.toString());
    }
  }

  @Test
  void overTcpARefusedConnectionMovesOnToTheNextTarget() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      closed = s.getLocalPort(); // nothing listens there once this is closed: connections are refused
    }
    Sipp uas = uas(SippTransport.TCP);
    callee = uas.start();
    dns = Dnsmasq.start(dir.resolve("dns"), 60,
        naptr("sip.test", 10, 10, "s", "SIP+D2T", "", "_sip._tcp.sip.test"),
        naptr("sip.test", 20, 10, "s", "SIP+D2U", "", "_sip._udp.sip.test"),
        srv("_sip._tcp.sip.test", "dead.sip.test", closed, 10, 0),
        srv("_sip._tcp.sip.test", "live.sip.test", uas.localPort(), 20, 0),
        host("dead.sip.test", HOST),
        host("live.sip.test", CALLEE_HOST));
    gateway = TestGateway.start(gatewayConfig(dns));

    call(SippTransport.UDP, "alice", "sip.test").assertSucceeded(CALLS);
    SippResult answered = callee.stop(Duration.ofSeconds(15)).assertSucceeded(CALLS);
    assertTrue(Pattern.compile("(?m)^(Via|v):\\s*SIP/2\\.0/TCP").matcher(answered.messages()).find(),
        "the callee was reached over TCP, as the NAPTR record with the lowest order says\n" + answered.describe());
  }

  @Test
  void aNumberIsRoutedByEnum() {
    Sipp uas = uas(SippTransport.UDP);
    callee = uas.start();
    String calleeUri = "sip:alice@" + Sipp.hostPort(CALLEE_HOST, uas.localPort());
    dns = Dnsmasq.start(dir.resolve("dns"), 60,
        naptr(NUMBER_DOMAIN, 100, 10, "u", "E2U+sip", "!^\\+49(.*)$!" + calleeUri + "!", ""),
        naptr(NUMBER_DOMAIN, 50, 10, "u", "E2U+email:mailto", "!^.*$!mailto:alice@sip.test!", ""));
    gateway = TestGateway.start(gatewayConfig(dns));

    call(SippTransport.UDP, NUMBER, TestGateway.DOMAIN).assertSucceeded(CALLS);
    SippResult answered = callee.stop(Duration.ofSeconds(15)).assertSucceeded(CALLS);
    assertTrue(Pattern.compile("(?m)^INVITE " + Pattern.quote(calleeUri) + " SIP/2\\.0").matcher(answered.messages()).find(),
        "the callee got the INVITE with the ENUM URI " + calleeUri + "\n" + answered.describe());
    assertTrue(dns.queries().contains("NAPTR " + NUMBER_DOMAIN), dns.queries().toString());
  }

  @Test
  void aNumberWithoutEnumRecordGets404() {
    dns = Dnsmasq.start(dir.resolve("dns"), 60, naptr("9.9.9.e164.arpa", 100, 10, "u", "E2U+sip", "!^.*$!sip:x@127.0.0.2!", ""));
    gateway = TestGateway.start(gatewayConfig(dns));
    SippResult caller = Sipp.scenario("uac-target.xml").remote(HOST, gateway.port()).local(HOST).transport(SippTransport.UDP)
        .service(NUMBER).key("target", TestGateway.DOMAIN).calls(1).timeout(Duration.ofSeconds(20)).traceMessages()
        .workDir(dir.resolve("uac")).run();
    assertTrue(Pattern.compile("(?m)^SIP/2\\.0 404 ").matcher(caller.messages()).find(), "404 for a number ENUM does not know\n" + caller.describe());
    assertTrue(dns.queries().contains("NAPTR " + NUMBER_DOMAIN), dns.queries().toString());
  }

  /** The datagrams waiting in {@code socket}, as text. */
  private static List<String> drain(DatagramSocket socket) throws IOException {
    List<String> out = new ArrayList<>();
    socket.setSoTimeout(200);
    byte[] buf = new byte[65535];
    while (true) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
      } catch (SocketTimeoutException e) {
        return out;
      }
      out.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
    }
  }
}
