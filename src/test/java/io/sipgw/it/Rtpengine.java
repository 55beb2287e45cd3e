package io.sipgw.it;

import io.sipgw.media.BencodeException;
import io.sipgw.media.NgCommands;
import io.sipgw.media.NgReply;
import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * rtpengine (Debian's rtpengine-daemon) run by a test in userspace on 127.0.0.1: its ng control port
 * is a free port, its media ports a block of {@value #MEDIA_PORTS} of its own; started with
 * {@code --config-file=none} so the packaged config (every interface) is never read. {@link #start}
 * returns once it answers an ng ping; {@link #close} kills it. Its log lands in the work directory.
 * {@link #command} talks ng to it from the test thread, independently of the gateway's client.
 */
public final class Rtpengine implements AutoCloseable {
  public static final String HOST = FreePorts.IPV4_LOOPBACK;
  static final int MEDIA_PORTS = 40;
  private static final Duration START_BOUND = Duration.ofSeconds(10);
  private static final Duration KILL_GRACE = Duration.ofSeconds(5);
  private static final AtomicInteger cookies = new AtomicInteger();

  private final Process process;
  private final int ngPort;
  private final int portMin;
  private final int portMax;
  private final Path log;

  private Rtpengine(Process process, int ngPort, int portMin, int portMax, Path log) {
    this.process = process;
    this.ngPort = ngPort;
    this.portMin = portMin;
    this.portMax = portMax;
    this.log = log;
  }

  /** Starts rtpengine; fails the test if it does not answer an ng ping within ten seconds. */
  public static Rtpengine start(Path dir) {
    int ng = FreePorts.udpAndTcp(HOST);
    int min = mediaPortMin();
    Path log = dir.resolve("rtpengine-" + ng + ".log");
    ProcessBuilder b = new ProcessBuilder(command(ng, min, dir))
        .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p;
    try {
      p = b.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start rtpengine (Debian package rtpengine-daemon): " + e.getMessage(), e);
    }
    Rtpengine r = new Rtpengine(p, ng, min, min + MEDIA_PORTS - 1, log);
    try {
      r.awaitPong();
      return r;
    } catch (RuntimeException | Error e) {
      r.close();
      throw e;
    }
  }

  /**
   * Starts rtpengine in network namespace {@code ns} (on that namespace's 127.0.0.1); returns once its
   * ng port is bound there. {@link #command} and {@link #query} cannot reach it from this JVM.
   */
  public static Rtpengine start(NetNamespace ns, Path dir) {
    int ng = FreePorts.udpAndTcp(HOST);
    int min = mediaPortMin();
    Path log = dir.resolve("rtpengine-" + ng + ".log");
    Process p = ns.start(command(ng, min, dir), dir, log);
    Rtpengine r = new Rtpengine(p, ng, min, min + MEDIA_PORTS - 1, log);
    try {
      NetNamespace.awaitReady(p, () -> FreePorts.isBound(p.pid(), ng, false), START_BOUND, "rtpengine", log);
      return r;
    } catch (RuntimeException | Error e) {
      r.close();
      throw e;
    }
  }

  /** Media ports below the kernel's ephemeral range (32768+): a random block per run. */
  private static int mediaPortMin() {
    return 20_000 + 2 * ThreadLocalRandom.current().nextInt(0, 6_000 - MEDIA_PORTS);
  }

  private static List<String> command(int ng, int min, Path dir) {
    return List.of("rtpengine", "--config-file=none", "--foreground", "--log-stderr", "--table=-1",
        "--interface=" + HOST, "--listen-ng=" + HOST + ":" + ng, "--port-min=" + min, "--port-max=" + (min + MEDIA_PORTS - 1),
        "--pidfile=" + dir.resolve("rtpengine-" + ng + ".pid"));
  }

  private void awaitPong() {
    long deadline = System.nanoTime() + START_BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IllegalStateException("rtpengine exited at start:\n" + log());
      try {
        if ("pong".equals(command(NgCommands.ping(), Duration.ofMillis(200)).result())) return;
      } catch (IllegalStateException notYet) {
        // not listening yet
      }
    }
    throw new IllegalStateException("rtpengine did not answer a ping within " + START_BOUND + ":\n" + log());
  }

  /** The ng address as the gateway's config names it: {@code 127.0.0.1:PORT}. */
  public String ngAddress() { return HOST + ":" + ngPort; }

  public int portMin() { return portMin; }

  public int portMax() { return portMax; }

  /** Whether {@code port} is one of this rtpengine's media ports. */
  public boolean isMediaPort(int port) { return port >= portMin && port <= portMax; }

  /** Sends one ng command and returns the reply (error replies included); fails after {@code bound}. */
  public NgReply command(Map<String, Object> command, Duration bound) {
    String cookie = "t" + cookies.incrementAndGet();
    byte[] out = NgReply.request(cookie, command).getBytes();
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(HOST, 0))) {
      s.setSoTimeout((int) bound.toMillis());
      s.send(new DatagramPacket(out, out.length, new InetSocketAddress(HOST, ngPort)));
      byte[] in = new byte[65_536];
      DatagramPacket p = new DatagramPacket(in, in.length);
      s.receive(p);
      NgReply reply = NgReply.parse(io.vertx.core.buffer.Buffer.buffer(java.util.Arrays.copyOf(in, p.getLength())));
      if (!reply.cookie().equals(cookie)) throw new IllegalStateException("reply to another cookie: " + reply.cookie());
      return reply;
    } catch (SocketTimeoutException e) {
      throw new IllegalStateException("rtpengine did not answer " + command.get("command") + " within " + bound);
    } catch (IOException | BencodeException e) {
      throw new IllegalStateException("ng exchange failed: " + e.getMessage(), e);
    }
  }

  /** The {@code query} of a call: its state and packet counters; an error reply when rtpengine does not know it. */
  public NgReply query(String callId) { return command(NgCommands.query(callId), Duration.ofSeconds(2)); }

  /**
   * For each side (tag) of a call, the RTP packets rtpengine received from it: the {@code stats.packets}
   * of its RTP streams in the call's {@code query}. Empty when rtpengine does not know the call.
   */
  public Map<String, Long> rtpPacketsBySide(String callId) {
    NgReply q = query(callId);
    Map<String, Long> out = new java.util.TreeMap<>();
    if (q.isError()) return out;
    q.dictionary("tags").forEach((tag, side) -> {
      long n = 0;
      for (Object media : list(((Map<?, ?>) side).get("medias"))) {
        for (Object stream : list(((Map<?, ?>) media).get("streams"))) {
          Map<?, ?> st = (Map<?, ?>) stream;
          if (!list(st.get("flags")).contains("RTP")) continue;
          Object packets = ((Map<?, ?>) st.get("stats")).get("packets");
          if (packets instanceof Long p) n += p;
        }
      }
      out.put(tag, n);
    });
    return out;
  }

  private static java.util.List<?> list(Object o) { return o instanceof java.util.List<?> l ? l : java.util.List.of(); }

  /** What rtpengine logged so far. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The file rtpengine logs to. */
  public Path logFile() { return log; }

  /** Kills rtpengine and waits for it to be gone. */
  @Override
  public void close() {
    if (process.isAlive()) Processes.stop(process, KILL_GRACE);
  }
}
