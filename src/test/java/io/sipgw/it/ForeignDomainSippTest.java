package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request for another domain: the caller sends INVITE sip:carol@127.0.0.2:PORT2 to the proxy,
 * and 127.0.0.2 is neither a domain nor a listener of the gateway. The proxy forwards it to the
 * numeric host and port of the Request-URI (RFC 3263 §4.2: an IP address with a port needs no
 * DNS) and record-routes, so the whole dialog (INVITE / 180 / 200 / ACK / BYE / 200) goes
 * through it. Nobody registers: the callee is reached by its address alone. Linux routes all of
 * 127.0.0.0/8 to lo, so the callee SIPp binds 127.0.0.2 without any setup.
 */
@Timeout(60)
class ForeignDomainSippTest {
  private static final String CALLER_HOST = FreePorts.IPV4_LOOPBACK;
  private static final String FOREIGN_HOST = "127.0.0.2";
  private static final int CALLS = 5;

  @TempDir Path dir;
  private TestGateway gateway;
  private SippRun callee;

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

  @Test
  void callToANumericHostOfAnotherDomainGoesThroughTheRecordRoutingProxy() {
    Sipp uas = Sipp.scenario("uas.xml")
        .local(FOREIGN_HOST)
        .transport(SippTransport.UDP)
        .service("carol")
        .calls(CALLS)
        .timeout(Duration.ofSeconds(40))
        .traceMessages()
        .workDir(dir);
    callee = uas.start();
    String target = Sipp.hostPort(FOREIGN_HOST, uas.localPort());

    SippResult caller = Sipp.scenario("uac-target.xml")
        .remote(CALLER_HOST, gateway.port())
        .local(CALLER_HOST)
        .transport(SippTransport.UDP)
        .service("carol")
        .key("target", target)
        .calls(CALLS)
        .rate(CALLS)
        .timeout(Duration.ofSeconds(20))
        .traceMessages()
        .workDir(dir)
        .run()
        .assertSucceeded(CALLS);
    SippResult answered = callee.stop(Duration.ofSeconds(15)).assertSucceeded(CALLS);

    String proxy = Pattern.quote(Sipp.hostPort(CALLER_HOST, gateway.port()));
    // the callee got the INVITE with its own address as Request-URI, by way of the proxy's Via ...
    assertTrue(Pattern.compile("(?m)^INVITE sip:carol@" + Pattern.quote(target) + " SIP/2\\.0")
            .matcher(answered.messages()).find(),
        "the callee received INVITE sip:carol@" + target + "\n" + answered.describe());
    assertTrue(Pattern.compile("(?m)^(Via|v):.*" + proxy).matcher(answered.messages()).find(),
        "the INVITE the callee received has the proxy's Via\n" + answered.describe());
    // ... and the proxy record-routed, so the caller's ACK and BYE went through it
    assertTrue(Pattern.compile("(?m)^Record-Route:.*<sip:" + proxy + "[;>][^>]*\\blr\\b")
            .matcher(caller.messages()).find(),
        "the 200 the caller received has the proxy's Record-Route with ;lr\n" + caller.describe());
    assertTrue(Pattern.compile("(?m)^Route:.*<sip:" + proxy).matcher(caller.messages()).find(),
        "the caller's ACK and BYE have a Route to the proxy\n" + caller.describe());
    assertTrue(Pattern.compile("(?m)^BYE sip:carol@" + Pattern.quote(target)).matcher(answered.messages()).find(),
        "the BYE reached the callee\n" + answered.describe());
  }
}
