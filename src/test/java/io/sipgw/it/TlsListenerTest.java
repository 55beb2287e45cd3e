package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TLS listener seen from a plain Java TLS client: SIP over it (RFC 3261 §26.2), client
 * certificates required, and the certificate replaced on disk while running.
 */
@Timeout(60)
class TlsListenerTest {
  private static final Duration ANSWER = Duration.ofSeconds(5);
  /** Many certificate scans (every 200 ms) and the reload itself. */
  private static final Duration RELOAD_BOUND = Duration.ofSeconds(10);

  @TempDir Path dir;
  private TestGateway gateway;

  @AfterEach
  void stopGateway() {
    if (gateway != null) gateway.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {FreePorts.IPV4_LOOPBACK, FreePorts.IPV6_LOOPBACK})
  void optionsOverTlsIsAnsweredOnTheConnection(String host) throws IOException {
    assumeTrue(host.equals(FreePorts.IPV4_LOOPBACK) || FreePorts.hasIpv6Loopback(), "no ::1 on this machine");
    gateway = TestGateway.startTls(TestCertificate.create(dir, "server"), new JsonObject());
    try (SipPeer peer = SipPeer.openTls(host, gateway.tlsPort(host), null)) {
      peer.send(peer.request("OPTIONS", "sip:" + peer.gatewayHostPort(), "sip:" + peer.gatewayHostPort(), ""));
      SipMessageText ok = peer.finalResponse(ANSWER);
      assertEquals(200, ok.status(), ok::text);
      assertTrue(ok.header("Via").startsWith("SIP/2.0/TLS"), ok::text);
    }
  }

  @Test
  void aClientWithoutCertificateIsRefusedWhenOneIsRequired() throws IOException {
    TestCertificate client = TestCertificate.create(dir, "client");
    gateway = TestGateway.startTls(TestCertificate.create(dir, "server"), new JsonObject().put("tls",
        new JsonObject().put("verifyClient", "require").put("clientCa", client.certificatePath().toString())));
    String host = FreePorts.IPV4_LOOPBACK;
    int port = gateway.tlsPort(host);

    // TLS 1.3: the client's handshake may finish before the server has checked it; the refusal then
    // shows on the first read
    assertThrows(IOException.class, () -> {
      try (SipPeer peer = SipPeer.openTls(host, port, null)) {
        peer.send(peer.request("OPTIONS", "sip:" + peer.gatewayHostPort(), "sip:" + peer.gatewayHostPort(), ""));
        SipMessageText answer = peer.receive(ANSWER);
        if (answer == null) throw new IOException("no answer and no alert");
      }
    }, "a handshake without a client certificate must fail");

    try (SipPeer peer = SipPeer.openTls(host, port, client)) {
      peer.send(peer.request("OPTIONS", "sip:" + peer.gatewayHostPort(), "sip:" + peer.gatewayHostPort(), ""));
      SipMessageText ok = peer.finalResponse(ANSWER);
      assertEquals(200, ok.status(), ok::text);
    }
  }

  @Test
  void whenACertificateIsOnlyRequestedClientsWithAndWithoutOneAreServed() throws IOException {
    TestCertificate client = TestCertificate.create(dir, "client");
    gateway = TestGateway.startTls(TestCertificate.create(dir, "server"), new JsonObject().put("tls",
        new JsonObject().put("verifyClient", "request").put("clientCa", client.certificatePath().toString())));
    String host = FreePorts.IPV4_LOOPBACK;
    int port = gateway.tlsPort(host);
    for (TestCertificate presented : new TestCertificate[] {null, client}) {
      try (SipPeer peer = SipPeer.openTls(host, port, presented)) {
        peer.send(peer.request("OPTIONS", "sip:" + peer.gatewayHostPort(), "sip:" + peer.gatewayHostPort(), ""));
        SipMessageText ok = peer.finalResponse(ANSWER);
        assertEquals(200, ok.status(), (presented == null ? "without" : "with") + " a client certificate: " + ok.text());
      }
    }
  }

  @Test
  void aCertificateReplacedOnDiskIsServedToNewConnections() throws Exception {
    TestCertificate served = TestCertificate.create(dir, "server");
    X509Certificate first = served.certificate();
    gateway = TestGateway.startTls(served, new JsonObject());
    String host = FreePorts.IPV4_LOOPBACK;
    int port = gateway.tlsPort(host);
    assertEquals(first, TlsClients.servedCertificate(host, port));

    // a broken certificate is refused and the old one stays
    Files.writeString(served.certificatePath(), "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
    Thread.sleep(1000);
    assertEquals(first, TlsClients.servedCertificate(host, port), "a broken certificate replaced the served one");

    TestCertificate renewed = TestCertificate.create(dir.resolve("renewal"), "server");
    served.replaceWith(renewed);
    X509Certificate now = awaitServed(host, port, renewed.certificate());
    assertEquals(renewed.certificate(), now, "the renewed certificate is not served within " + RELOAD_BOUND);
  }

  /** Polls new connections until {@code expected} is served or the bound passes; returns the last served. */
  private static X509Certificate awaitServed(String host, int port, X509Certificate expected) throws Exception {
    long deadline = System.nanoTime() + RELOAD_BOUND.toNanos();
    X509Certificate served = TlsClients.servedCertificate(host, port);
    while (!served.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      served = TlsClients.servedCertificate(host, port);
    }
    return served;
  }
}
