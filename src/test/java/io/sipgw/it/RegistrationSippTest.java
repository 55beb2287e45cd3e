package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A thousand users register, refresh and unregister (RFC 3261 §10.2, §10.3) through SIPp. Each
 * step checks every 200: register.xml and reregister.xml want the user's own Contact back with
 * the expires it asked for, unregister.xml wants no Contact at all. The three runs share one
 * Call-ID per user (-cid_str) with CSeq 1, 2, 3, as a real phone refreshes.
 */
@Timeout(60)
class RegistrationSippTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final int USERS = 1000;
  private static final int RATE = 500;

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
  void thousandUsersRegisterRefreshAndUnregister(SippTransport transport) throws IOException {
    String prefix = transport.uriParam() + "user";
    int contactPort = FreePorts.udpAndTcp(HOST);
    Path users = InjectionFile.users(dir, prefix, USERS, TestGateway.DOMAIN, HOST, contactPort, transport);

    for (String scenario : List.of("register.xml", "reregister.xml", "unregister.xml")) {
      Sipp.scenario(scenario)
          .remote(HOST, gateway.port())
          .local(HOST)
          .transport(transport)
          .injectionFile(users)
          .calls(USERS)
          .rate(RATE)
          .timeout(Duration.ofSeconds(15))
          .arg("-cid_str", prefix + "-%u@it")
          .workDir(dir)
          .run()
          .assertSucceeded(USERS);
    }

    try (SipPeer peer = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      String uri = "sip:" + prefix + "0001@" + peer.gatewayHostPort();
      peer.send(peer.request("INVITE", uri, uri, ""));
      int status = peer.finalResponse(Duration.ofSeconds(5)).status();
      assertTrue(status == 404 || status == 480, "a call to an unregistered user: 404 or 480, not " + status);
    }
  }
}
