package io.sipgw.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-driven SIP endpoint on loopback for what SIPp cannot send: malformed requests, requests
 * with Max-Forwards: 0, garbage. Talks to one gateway address over UDP or one TCP connection.
 */
public final class SipPeer implements AutoCloseable {
  private static final int MAX_DATAGRAM = 65_535;
  private static final AtomicInteger branches = new AtomicInteger();

  /** The Via sent-protocol transport: UDP, TCP or TLS. */
  private final String protocol;
  private final InetSocketAddress gateway;
  private final DatagramSocket datagrams;
  private final Socket stream;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  private SipPeer(String protocol, InetSocketAddress gateway, DatagramSocket datagrams, Socket stream) {
    this.protocol = protocol;
    this.gateway = gateway;
    this.datagrams = datagrams;
    this.stream = stream;
  }

  /** A peer with its own socket on {@code host} talking to the gateway at {@code host:gatewayPort}. */
  public static SipPeer open(SippTransport transport, String host, int gatewayPort) throws IOException {
    InetAddress address = InetAddress.getByName(host);
    InetSocketAddress gateway = new InetSocketAddress(address, gatewayPort);
    if (transport == SippTransport.UDP) {
      DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0));
      // room for the answers to a burst of requests read only after it is sent (a small datagram
      // takes about 2 KB of the default 208 KB in the kernel's accounting)
      socket.setReceiveBufferSize(4 << 20);
      return new SipPeer("UDP", gateway, socket, null);
    }
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(address, 0));
    socket.connect(gateway, 5_000);
    return new SipPeer(transport.name(), gateway, null, socket);
  }

  /**
   * A peer on a TLS connection to the gateway's TLS listener at {@code host:gatewayTlsPort}, presenting
   * {@code clientCertificate} (null: none); the handshake is done when this returns.
   */
  public static SipPeer openTls(String host, int gatewayTlsPort, TestCertificate clientCertificate) throws IOException {
    Socket socket = TlsClients.connect(host, gatewayTlsPort, clientCertificate);
    return new SipPeer("TLS", new InetSocketAddress(InetAddress.getByName(host), gatewayTlsPort), null, socket);
  }

  /** This peer's address as {@code host:port}, for Via and Contact. */
  public String hostPort() {
    InetSocketAddress local = (InetSocketAddress) (datagrams != null
        ? datagrams.getLocalSocketAddress() : stream.getLocalSocketAddress());
    return Sipp.hostPort(local.getAddress().getHostAddress().replaceAll("%.*", ""), local.getPort());
  }

  /** This peer's port. */
  public int localPort() { return datagrams != null ? datagrams.getLocalPort() : stream.getLocalPort(); }

  /** The gateway as {@code host:port}, for Request-URIs. */
  public String gatewayHostPort() {
    return Sipp.hostPort(gateway.getAddress().getHostAddress().replaceAll("%.*", ""), gateway.getPort());
  }

  /**
   * A request from this peer: Via (a fresh branch), From, To, Call-ID, CSeq, Max-Forwards, Contact,
   * Max-Forwards: 70 and Content-Length: 0, in that order; {@code extraHeaders} (full lines,
   * CRLF-terminated) go after them, and a header given there is not added again.
   */
  public String request(String method, String requestUri, String toUri, String extraHeaders) {
    // a REGISTER is the user's own (From = To, Contact user = AOR user); anything else is from "tester"
    boolean register = method.equals("REGISTER");
    String self = register ? toUri.substring(toUri.indexOf(':') + 1, toUri.indexOf('@')) : "tester";
    String from = register ? toUri : "sip:tester@" + TestGateway.DOMAIN;
    StringBuilder s = new StringBuilder()
        .append(method).append(' ').append(requestUri).append(" SIP/2.0\r\n")
        .append("Via: SIP/2.0/").append(protocol).append(' ').append(hostPort())
        .append(";branch=z9hG4bK-it-").append(branches.incrementAndGet()).append("\r\n")
        .append("From: <").append(from).append(">;tag=it").append(branches.get()).append("\r\n")
        .append("To: <").append(toUri).append(">\r\n")
        .append("Call-ID: ").append(UUID.randomUUID()).append("@it\r\n");
    if (!extraHeaders.contains("CSeq:")) s.append("CSeq: 1 ").append(method).append("\r\n");
    if (!extraHeaders.contains("Max-Forwards:")) s.append("Max-Forwards: 70\r\n");
    if (!extraHeaders.contains("Contact:")) {
      s.append("Contact: <sip:").append(self).append('@').append(hostPort()).append(";transport=").append(protocol.toLowerCase(java.util.Locale.ROOT))
          .append(">\r\n");
    }
    return s.append(extraHeaders).append("Content-Length: 0\r\n\r\n").toString();
  }

  /**
   * A response to {@code request} as a UAS sends it (RFC 3261 §8.2.6.2): every Via,
   * Record-Route (for a 2xx to a dialog-creating request, §12.1.1), From, To with
   * {@code ;tag=toTag} added when it has none, Call-ID and CSeq copied; {@code extraHeaders}
   * (full CRLF-terminated lines) after them, then Content-Length: 0.
   */
  public static String response(SipMessageText request, int status, String reason, String toTag, String extraHeaders) {
    StringBuilder s = new StringBuilder("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
    for (String via : request.headers("Via")) s.append("Via: ").append(via).append("\r\n");
    for (String rr : request.headers("Record-Route")) s.append("Record-Route: ").append(rr).append("\r\n");
    s.append("From: ").append(request.headers("From").get(0)).append("\r\n");
    String to = request.headers("To").get(0);
    if (!to.contains(";tag=") && toTag != null) to = to + ";tag=" + toTag;
    s.append("To: ").append(to).append("\r\n");
    s.append("Call-ID: ").append(request.headers("Call-ID").get(0)).append("\r\n");
    s.append("CSeq: ").append(request.header("CSeq")).append("\r\n");
    return s.append(extraHeaders).append("Content-Length: 0\r\n\r\n").toString();
  }

  /** Sends raw bytes to the gateway: one datagram, or on the connection. */
  public void send(String message) throws IOException {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    if (datagrams != null) {
      datagrams.send(new DatagramPacket(bytes, bytes.length, gateway));
    } else {
      OutputStream out = stream.getOutputStream();
      out.write(bytes);
      out.flush();
    }
  }

  /**
   * Sends {@code message} on the connection {@code pieceSize} bytes at a time, each piece its own
   * flushed write with Nagle off and {@code pause} between pieces, so the gateway's framer sees
   * the message cut at every point. TCP only.
   */
  public void sendInPieces(String message, int pieceSize, Duration pause) throws IOException {
    if (stream == null) throw new IllegalStateException("pieces are for a connection, not for datagrams");
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    stream.setTcpNoDelay(true);
    OutputStream out = stream.getOutputStream();
    for (int i = 0; i < bytes.length; i += pieceSize) {
      out.write(bytes, i, Math.min(pieceSize, bytes.length - i));
      out.flush();
      if (!pause.isZero()) {
        try {
          Thread.sleep(pause.toMillis(), pause.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while sending in pieces", e);
        }
      }
    }
  }

  /**
   * The raw bytes the gateway sends on the connection until it has been quiet for {@code quiet}
   * (or closed it), as ISO-8859-1 text, unframed: for keep-alive pongs. Bytes already buffered
   * by {@link #receive} come first. TCP only.
   */
  public String receiveRaw(Duration quiet) throws IOException {
    if (stream == null) throw new IllegalStateException("raw reads are for a connection");
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    raw.write(pending.toByteArray());
    pending.reset();
    stream.setSoTimeout((int) Math.max(1, quiet.toMillis()));
    byte[] chunk = new byte[4096];
    try {
      int n;
      while ((n = stream.getInputStream().read(chunk)) > 0) raw.write(chunk, 0, n);
    } catch (SocketTimeoutException quietNow) {
      // nothing more for a while
    }
    return raw.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Whether the gateway closes the connection within {@code bound} (end of stream or reset);
   * bytes it sends before closing are discarded. TCP only.
   */
  public boolean awaitClosed(Duration bound) throws IOException {
    if (stream == null) throw new IllegalStateException("only a connection closes");
    long deadline = System.nanoTime() + bound.toNanos();
    byte[] chunk = new byte[4096];
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) return false;
      stream.setSoTimeout((int) left);
      try {
        if (stream.getInputStream().read(chunk) < 0) return true;
      } catch (SocketTimeoutException stillOpen) {
        return false;
      } catch (java.net.SocketException reset) {
        return true;
      }
    }
  }

  /** The next message the gateway sends this peer, or null if none comes within {@code bound}. */
  public SipMessageText receive(Duration bound) throws IOException {
    int timeout = (int) Math.max(1, bound.toMillis());
    try {
      if (datagrams != null) {
        datagrams.setSoTimeout(timeout);
        DatagramPacket packet = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
        datagrams.receive(packet);
        return new SipMessageText(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
      }
      stream.setSoTimeout(timeout);
      return readFramed(stream.getInputStream());
    } catch (SocketTimeoutException none) {
      return null;
    }
  }

  /** The next final response (1xx skipped); fails if none comes within {@code bound}. */
  public SipMessageText finalResponse(Duration bound) throws IOException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      SipMessageText message = left > 0 ? receive(Duration.ofNanos(left)) : null;
      if (message == null) throw new AssertionError("no final response from the gateway within " + bound);
      if (!message.isResponse()) throw new AssertionError("the gateway sent this peer a request:\n" + message);
      if (message.status() >= 200) return message;
    }
  }

  /** Reads one Content-Length-framed message from the connection (RFC 3261 §18.3). */
  private SipMessageText readFramed(InputStream in) throws IOException {
    while (true) {
      byte[] buffered = pending.toByteArray();
      String text = new String(buffered, StandardCharsets.ISO_8859_1);
      String trimmed = text.replaceFirst("^(\r\n)+", "");
      int end = trimmed.indexOf("\r\n\r\n");
      if (end >= 0) {
        int length = contentLength(trimmed.substring(0, end));
        int total = end + 4 + length;
        if (trimmed.length() >= total) {
          pending.reset();
          pending.write(trimmed.substring(total).getBytes(StandardCharsets.ISO_8859_1));
          return new SipMessageText(trimmed.substring(0, total));
        }
      }
      byte[] chunk = new byte[4096];
      int n = in.read(chunk);
      if (n < 0) throw new IOException("the gateway closed the connection; unread: " + text);
      pending.write(chunk, 0, n);
    }
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      String lower = line.toLowerCase();
      if (lower.startsWith("content-length:") || lower.startsWith("l:")) {
        return Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return 0;
  }

  @Override
  public void close() throws IOException {
    if (datagrams != null) datagrams.close();
    if (stream != null) stream.close();
  }
}
