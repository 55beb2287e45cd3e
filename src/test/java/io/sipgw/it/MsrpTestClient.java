package io.sipgw.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;

/**
 * An MSRP client of the tests (RFC 4975, 4976, 7977) over TCP, TLS or a WebSocket: it AUTHenticates
 * to the relay with digest (MD5, qop=auth), sends SEND chunks with the To-Path it is given, and
 * reads whatever comes (requests and responses), each message whole with its end-line flag.
 */
final class MsrpTestClient implements AutoCloseable {
  private static final Pattern PARAM = Pattern.compile("([A-Za-z-]+)=(?:\"([^\"]*)\"|([^,\\s]+))");

  /** A message read: its head lines, body and end-line flag. */
  record Message(String startLine, Map<String, String> headers, byte[] body, char flag) {
    String header(String name) { return headers.get(name.toLowerCase()); }

    String tid() { return startLine.split(" ")[1]; }

    boolean isResponse() { return startLine.split(" ")[2].matches("\\d{3}"); }

    int status() { return Integer.parseInt(startLine.split(" ")[2]); }

    String method() { return startLine.split(" ")[2]; }
  }

  private interface Wire extends AutoCloseable {
    void write(byte[] bytes) throws IOException;

    /** Up to {@code buf.length} bytes, or -1 at the end; 0 when none came within {@code wait}. */
    int read(byte[] buf, Duration wait) throws IOException;

    @Override
    void close() throws IOException;
  }

  private final Wire wire;
  /** This client's own URI, the last of every From-Path it sends. */
  final String uri;
  private final ByteArrayOutputStream in = new ByteArrayOutputStream();
  private int tids;

  private MsrpTestClient(Wire wire, String uri) {
    this.wire = wire;
    this.uri = uri;
  }

