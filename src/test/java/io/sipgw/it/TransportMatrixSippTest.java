package io.sipgw.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pair of transports bridged, in both directions and across address families: a caller on UDP,
 * TCP or TLS calls a phone on UDP, TCP or TLS, once from IPv4 to IPv6 and once from IPv6 to IPv4 —
 * eighteen record-routed dialogs (INVITE / 180 / 200 / ACK / BYE / 200) through the stateful proxy.
 * (IPv4 to IPv4 is covered by {@link CallSippTest} and {@link TlsCallSippTest}.) A TLS side is a SIPp
 * on TCP behind socat, as in {@link TlsCallSippTest}. Every SIPp run must end with every call successful.
 */
@Timeout(90)
class TransportMatrixSippTest {
  private static final int CALLS = 3;
  private static final int RATE = 10;
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final String V4 = FreePorts.IPV4_LOOPBACK;
  private static final String V6 = FreePorts.IPV6_LOOPBACK;

  enum Side { UDP, TCP, TLS }

  @TempDir Path dir;
  private TestGateway gateway;
  private final List<AutoCloseable> peers = new ArrayList<>();

  @BeforeEach
  void startGateway() {
    gateway = TestGateway.startTls(TestCertificate.create(dir, "gateway"), new JsonObject());
  }

  @AfterEach
  void stopEverything() throws Exception {
    try (TestGateway g = gateway) {
      for (int i = peers.size() - 1; i >= 0; i--) peers.get(i).close();
    }
  }

  static Stream<Arguments> pairs() {
    List<Arguments> out = new ArrayList<>();
    for (Side caller : Side.values()) {
      for (Side callee : Side.values()) {
        out.add(Arguments.of(caller, V4, callee, V6));
        out.add(Arguments.of(caller, V6, callee, V4));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} on {1} calls {2} on {3}")
  @MethodSource("pairs")
  void callsAreBridged(Side caller, String callerHost, Side callee, String calleeHost) {
    assumeTrue(gateway.hasIpv6(), "no ::1 on this machine");
    if (callee == Side.TLS) {
      TlsCallee phone = TlsCallee.listen("bob", calleeHost, TestCertificate.create(dir, "phone"), CALLS, Duration.ofSeconds(60), dir);
      peers.add(phone);
      phone.registerOverTls(gateway.tlsPort(calleeHost), TestGateway.DOMAIN);
      call(caller, callerHost);
      phone.stop().assertSucceeded(CALLS);
    } else {
      Callee phone = Callee.listen("bob", calleeHost, sipp(callee), CALLS, Duration.ofSeconds(60), dir);
      peers.add(phone);
      phone.registerAt(calleeHost, gateway.port(calleeHost), TestGateway.DOMAIN);
      call(caller, callerHost);
      phone.stop().assertSucceeded(CALLS);
    }
  }

  private void call(Side caller, String host) {
    if (caller != Side.TLS) {
      Sipp.scenario("uac.xml").remote(host, gateway.port(host)).local(host).transport(sipp(caller))
          .service("bob").calls(CALLS).rate(RATE).timeout(BOUND).workDir(dir)
          .run().assertSucceeded(CALLS);
      return;
    }
    int relayPort = FreePorts.udpAndTcp(host);
    int tlsPort = gateway.tlsPort(host);
    Socat relay = Socat.originateTls(host, relayPort, tlsPort, dir);
    peers.add(relay);
    Sipp.scenario("uac-tls.xml").remote(host, relayPort).local(host).transport(SippTransport.TCP)
        .service("bob").key("target", Sipp.hostPort(host, tlsPort) + ";transport=tls")
        .calls(CALLS).rate(RATE).timeout(BOUND).workDir(dir)
        .run().assertSucceeded(CALLS);
  }

  private static SippTransport sipp(Side side) { return side == Side.UDP ? SippTransport.UDP : SippTransport.TCP; }
}
