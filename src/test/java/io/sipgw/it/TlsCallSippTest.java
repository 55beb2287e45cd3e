package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole record-routed dialogs (INVITE / 180 / 200 / ACK / BYE / 200) through the proxy with a TLS
 * phone on one side (RFC 3261 §26.2, §18). Debian's SIPp has no TLS, so a TLS phone is a SIPp on
 * TCP behind socat: the callee behind a TLS-terminating socat ({@link TlsCallee}), the caller in front
 * of a socat that carries its TCP connection to the proxy's TLS listener ({@link Socat#originateTls}).
 * Every SIPp run must end with every call successful: a failed call or an unexpected message fails it.
 */
@Timeout(90)
class TlsCallSippTest {
  private static final int CALLS = 10;
  private static final int RATE = 10;
  private static final String V4 = FreePorts.IPV4_LOOPBACK;

  @TempDir Path dir;
  private TestGateway gateway;
  private TestCertificate phoneCertificate;
  private TlsCallee tlsCallee;
  private Callee callee;
  private Socat callerRelay;

  @BeforeEach
  void startGateway() {
    gateway = TestGateway.startTls(TestCertificate.create(dir, "gateway"), new JsonObject());
    phoneCertificate = TestCertificate.create(dir, "phone");
  }

  @AfterEach
  void stopEverything() {
    try (TestGateway g = gateway; TlsCallee t = tlsCallee; Callee c = callee; Socat s = callerRelay) {
      // closed in reverse order, each even when another fails
    }
  }

  @Test
  void udpPhoneCallsTlsPhoneOverOneReusedTlsConnection() {
    SippResult caller = callTlsPhone(SippTransport.UDP);
    // every INVITE, ACK and BYE of every call went over the one connection the proxy opened
    assertEquals(1, tlsCallee.tlsConnections(), "TLS connections the proxy opened to the phone\n" + tlsCallee.describeTls());
    Pattern tlsRoute = Pattern.compile("(?m)^Record-Route:.*<sip:" + Pattern.quote(Sipp.hostPort(V4, gateway.tlsPort(V4)))
        + ";transport=tls;lr>");
    assertTrue(tlsRoute.matcher(caller.messages()).find(), "the proxy record-routed its TLS side\n" + caller.describe());
  }

  @Test
  void tcpPhoneCallsTlsPhone() {
    callTlsPhone(SippTransport.TCP);
    assertEquals(1, tlsCallee.tlsConnections(), tlsCallee.describeTls());
  }

  @Test
  void tlsPhoneCallsUdpPhone() {
    callFromTlsPhone(V4);
  }

  @Test
  void tlsPhoneOnIpv6CallsUdpPhoneOnIpv4() {
    assumeTrue(gateway.hasIpv6(), "no ::1 on this machine");
    callFromTlsPhone(FreePorts.IPV6_LOOPBACK);
  }

  /** A caller on {@code transport} calls bob, a TLS phone registered over TLS. */
  private SippResult callTlsPhone(SippTransport transport) {
    tlsCallee = TlsCallee.listen("bob", V4, phoneCertificate, CALLS, Duration.ofSeconds(60), dir);
    tlsCallee.registerOverTls(gateway.tlsPort(V4), TestGateway.DOMAIN);
    SippResult caller = Sipp.scenario("uac.xml").remote(V4, gateway.port()).local(V4).transport(transport)
        .service("bob").calls(CALLS).rate(RATE).timeout(Duration.ofSeconds(40)).traceMessages().workDir(dir)
        .run().assertSucceeded(CALLS);
    tlsCallee.stop().assertSucceeded(CALLS);
    return caller;
  }

  /** A TLS phone at {@code host} calls bob, a UDP phone on 127.0.0.1. */
  private void callFromTlsPhone(String host) {
    callee = Callee.listen("bob", V4, SippTransport.UDP, CALLS, Duration.ofSeconds(60), dir);
    callee.registerAt(V4, gateway.port(), TestGateway.DOMAIN);
    int relayPort = FreePorts.udpAndTcp(host);
    int tlsPort = gateway.tlsPort(host);
    callerRelay = Socat.originateTls(host, relayPort, tlsPort, dir);
    SippResult caller = Sipp.scenario("uac-tls.xml").remote(host, relayPort).local(host).transport(SippTransport.TCP)
        .service("bob").key("target", Sipp.hostPort(host, tlsPort) + ";transport=tls")
        .calls(CALLS).rate(RATE).timeout(Duration.ofSeconds(40)).traceMessages().workDir(dir)
        .run().assertSucceeded(CALLS);
    callee.stop().assertSucceeded(CALLS);
    assertEquals(1, callerRelay.acceptedConnections(), callerRelay.describe());

    // the caller's side of the route is the proxy's TLS listener, so its ACK and BYE come back over TLS
    Pattern tlsRoute = Pattern.compile("(?m)^Route:.*<sip:" + Pattern.quote(Sipp.hostPort(host, tlsPort)) + ";transport=tls;lr>");
    assertTrue(tlsRoute.matcher(caller.messages()).find(), "ACK and BYE are routed over the proxy's TLS side\n" + caller.describe());
  }
}
