package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/**
 * One REGISTER (RFC 3261 §10.2.1) from a plain socket that binds several Contacts, each with its
 * q, to one address of record: the phones of a forking test. (register.xml binds one Contact
 * without q.) Over TCP it returns once the gateway has closed the REGISTER's connection, so
 * requests for the binding go to the Contact itself.
 */
public final class Registration {
  private static final Duration BOUND = Duration.ofSeconds(5);

  private Registration() { }

  /**
   * Binds {@code contacts} (full Contact values, e.g. {@link Callee#contact(double)}) to
   * {@code user@domain} at the registrar {@code host:port} over {@code transport}, Expires 3600,
   * and asserts a 200 that lists every one of them.
   */
  public static SipMessageText register(String host, int port, SippTransport transport, String user, String domain,
      List<String> contacts) {
    String aor = "sip:" + user + "@" + domain;
    StringBuilder headers = new StringBuilder();
    for (String contact : contacts) headers.append("Contact: ").append(contact).append("\r\n");
    headers.append("Expires: 3600\r\n");
    SipMessageText response;
    int peerPort;
    try (SipPeer peer = SipPeer.open(transport, host, port)) {
      peerPort = peer.localPort();
      peer.send(peer.request("REGISTER", "sip:" + domain, aor, headers.toString()));
      response = peer.finalResponse(BOUND);
    } catch (IOException e) {
      throw new UncheckedIOException("REGISTER of " + aor + " at " + Sipp.hostPort(host, port), e);
    }
    assertEquals(200, response.status(), () -> "REGISTER of " + contacts + "\n" + response);
    for (String contact : contacts) {
      String uri = contact.substring(contact.indexOf('<') + 1, contact.indexOf('>'));
      String hostPort = uri.substring(uri.indexOf('@') + 1).replaceFirst(";.*", "");
      assertTrue(response.text().contains(hostPort), () -> "the 200 lists " + uri + "\n" + response);
    }
    if (transport.stream()) awaitClosedByGateway(port, peerPort);
    return response;
  }

  /**
   * Waits until the gateway has closed its end of the REGISTER's connection: until then the
   * binding's flow is that connection, and a request forwarded to the phone meanwhile would be
   * sent down it instead of to the Contact.
   */
  private static void awaitClosedByGateway(int gatewayPort, int peerPort) {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (FreePorts.isConnected(gatewayPort, peerPort)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the gateway kept the REGISTER's connection from port " + peerPort + " open for " + BOUND);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
