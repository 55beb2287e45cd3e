package io.sipgw.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real redis-server (Debian package redis-server) on 127.0.0.1 at a free port, without
 * persistence, started by the test and stopped by {@link #close}. {@link #stop} and {@link #restart}
 * take it away and bring it back on the same port, for outage tests.
 */
public final class RedisServer implements AutoCloseable {
  private static final Duration START_BOUND = Duration.ofSeconds(10);

  private final int port;
  private final Path log;
  private Process process;

  private RedisServer(int port, Path log) {
    this.port = port;
    this.log = log;
  }

  /** Starts redis-server; fails if it does not listen within ten seconds. */
  public static RedisServer start(Path dir) {
    RedisServer r = new RedisServer(FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK), dir.resolve("redis.log"));
    r.launch();
    return r;
  }

  private void launch() {
    List<String> command = List.of("redis-server", "--port", Integer.toString(port), "--bind", FreePorts.IPV4_LOOPBACK,
        "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes");
    try {
      Files.createDirectories(log.getParent());
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server (install the Debian package redis-server): " + e.getMessage(), e);
    }
    NetNamespace.awaitReady(process, () -> FreePorts.isBound(port, true), START_BOUND, "redis-server on port " + port, log);
  }

  /** {@code redis://127.0.0.1:PORT} */
  public String url() { return "redis://" + FreePorts.IPV4_LOOPBACK + ":" + port; }

  public int port() { return port; }

  /** Stops the server (SIGTERM): clients see it go away. */
  public void stop() { Processes.stop(process, Duration.ofSeconds(5)); }

  /** Starts it again on the same port, empty (no persistence). */
  public void restart() { launch(); }

  @Override
  public void close() { if (process != null) Processes.stop(process, Duration.ofSeconds(5)); }
}
