package io.sipgw.it;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The messages of a call leave the proxy in the order it handled them, under load: a SIPp caller
 * sends ACK and BYE back to back (no hold) at {@value #RATE} calls/s for {@value #SECONDS} s through
 * the record-routing proxy to a SIPp callee. A proxy that lets two sends of one call race (two
 * sockets, two event loops) now and then delivers the BYE before the ACK, or the 100 Trying after
 * the 200: SIPp aborts such a call on the unexpected message. Every call must succeed on both sides,
 * with no unexpected and no discarded message.
 */
@Timeout(90)
class CallOrderSippTest {
  private static final int RATE = 500;
  private static final int SECONDS = 10;
  private static final int CALLS = RATE * SECONDS;
  private static final Duration BOUND = Duration.ofSeconds(SECONDS + 30);

  @TempDir Path dir;
  private TestGateway gateway;
  private SippRun callee;

  @AfterEach
  void stopEverything() {
    try {
      if (callee != null) callee.close();
    } finally {
      if (gateway != null) gateway.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(SippTransport.class)
  void ackAndByeBackToBackStayInOrder(SippTransport transport) {
    String host = FreePorts.IPV4_LOOPBACK;
    gateway = TestGateway.start();
    Sipp uas = Sipp.scenario("uas.xml").local(host).transport(transport).service("bob").calls(CALLS)
        .timeout(BOUND.plusSeconds(10)).recvTimeout(Duration.ofSeconds(10)).workDir(dir).arg("-buff_size", "4194304");
    callee = uas.start();
    Path users = InjectionFile.user(dir, "bob", TestGateway.DOMAIN, host, uas.localPort(), transport);
    Sipp.scenario("register.xml").remote(host, gateway.port()).local(host).transport(transport)
        .injectionFile(users).calls(1).timeout(Duration.ofSeconds(10)).workDir(dir).run().assertSucceeded(1);

    SippResult caller = Sipp.scenario("uac.xml").remote(host, gateway.port()).local(host).transport(transport)
        .service("bob").calls(CALLS).rate(RATE).timeout(BOUND).workDir(dir)
        .arg("-d", "0", "-buff_size", "4194304")
        .run();
    SippResult answered = callee.stop(Duration.ofSeconds(15));

    caller.assertSucceeded(CALLS).assertInOrder();
    answered.assertSucceeded(CALLS).assertInOrder();
  }
}
