package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RFC 4475 and RFC 5118 torture requests sent to a running gateway over TCP on loopback, one connection each:
 * the invalid ones are answered with the status their INDEX.tsv note names (or the connection is
 * closed where the note says a stream cannot be framed), the valid ones are not refused as malformed,
 * and the gateway goes on serving after every one.
 *
 * <p>Safety: the messages name outside hosts. Every request is sent with Max-Forwards forced to 0,
 * so a request the gateway accepts is answered (483) and never forwarded, and over TCP every answer
 * goes back on the test's own connection. The gateway serves only loopback domains.
 */
@Timeout(120)
class TortureServerTest {
  private static final Pattern CODE = Pattern.compile("\\b([2-6]\\d\\d)\\b");
  private static final Pattern MAX_FORWARDS = Pattern.compile("(?im)^Max-Forwards[ \\t]*:[^\\r\\n]*(\\r?\\n[ \\t][^\\r\\n]*)*");
  private static final int READ_MILLIS = 1500;
  private static TestGateway gateway;

  record Row(String corpus, String file, String kind, String expected, String note) {
    @Override
    public String toString() { return corpus + "/" + file + " (" + expected + ")"; }
  }

  @BeforeAll
  static void start() { gateway = TestGateway.start(); }

  @AfterAll
  static void stop() {
    if (gateway != null) gateway.close();
  }

  static Stream<Row> requests() throws IOException {
    List<Row> rows = new ArrayList<>();
    for (String corpus : List.of("rfc4475", "rfc5118")) {
      for (String line : new String(resource(corpus, "INDEX.tsv"), StandardCharsets.UTF_8).split("\n")) {
        String[] c = line.split("\t", 5);
        if (c.length < 5 || c[0].equals("file") || !c[2].equals("request")) continue;
        rows.add(new Row(corpus, c[0], c[2], c[3], c[4]));
      }
    }
    assertTrue(rows.size() > 52, "requests in the INDEX.tsv files: " + rows.size());
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requests")
  void answeredAsTheRfcSaysAndTheGatewayKeepsServing(Row row) throws IOException {
    byte[] message = terminated(withMaxForwardsZero(resource(row.corpus(), row.file())));
    Reply reply = exchange(message);
    if (row.expected().equals("invalid")) {
      if (reply.status() < 0) {
        assertTrue(row.note().contains("close the connection") || row.note().contains("wait for more data"),
            "no answer, though the note asks for one: " + row.note());
        assertTrue(reply.closed(), "neither answered nor closed");
      } else {
        List<Integer> allowed = codesIn(row.note());
        assertTrue(allowed.contains(reply.status()), "status " + reply.status() + " not in " + allowed + ": " + reply.text());
      }
    } else {
      assertNotEquals(-1, reply.status(), "no answer to a well-formed request over TCP: " + row.note());
      if (row.expected().equals("valid")) {
        assertNotEquals(400, reply.status(), "a valid message refused as malformed: " + reply.text());
      }
      assertFalse(reply.status() == 500, "internal error: " + reply.text());
    }
    assertStillServing();
  }

  /** The gateway answers an OPTIONS addressed to itself. */
  private static void assertStillServing() throws IOException {
    String options = "OPTIONS sip:127.0.0.1:" + gateway.port() + " SIP/2.0\r\n"
        + "Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-alive\r\nMax-Forwards: 70\r\n"
        + "From: <sip:probe@localhost>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: alive@test\r\n"
        + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    Reply reply = exchange(options.getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(200, reply.status(), "gateway stopped serving: " + reply.text());
    assertNotNull(reply.text());
  }

  record Reply(int status, String text, boolean closed) { }

  /** Sends on a new connection and reads the first response; with none, half-closes and sees whether the gateway closes. */
  private static Reply exchange(byte[] message) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 2000);
      s.setSoTimeout(READ_MILLIS);
      s.getOutputStream().write(message);
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      boolean closed = false;
      long deadline = System.currentTimeMillis() + READ_MILLIS;
      try {
        while (System.currentTimeMillis() < deadline && !complete(got)) {
          int n = in.read(buf);
          if (n < 0) {
            closed = true;
            break;
          }
          got.write(buf, 0, n);
        }
      } catch (SocketTimeoutException quiet) {
        // nothing more within the bound
      }
      String text = got.toString(StandardCharsets.ISO_8859_1);
      if (!text.startsWith("SIP/2.0 ")) {
        // No answer: the message could not be framed yet. End our side; the gateway must then close.
        if (!closed) s.shutdownOutput();
        return new Reply(-1, text, closed || closesSoon(s));
      }
      return new Reply(Integer.parseInt(text.substring(8, 11)), text, closed);
    }
  }

  private static boolean closesSoon(Socket s) throws IOException {
    s.setSoTimeout(1000);
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private static boolean complete(ByteArrayOutputStream got) {
    return got.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n");
  }

  /**
   * A stream frames a message by its empty line and Content-Length. One file (baddn) ends its header
   * section without the empty line, which a datagram tolerates; over TCP the line is added so the
   * message is judged on what it tests (its display names), not on never being complete.
   */
  static byte[] terminated(byte[] message) {
    String s = new String(message, StandardCharsets.ISO_8859_1);
    return s.contains("\r\n\r\n") ? message : (s + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Every Max-Forwards set to 0, or one added after the request line. */
  static byte[] withMaxForwardsZero(byte[] original) {
    String s = new String(original, StandardCharsets.ISO_8859_1);
    Matcher m = MAX_FORWARDS.matcher(s);
    if (m.find()) {
      s = m.replaceAll("Max-Forwards: 0");
    } else {
      int eol = s.indexOf("\r\n");
      s = s.substring(0, eol + 2) + "Max-Forwards: 0\r\n" + s.substring(eol + 2);
    }
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static List<Integer> codesIn(String note) {
    List<Integer> out = new ArrayList<>();
    Matcher m = CODE.matcher(note);
    while (m.find()) out.add(Integer.parseInt(m.group(1)));
    if (out.isEmpty() || note.contains("respond with an error") || note.contains("reject")) out.add(400);
    return out;
  }

  private static byte[] resource(String corpus, String name) throws IOException {
    try (InputStream in = TortureServerTest.class.getResourceAsStream("/conformance/" + corpus + "/" + name)) {
      if (in == null) throw new IOException("missing test resource " + name);
      return in.readAllBytes();
    }
  }
}
