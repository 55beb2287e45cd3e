package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A call to a user of the redirect domain gets a 302 that lists the user's binding as Contact
 * (RFC 3261 §8.3); the caller (redirect-uac.xml) ACKs it.
 */
@Timeout(60)
class RedirectSippTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final int CALLS = 5;

  @TempDir Path dir;
  private TestGateway gateway;

  @BeforeEach
  void startGateway() { gateway = TestGateway.start(); }

  @AfterEach
  void stopGateway() {
    if (gateway != null) gateway.close();
  }

  @ParameterizedTest
  @EnumSource(SippTransport.class)
  void callToARedirectDomainUserIsRedirectedToItsBinding(SippTransport transport) {
    // carol's Contact names a port where nobody listens: a redirect server never goes there
    int carolPort = FreePorts.udpAndTcp(HOST);
    Path carol = InjectionFile.user(dir, "carol", TestGateway.REDIRECT_DOMAIN, HOST, carolPort, transport);
    Sipp.scenario("register.xml").remote(HOST, gateway.port()).local(HOST).transport(transport)
        .injectionFile(carol).calls(1).workDir(dir).run().assertSucceeded(1);

    SippResult caller = Sipp.scenario("redirect-uac.xml")
        .remote(HOST, gateway.port())
        .local(HOST)
        .transport(transport)
        .service("carol")
        .key("domain", TestGateway.REDIRECT_DOMAIN)
        .calls(CALLS)
        .rate(CALLS)
        .timeout(Duration.ofSeconds(20))
        .traceMessages()
        .workDir(dir)
        .run()
        .assertSucceeded(CALLS);

    String binding = "sip:carol@" + Sipp.hostPort(HOST, carolPort);
    assertTrue(caller.messages().matches("(?s).*\\nContact: *<?" + java.util.regex.Pattern.quote(binding) + "[;>].*"),
        "the 302 lists Contact " + binding + "\n" + caller.describe());
  }
}
