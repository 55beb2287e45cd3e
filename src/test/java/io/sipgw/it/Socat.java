package io.sipgw.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A socat relay between TCP and TLS on loopback, so that a SIPp built without TLS can be a TLS phone:
 * {@link #terminateTls} accepts TLS and hands each connection to a TCP listener (a callee behind it),
 * {@link #originateTls} accepts TCP and carries it over TLS to a server (a caller in front of it),
 * naming the gateway's domain in SNI as a phone configured with it would.
 * Peer certificates are not checked ({@code verify=0}): the gateway's is self-signed. socat logs every
 * accepted connection ({@code -d -d}), which tells how many connections it got. Close it in
 * {@code @AfterEach}; closing kills it and its forked children.
 */
public final class Socat implements AutoCloseable {
  private static final Duration LISTEN_BOUND = Duration.ofSeconds(10);
  private static final String ACCEPTED = "accepting connection from";

  private final Process process;
  private final Path log;
  private final String command;

  private Socat(Process process, Path log, String command) {
    this.process = process;
    this.log = log;
    this.command = command;
  }

  /**
   * TLS on {@code host:tlsPort} presenting {@code certificate}, each accepted connection relayed (in a
   * child of its own) to TCP {@code host:tcpPort}.
   */
  public static Socat terminateTls(String host, int tlsPort, TestCertificate certificate, int tcpPort, Path dir) {
    String listen = "openssl-listen:" + tlsPort + "," + bind(host) + ",reuseaddr,fork,cert=" + certificate.certificatePath()
        + ",key=" + certificate.keyPath() + ",verify=0";
    return start(dir, "socat-tls-" + tlsPort, tlsPort, listen, "tcp:" + Sipp.hostPort(host, tcpPort));
  }

  /**
   * TCP on {@code host:tcpPort}; the one connection it accepts is carried over TLS to
   * {@code host:tlsPort}, and socat exits when that connection ends.
   */
  public static Socat originateTls(String host, int tcpPort, int tlsPort, Path dir) {
    String listen = "tcp-listen:" + tcpPort + "," + bind(host) + ",reuseaddr";
    return start(dir, "socat-tcp-" + tcpPort, tcpPort, listen, "openssl:" + Sipp.hostPort(host, tlsPort)
        + ",verify=0,snihost=" + TestGateway.DOMAIN);
  }

  /** How many connections socat has accepted so far. */
  public int acceptedConnections() {
    int n = 0;
    for (String line : log().split("\n")) if (line.contains(ACCEPTED)) n++;
    return n;
  }

  /** Waits for socat to end by itself (an {@link #originateTls} relay whose connection closed). */
  public boolean awaitExit(Duration bound) {
    try {
      return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The command line and its log, for assertion messages. */
  public String describe() { return "socat: " + command + "\n" + log(); }

  @Override
  public void close() {
    // a forked child busy with a broken TLS session may not heed SIGTERM: it is killed after a grace
    // period rather than left behind (orphaned, it would spin on a core for the rest of the run)
    List<ProcessHandle> children = process.descendants().toList();
    children.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(3, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle child : children) {
      try {
        child.onExit().get(1, TimeUnit.SECONDS);
      } catch (Exception stillRunning) {
        child.destroyForcibly();
      }
    }
  }

  private static String bind(String host) {
    return (host.contains(":") ? "pf=ip6" : "pf=ip4") + ",bind=" + (host.contains(":") ? "[" + host + "]" : host);
  }

  private static Socat start(Path dir, String name, int port, String listen, String connect) {
    List<String> command = new ArrayList<>(List.of("socat", "-d", "-d", listen, connect));
    Path log = dir.resolve(name + ".log");
    Process p;
    try {
      Files.createDirectories(dir);
      p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command + " (is socat installed?)", e);
    }
    Socat socat = new Socat(p, log, String.join(" ", command));
    long deadline = System.nanoTime() + LISTEN_BOUND.toNanos();
    while (!FreePorts.isBound(port, true)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        socat.close();
        throw new IllegalStateException("socat did not listen on " + port + "\n" + socat.describe());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        socat.close();
        throw new IllegalStateException(e);
      }
    }
    return socat;
  }

  private String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }
}