  static MsrpTestClient tcp(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(FreePorts.IPV4_LOOPBACK, port), 5000);
    return new MsrpTestClient(stream(s), "msrp://127.0.0.1:" + s.getLocalPort() + "/" + UUID.randomUUID().toString().substring(0, 12) + ";tcp");
  }

  /** Over TLS, trusting whatever certificate the relay shows (a test's own). */
  static MsrpTestClient tls(int port) throws IOException {
    SSLSocket s = TlsClients.connect(FreePorts.IPV4_LOOPBACK, port);
    return new MsrpTestClient(stream(s), "msrps://127.0.0.1:" + s.getLocalPort() + "/" + UUID.randomUUID().toString().substring(0, 12) + ";tcp");
  }

  private static Wire stream(Socket s) throws IOException {
    OutputStream out = s.getOutputStream();
    InputStream input = s.getInputStream();
    return new Wire() {
      @Override
      public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
      }

      @Override
      public int read(byte[] buf, Duration wait) throws IOException {
        s.setSoTimeout((int) Math.max(1, wait.toMillis()));
        try {
          return input.read(buf);
        } catch (SocketTimeoutException e) {
          return 0;
        }
      }

      @Override
      public void close() throws IOException { s.close(); }
    };
  }

  /** Over a WebSocket with the {@code msrp} subprotocol: each chunk sent as one message (RFC 7977 §5). */
  static MsrpTestClient webSocket(int port) throws IOException {
    BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    WebSocket.Listener listener = new WebSocket.Listener() {
      private final ByteArrayOutputStream part = new ByteArrayOutputStream();

      @Override
      public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        return part(ws, b, last);
      }

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        return part(ws, data.toString().getBytes(StandardCharsets.UTF_8), last);
      }

      /** A part of a WebSocket message: the message is kept once its last part came. */
      private CompletionStage<?> part(WebSocket ws, byte[] bytes, boolean last) {
        part.writeBytes(bytes);
        if (last) {
          received.add(part.toByteArray());
          part.reset();
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
        received.add(new byte[0]);
        return null;
      }
    };
    WebSocket ws;
    try {
      ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("msrp").connectTimeout(Duration.ofSeconds(5))
          .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), listener).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("WebSocket to " + port + ": " + e, e);
    }
    String self = "msrp://" + UUID.randomUUID().toString().substring(0, 8) + ".invalid/" + UUID.randomUUID().toString().substring(0, 12) + ";ws";
    return new MsrpTestClient(new Wire() {
      private byte[] rest = new byte[0];

      @Override
      public void write(byte[] bytes) throws IOException {
        try {
          ws.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IOException(e);
        }
      }

      @Override
      public int read(byte[] buf, Duration wait) throws IOException {
        if (rest.length == 0) {
          try {
            byte[] m = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) return 0;
            if (m.length == 0) return -1;
            rest = m;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
          }
        }
        int n = Math.min(buf.length, rest.length);
        System.arraycopy(rest, 0, buf, 0, n);
        byte[] left = new byte[rest.length - n];
        System.arraycopy(rest, n, left, 0, left.length);
        rest = left;
        return n;
      }

      @Override
      public void close() { ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"); }
    }, self);
  }

  String newTid() { return "t" + Long.toHexString(System.nanoTime()) + (++tids); }

  /** Writes raw bytes (for a chunk cut short or a message in pieces). */
  void write(byte[] bytes) throws IOException { wire.write(bytes); }

  void write(String text) throws IOException { wire.write(text.getBytes(StandardCharsets.UTF_8)); }

  /**
   * AUTH to the relay at {@code relayUri} as {@code user} (RFC 4976 §5): the 401's challenge answered;
   * the Use-Path of the 200 (the session URI to put in a path).
   */
  String auth(String relayUri, String user, String password) throws IOException {
    String tid = newTid();
    write("MSRP " + tid + " AUTH\r\nTo-Path: " + relayUri + "\r\nFrom-Path: " + uri + "\r\n-------" + tid + "$\r\n");
    Message challenge = response(tid);
    if (challenge.status() == 200) return challenge.header("Use-Path");
    if (challenge.status() != 401) throw new AssertionError("AUTH got " + challenge.startLine());
    Map<String, String> c = new HashMap<>();
    Matcher m = PARAM.matcher(challenge.header("WWW-Authenticate").replaceFirst("^\\s*Digest\\s+", ""));
    while (m.find()) c.put(m.group(1).toLowerCase(), m.group(2) != null ? m.group(2) : m.group(3));
    String cnonce = "c" + System.nanoTime();
    String ha1 = DigestClient.hex("MD5", user + ":" + c.get("realm") + ":" + password);
    String ha2 = DigestClient.hex("MD5", "AUTH:" + relayUri);
    String response = DigestClient.hex("MD5", ha1 + ":" + c.get("nonce") + ":00000001:" + cnonce + ":auth:" + ha2);
    String tid2 = newTid();
    write("MSRP " + tid2 + " AUTH\r\nTo-Path: " + relayUri + "\r\nFrom-Path: " + uri + "\r\nAuthorization: Digest username=\"" + user
        + "\", realm=\"" + c.get("realm") + "\", nonce=\"" + c.get("nonce") + "\", uri=\"" + relayUri + "\", response=\"" + response
        + "\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"" + cnonce + "\"\r\n-------" + tid2 + "$\r\n");
    Message ok = response(tid2);
    if (ok.status() != 200) throw new AssertionError("AUTH with credentials got " + ok.startLine());
    return ok.header("Use-Path");
  }

  /** A SEND chunk: {@code body} as bytes {@code from}..{@code from + body.length - 1} of {@code total} ({@code *} when -1). */
  String send(List<String> toPath, String messageId, long from, long total, byte[] body, char flag, String... headers) throws IOException {
    return chunk(toPath, messageId, from, total, body, flag, "application/octet-stream", headers);
  }

  /** A whole {@code text/plain} message in one SEND (what an SDP's {@code a=accept-types:text/plain} allows). */
  String sendText(List<String> toPath, String messageId, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    return chunk(toPath, messageId, 1, body.length, body, '$', "text/plain");
  }

  private String chunk(List<String> toPath, String messageId, long from, long total, byte[] body, char flag, String contentType,
      String... headers) throws IOException {
    String tid = newTid();
    StringBuilder h = new StringBuilder("MSRP ").append(tid).append(" SEND\r\nTo-Path: ").append(String.join(" ", toPath))
        .append("\r\nFrom-Path: ").append(uri).append("\r\nMessage-ID: ").append(messageId).append("\r\nByte-Range: ").append(from).append('-')
        .append(flag == '$' ? String.valueOf(from + body.length - 1) : "*").append('/').append(total < 0 ? "*" : String.valueOf(total)).append("\r\n");
    for (String x : headers) h.append(x).append("\r\n");
    h.append("Content-Type: ").append(contentType).append("\r\n\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(body);
    out.writeBytes(("\r\n-------" + tid + flag + "\r\n").getBytes(StandardCharsets.UTF_8));
    wire.write(out.toByteArray());
    return tid;
  }

  /** The response to transaction {@code tid} (requests read meanwhile are kept for {@link #next}). */
  Message response(String tid) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < inbox.size(); i++) {
        Message m = inbox.get(i);
        if (m.isResponse() && m.tid().equals(tid)) return inbox.remove(i);
      }
      Message m = read(Duration.ofMillis(200));
      if (m != null) inbox.add(m);
    }
    throw new AssertionError("no response to " + tid);
  }

  private final List<Message> inbox = new ArrayList<>();

  /** The next request (not a response) that comes within {@code wait}, or null. */
  Message next(Duration wait) throws IOException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      for (int i = 0; i < inbox.size(); i++) if (!inbox.get(i).isResponse()) return inbox.remove(i);
      long left = deadline - System.nanoTime();
      if (left <= 0) return null;
      Message m = read(Duration.ofNanos(Math.min(left, 200_000_000L)));
      if (m != null) inbox.add(m);
    }
  }

  /** Answers request {@code m} with {@code status}, as a client answers its hop (To-Path: the sender's first From-Path URI). */
  void answer(Message m, int status, String comment) throws IOException {
    String prev = m.header("From-Path").split(" ")[0];
    write("MSRP " + m.tid() + " " + status + " " + comment + "\r\nTo-Path: " + prev + "\r\nFrom-Path: " + uri + "\r\n-------" + m.tid() + "$\r\n");
  }

  /** One whole message, or null when none was complete within {@code wait}. */
  private Message read(Duration wait) throws IOException {
    long deadline = System.nanoTime() + wait.toNanos();
    byte[] buf = new byte[65536];
    while (true) {
      Message m = parse();
      if (m != null) return m;
      long left = deadline - System.nanoTime();
      if (left <= 0) return null;
      int n = wire.read(buf, Duration.ofNanos(left));
      if (n < 0) throw new IOException("the relay closed the connection");
      in.write(buf, 0, n);
    }
  }

  private Message parse() {
    byte[] all = in.toByteArray();
    String text = new String(all, StandardCharsets.ISO_8859_1);
    int eol = text.indexOf("\r\n");
    if (eol < 0) return null;
    String start = text.substring(0, eol);
    String tid = start.split(" ")[1];
    String endLine = "-------" + tid;
    int blank = text.indexOf("\r\n\r\n");
    int bare = text.indexOf("\r\n" + endLine);
    Map<String, String> headers = new HashMap<>();
    int headEnd;
    byte[] body;
    int endAt;
    if (bare >= 0 && (blank < 0 || bare < blank)) {
      headEnd = bare;
      body = new byte[0];
      endAt = bare + 2;
    } else if (blank >= 0) {
      headEnd = blank;
      int close = text.indexOf("\r\n" + endLine, blank + 4);
      if (close < 0) return null;
      body = java.util.Arrays.copyOfRange(all, blank + 4, close);
      endAt = close + 2;
    } else {
      return null;
    }
    if (endAt + endLine.length() + 3 > all.length) return null;
    for (String l : text.substring(eol + 2, headEnd).split("\r\n")) {
      int colon = l.indexOf(':');
      if (colon > 0) headers.putIfAbsent(l.substring(0, colon).trim().toLowerCase(), l.substring(colon + 1).trim());
    }
    char flag = text.charAt(endAt + endLine.length());
    int consumed = endAt + endLine.length() + 3;
    byte[] rest = java.util.Arrays.copyOfRange(all, consumed, all.length);
    in.reset();
    in.writeBytes(rest);
    return new Message(start, headers, body, flag);
  }

  @Override
  public void close() throws IOException { wire.close(); }
}
