package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbound TLS with {@code tls.verifyServer: true} (RFC 3261 §26.2, RFC 5922 §7): the proxy forwards
 * to {@code sip:localhost:Q;transport=tls} only when the next hop's certificate is signed by a CA in
 * {@code tls.trustCa} and names {@code localhost}; otherwise the branch fails as a transport error
 * and the caller gets 503, and nothing reaches the next hop. The next hop is a plain TCP socket of
 * this test behind a TLS-terminating socat.
 */
@Timeout(60)
class TlsVerificationTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir Path dir;
  private TestGateway gateway;
  private Socat tls;

  @AfterEach
  void stop() {
    try (TestGateway g = gateway; Socat s = tls) {
      // closed in reverse order
    }
  }

  @Test
  void aNextHopWithATrustedCertificateIsReached() throws Exception {
    TestCertificate phone = TestCertificate.create(dir, "phone");
    String received = forwardTo(phone, phone);
    assertTrue(received.startsWith("OPTIONS sip:carol@example.test SIP/2.0\r\n"), "the request reached the next hop over TLS: " + received);
  }

  @Test
  void aNextHopWhoseCertificateIsNotTrustedIsNotReached() throws Exception {
    TestCertificate phone = TestCertificate.create(dir, "phone");
    TestCertificate other = TestCertificate.create(dir, "other");
    String received = forwardTo(phone, other);
    assertEquals("", received, "nothing may reach a next hop whose certificate was not verified");
  }

  /**
   * Sends OPTIONS through the gateway (trusting {@code trusted}) to a next hop presenting {@code presented};
   * answers it 200 if it arrives; returns what arrived ("" for nothing) after checking the caller's answer.
   */
  private String forwardTo(TestCertificate presented, TestCertificate trusted) throws Exception {
    assumeTrue(InetAddress.getAllByName("localhost")[0].getHostAddress().equals(HOST), "localhost is not 127.0.0.1 first here");
    gateway = TestGateway.startTls(TestCertificate.create(dir, "gateway"), new JsonObject()
        .put("tls", new JsonObject().put("verifyServer", true).put("trustCa", trusted.certificatePath().toString())));
    try (ServerSocket plain = new ServerSocket(); SipPeer caller = SipPeer.open(SippTransport.UDP, HOST, gateway.port())) {
      plain.bind(new InetSocketAddress(HOST, 0));
      plain.setSoTimeout((int) WAIT.toMillis());
      int tlsPort = FreePorts.udpAndTcp(HOST);
      tls = Socat.terminateTls(HOST, tlsPort, presented, plain.getLocalPort(), dir);
      String target = "sip:carol@example.test";
      caller.send(caller.request("OPTIONS", target, target, "Route: <sip:localhost:" + tlsPort + ";transport=tls;lr>\r\n"));
      String received = "";
      try (Socket s = plain.accept()) {
        received = readMessage(s.getInputStream());
        SipMessageText request = new SipMessageText(received);
        OutputStream out = s.getOutputStream();
        out.write(SipPeer.response(request, 200, "OK", "c1", "").getBytes(StandardCharsets.UTF_8));
        out.flush();
        assertEquals(200, caller.finalResponse(WAIT).status());
      } catch (SocketTimeoutException nothingCame) {
        assertEquals(503, caller.finalResponse(WAIT).status(), "the failed TLS handshake is the branch's transport error");
      }
      return received;
    }
  }

  private static String readMessage(InputStream in) throws IOException {
    StringBuilder text = new StringBuilder();
    while (!text.toString().contains("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) break;
      text.append((char) b);
    }
    return text.toString();
  }
}
