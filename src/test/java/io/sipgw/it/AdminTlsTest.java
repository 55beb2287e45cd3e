package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The admin listener over HTTPS with client certificates ({@code admin.tls}): a client without the CA's certificate is refused. */
@Timeout(60)
class AdminTlsTest {
  private static final String TOKEN = "admin-tls-token-0123456789";
  @TempDir Path dir;
  private TestGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) gateway.close();
  }

  @Test
  void onlyAClientWithACertificateOfTheCaGetsAnAnswer() throws IOException {
    TestCertificate server = TestCertificate.create(dir, "admin-server");
    TestCertificate client = TestCertificate.create(dir, "admin-client");
    TestCertificate stranger = TestCertificate.create(dir, "stranger");
    gateway = TestGateway.start(new JsonObject().put("admin", new JsonObject().put("enabled", true).put("port", 0).put("token", TOKEN)
        .put("tls", new JsonObject().put("certificate", server.certificatePath().toString()).put("key", server.keyPath().toString())
            // a self-signed client certificate is its own CA
            .put("clientCa", client.certificatePath().toString()))));
    int port = gateway.sipgw().adminPort();
    assertNotEquals(0, port);
    assertEquals("HTTP/1.1 200 OK", statusLine(port, client, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
    String rpc = "{\"jsonrpc\":\"2.0\",\"method\":\"core.version\",\"id\":1}";
    assertEquals("HTTP/1.1 200 OK", statusLine(port, client, "POST /rpc HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        + "Authorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: " + rpc.length() + "\r\n\r\n" + rpc));
    for (TestCertificate other : new TestCertificate[] {stranger, null}) {
      String answer = statusLine(port, other, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      System.out.println("admin TLS without the CA's certificate: " + answer);
      assertFalse(answer.startsWith("HTTP/"), answer);
      assertFalse(answer.contains("Timeout"), "refused, not left waiting: " + answer);
    }
  }

  /** The status line answered to {@code request} over TLS presenting {@code certificate}, or the failure's description. */
  private static String statusLine(int port, TestCertificate certificate, String request) {
    try (SSLSocket s = TlsClients.connect(FreePorts.IPV4_LOOPBACK, port, certificate)) {
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0 && c != '\r') line.append((char) c);
      return line.length() == 0 ? "(closed)" : line.toString();
    } catch (IOException e) {
      return "(refused: " + e + ")";
    }
  }
}
