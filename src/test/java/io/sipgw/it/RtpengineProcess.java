package io.sipgw.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * rtpengine (Debian {@code rtpengine-daemon}) in userspace in a {@link NetNamespace}: no kernel
 * forwarding table, no packaged config, control protocol "ng" on 127.0.0.1, media ports from a
 * range below the ephemeral ports. Its log goes to {@code rtpengine.log} in the test's directory.
 */
public final class RtpengineProcess implements AutoCloseable {
  private static final Duration START_BOUND = Duration.ofSeconds(15);
  static final int PORT_MIN = 20000;
  static final int PORT_MAX = 20999;

  private final Process process;
  private final int ngPort;
  private final Path log;

  private RtpengineProcess(Process process, int ngPort, Path log) {
    this.process = process;
    this.ngPort = ngPort;
    this.log = log;
  }

  /** Starts rtpengine in {@code ns}; returns once its ng port is bound there. */
  public static RtpengineProcess start(NetNamespace ns, Path dir) {
    int ngPort = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    Path log = dir.resolve("rtpengine.log");
    List<String> command = List.of(binary(), "--config-file=none", "--foreground", "--log-stderr", "--table=-1",
        "--interface=" + FreePorts.IPV4_LOOPBACK, "--listen-ng=" + FreePorts.IPV4_LOOPBACK + ":" + ngPort,
        "--port-min=" + PORT_MIN, "--port-max=" + PORT_MAX, "--pidfile=" + dir.resolve("rtpengine.pid"),
        "--log-level=6");
    Process process = ns.start(command, dir, log);
    RtpengineProcess rtpengine = new RtpengineProcess(process, ngPort, log);
    try {
      NetNamespace.awaitReady(process, () -> FreePorts.isBound(process.pid(), ngPort, false), START_BOUND, "rtpengine", log);
      return rtpengine;
    } catch (RuntimeException e) {
      rtpengine.close();
      throw e;
    }
  }

  /** The ng control address, {@code 127.0.0.1:PORT}. */
  public String ngAddress() { return FreePorts.IPV4_LOOPBACK + ":" + ngPort; }

  public Path log() { return log; }

  private static String binary() {
    for (String candidate : List.of("/usr/bin/rtpengine", "/usr/sbin/rtpengine")) {
      if (new java.io.File(candidate).canExecute()) return candidate;
    }
    throw new IllegalStateException("rtpengine not found: the browser media tests need the Debian package"
        + " rtpengine-daemon (scripts/test.sh installs it)");
  }

  @Override
  public void close() { NetNamespace.stop(process); }
}
