package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scenarios and the harness, checked SIPp-to-SIPp without sipgw: when a gateway test
 * fails, this one says whether the fault is in the gateway or in the test kit.
 */
@Timeout(60)
class ScenarioSelfTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;

  @TempDir Path dir;
  private SippRun peer;
  private Callee callee;

  @AfterEach
  void stopPeers() {
    if (peer != null) peer.close();
    if (callee != null) callee.close();
  }

  @Test
  void registerRefreshAndUnregisterAgainstAToyRegistrar() {
    int users = 50;
    Path csv = InjectionFile.users(dir, "alice", users, TestGateway.DOMAIN, HOST, 5999, SippTransport.UDP);
    for (String scenario : new String[] {"register.xml", "reregister.xml", "unregister.xml"}) {
      // a fresh toy registrar each time: SIPp keeps ended Call-IDs and would not answer them again
      Sipp stub = Sipp.scenario("selftest/registrar-stub.xml").local(HOST).calls(users).workDir(dir);
      peer = stub.start();
      Sipp.scenario(scenario).remote(HOST, stub.localPort()).local(HOST).injectionFile(csv)
          .calls(users).rate(200).arg("-cid_str", "selftest-%u@it").workDir(dir)
          .run().assertSucceeded(users);
      peer.stop(Duration.ofSeconds(10)).assertSucceeded(users);
    }
  }

  @Test
  void callerReachesCalleeDirectly() {
    int calls = 10;
    callee = Callee.listen("bob", HOST, SippTransport.UDP, calls, Duration.ofSeconds(30), dir);
    SippResult caller = Sipp.scenario("uac.xml").remote(HOST, callee.port()).local(HOST).service("bob")
        .calls(calls).rate(20).traceMessages().workDir(dir).run().assertSucceeded(calls);
    callee.stop().assertSucceeded(calls);
    assertTrue(caller.messages().contains("BYE sip:bob@127.0.0.1:" + callee.port()),
        "BYE goes to the callee's Contact\n" + caller.describe());
  }

  @Test
  void callerReachesCalleeOverIpv6() {
    assumeTrue(FreePorts.hasIpv6Loopback(), "no ::1 on this machine");
    callee = Callee.listen("bob", FreePorts.IPV6_LOOPBACK, SippTransport.UDP, 3, Duration.ofSeconds(30), dir);
    Sipp.scenario("uac.xml").remote(FreePorts.IPV6_LOOPBACK, callee.port()).local(FreePorts.IPV6_LOOPBACK)
        .service("bob").calls(3).workDir(dir).run().assertSucceeded(3);
    callee.stop().assertSucceeded(3);
  }

  @Test
  void redirectedCallerAcknowledgesThe302() {
    Sipp stub = Sipp.scenario("selftest/redirect-stub.xml").local(HOST).service("carol").calls(3).workDir(dir);
    peer = stub.start();
    SippResult caller = Sipp.scenario("redirect-uac.xml").remote(HOST, stub.localPort()).local(HOST)
        .service("carol").key("domain", TestGateway.REDIRECT_DOMAIN).calls(3).traceMessages().workDir(dir)
        .run().assertSucceeded(3);
    peer.stop(Duration.ofSeconds(10)).assertSucceeded(3);
    assertTrue(caller.messages().contains("ACK sip:carol@redirect.test"), caller.describe());
  }

  @Test
  void callerFailsOnAnUnexpectedResponse() {
    Sipp stub = Sipp.scenario("selftest/redirect-stub.xml").local(HOST).service("bob").calls(2)
        .recvTimeout(Duration.ofSeconds(1)).workDir(dir);
    peer = stub.start();
    SippResult caller = Sipp.scenario("uac.xml").remote(HOST, stub.localPort()).local(HOST).service("bob")
        .calls(2).workDir(dir).run();
    assertEquals(0, caller.successfulCalls(), caller::describe);
    assertEquals(2, caller.failedCalls(), caller::describe);
  }

  @ParameterizedTest
  @EnumSource(SippTransport.class)
  void handDrivenPeerGetsItsResponse(SippTransport transport) throws IOException {
    Sipp stub = Sipp.scenario("selftest/registrar-stub.xml").local(HOST).transport(transport).calls(1).workDir(dir);
    peer = stub.start();
    try (SipPeer sipPeer = SipPeer.open(transport, HOST, stub.localPort())) {
      String aor = "sip:heidi@" + TestGateway.DOMAIN;
      sipPeer.send(sipPeer.request("REGISTER", "sip:" + TestGateway.DOMAIN, aor, "Expires: 600\r\n"));
      SipMessageText response = sipPeer.finalResponse(Duration.ofSeconds(5));
      assertEquals(200, response.status(), response::text);
      assertEquals("<sip:heidi@" + sipPeer.hostPort() + ";transport=" + transport.uriParam() + ">;expires=600",
          response.header("Contact"), response::text);
    }
  }
}
