package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bans.maxConnections}: one source address holds at most that many TCP connections; one more
 * is closed at once, and when one of them closes a new one is let in again. Each open connection
 * answers a CRLF CRLF keep-alive with CRLF (RFC 5626 §4.4.1), so "open" means served.
 */
@Timeout(30)
class ConnectionLimitTest {
  private static final int LIMIT = 3;

  private TestGateway gateway;
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) s.close();
    if (gateway != null) gateway.close();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.connect(new InetSocketAddress(FreePorts.IPV4_LOOPBACK, gateway.port()), 2000);
    s.setSoTimeout(2000);
    return s;
  }

  /** Whether the gateway serves {@code s}: a keep-alive answered, not the connection closed. */
  private static boolean served(Socket s) throws IOException {
    try {
      s.getOutputStream().write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      byte[] pong = new byte[2];
      int n = in.readNBytes(pong, 0, 2);
      return n == 2 && pong[0] == '\r' && pong[1] == '\n';
    } catch (SocketTimeoutException e) {
      throw new AssertionError("neither answered nor closed within 2 s", e);
    } catch (IOException closed) {
      return false; // reset
    }
  }

  @Test
  void oneSourceHoldsAtMostTheLimitAndGetsASlotBackWhenOneCloses() throws IOException {
    gateway = TestGateway.start(new JsonObject().put("bans", new JsonObject().put("maxConnections", LIMIT).put("exempt", new JsonArray())));
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < LIMIT; i++) {
      Socket s = connect();
      assertTrue(served(s), "connection " + (i + 1) + " of " + LIMIT);
      held.add(s);
    }
    assertEquals(false, served(connect()), "one more from the same address is closed");
    held.get(0).close();
    long end = System.nanoTime() + 2_000_000_000L;
    boolean again = false;
    while (!again && System.nanoTime() < end) again = served(connect());
    assertTrue(again, "a slot is free again once one closed");
  }
}
