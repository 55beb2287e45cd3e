package io.sipgw.it;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The caller and phone scenarios of the stateful-proxy tests that also make sense end to end,
 * checked SIPp-to-SIPp without sipgw (see {@link ScenarioSelfTest}). The others need a proxy's
 * doing (a 408 from timer C, a retransmission by the proxy, failure routing).
 */
@Timeout(60)
class CallScenarioSelfTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final int CALLS = 2;

  @TempDir Path dir;
  private Callee callee;

  @AfterEach
  void stopCallee() {
    if (callee != null) callee.close();
  }

  @ParameterizedTest(name = "{0} calls {1}")
  @CsvSource({"uac-cancel.xml, uas-cancelled.xml", "uac-reinvite.xml, uas-reinvite.xml", "uac-prack.xml, uas-prack.xml",
      "uac-update-info.xml, uas-update-info.xml", "uac-answers-callee.xml, uas-callee-requests.xml",
      "uac-refer.xml, uas-refer.xml"})
  void callerAndPhoneAgreeDirectly(String callerScenario, String phoneScenario) {
    callee = Callee.listen(phoneScenario, "bob", HOST, SippTransport.UDP, CALLS, Duration.ofSeconds(30), dir);
    Sipp.scenario(callerScenario).remote(HOST, callee.port()).local(HOST).service("bob").calls(CALLS).rate(CALLS)
        .timeout(Duration.ofSeconds(20)).workDir(dir).run().assertSucceeded(CALLS);
    callee.stop().assertSucceeded(CALLS);
  }
}
