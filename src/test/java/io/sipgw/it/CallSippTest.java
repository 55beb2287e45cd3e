package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole dialogs through the record-routing proxy: SIPp caller (uac.xml) → sipgw → SIPp callee
 * (uas.xml), INVITE / 180 / 200 / ACK / BYE / 200. The callee is registered as bob@localhost
 * first (see {@link Callee}); the caller calls sip:bob@127.0.0.1:PORT (127.0.0.1 is an alias of
 * localhost) and sends ACK and BYE to the proxy with the route set of the 200.
 */
@Timeout(60)
class CallSippTest {
  private static final int CALLS = 20;
  private static final int RATE = 10;

  @TempDir Path dir;
  private TestGateway gateway;
  private Callee callee;

  @BeforeEach
  void startGateway() { gateway = TestGateway.start(); }

  @AfterEach
  void stopEverything() {
    try {
      if (callee != null) callee.close();
    } finally {
      if (gateway != null) gateway.close();
    }
  }

  static Stream<Arguments> transports() {
    return Stream.of(
        Arguments.of(SippTransport.UDP, SippTransport.UDP),
        Arguments.of(SippTransport.TCP, SippTransport.TCP),
        Arguments.of(SippTransport.UDP, SippTransport.TCP),
        Arguments.of(SippTransport.TCP, SippTransport.UDP));
  }

  @ParameterizedTest(name = "caller {0}, callee {1}")
  @MethodSource("transports")
  void callsGoThroughTheProxyAndStayOnItsRoute(SippTransport caller, SippTransport calleeTransport) {
    calls(FreePorts.IPV4_LOOPBACK, caller, calleeTransport);
  }

  @Test
  void callsOverIpv6() {
    assumeTrue(gateway.hasIpv6(), "no ::1 on this machine");
    calls(FreePorts.IPV6_LOOPBACK, SippTransport.UDP, SippTransport.UDP);
  }

  private void calls(String host, SippTransport callerTransport, SippTransport calleeTransport) {
    int proxyPort = gateway.port(host);
    callee = Callee.listen("bob", host, calleeTransport, CALLS, Duration.ofSeconds(45), dir);
    callee.registerAt(host, proxyPort, TestGateway.DOMAIN);

    SippResult caller = Sipp.scenario("uac.xml")
        .remote(host, proxyPort)
        .local(host)
        .transport(callerTransport)
        .service("bob")
        .calls(CALLS)
        .rate(RATE)
        .timeout(Duration.ofSeconds(30))
        .traceMessages()
        .workDir(dir)
        .run()
        .assertSucceeded(CALLS);
    callee.stop().assertSucceeded(CALLS);

    // the proxy record-routed (RFC 3261 §16.6 step 4) with a loose-routing URI of its own ...
    String proxy = Pattern.quote(Sipp.hostPort(host, proxyPort));
    Pattern recordRoute = Pattern.compile("(?m)^Record-Route:.*<sip:" + proxy + "[;>][^>]*\\blr\\b");
    assertTrue(recordRoute.matcher(caller.messages()).find(),
        "the 200 the caller received has the proxy's Record-Route with ;lr\n" + caller.describe());
    // ... and the caller's ACK and BYE carried it as their route
    Pattern route = Pattern.compile("(?m)^Route:.*<sip:" + proxy);
    assertTrue(route.matcher(caller.messages()).find(),
        "the caller's ACK and BYE have a Route to the proxy\n" + caller.describe());
  }
}
