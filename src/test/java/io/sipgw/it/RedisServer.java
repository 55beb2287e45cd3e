package io.sipgw.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real redis-server (Debian package redis-server) on 127.0.0.1 at a free port, started by the test
 * and stopped by {@link #close}: without persistence, or with an append-only file in its directory
 * ({@link #startPersistent}, every write synced). {@link #stop} and {@link #restart} take it away and
 * bring it back on the same port, for outage tests: empty, or with what it had written.
 */
public final class RedisServer implements AutoCloseable {
  private static final Duration START_BOUND = Duration.ofSeconds(10);

  private final int port;
  private final Path dir;
  private final boolean persistent;
  private final Path log;
  /** The namespace it runs in; null: this one. */
  private final NetNamespace ns;
  private Process process;

  private RedisServer(int port, Path dir, boolean persistent, NetNamespace ns) {
    this.port = port;
    this.dir = dir;
    this.persistent = persistent;
    this.log = dir.resolve("redis.log");
    this.ns = ns;
  }

  /** Starts redis-server without persistence; fails if it does not listen within ten seconds. */
  public static RedisServer start(Path dir) { return start(dir, false); }

  /** Starts redis-server with an append-only file in {@code dir}, fsynced at every write. */
  public static RedisServer startPersistent(Path dir) { return start(dir, true); }

  private static RedisServer start(Path dir, boolean persistent) {
    RedisServer r = new RedisServer(FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK), dir, persistent, null);
    r.launch();
    return r;
  }

  /** Starts redis-server without persistence in {@code ns}, at {@code port} of its loopback. */
  public static RedisServer start(NetNamespace ns, int port, Path dir) {
    RedisServer r = new RedisServer(port, dir, false, ns);
    r.launch();
    return r;
  }

  private void launch() {
    List<String> command = List.of("redis-server", "--port", Integer.toString(port), "--bind", FreePorts.IPV4_LOOPBACK,
        "--save", "", "--appendonly", persistent ? "yes" : "no", "--appendfsync", "always", "--dir", dir.toString(),
        "--daemonize", "no", "--protected-mode", "yes");
    try {
      Files.createDirectories(log.getParent());
      process = ns != null ? ns.start(command, dir, log) : new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server (install the Debian package redis-server): " + e.getMessage(), e);
    }
    Process p = process;
    NetNamespace.awaitReady(p, () -> ns != null ? FreePorts.isBound(p.pid(), port, true) : FreePorts.isBound(port, true),
        START_BOUND, "redis-server on port " + port, log);
  }

  /** {@code redis://127.0.0.1:PORT} */
  public String url() { return "redis://" + FreePorts.IPV4_LOOPBACK + ":" + port; }

  public int port() { return port; }

  /** Stops the server (SIGTERM): clients see it go away. */
  public void stop() { Processes.stop(process, Duration.ofSeconds(5)); }

  /** Freezes the server (SIGSTOP): its connections stay open and nothing is answered, a Redis that hangs. */
  public void pause() { signal("-STOP"); }

  /** Lets a paused server go on (SIGCONT): it answers what waited. */
  public void resume() { signal("-CONT"); }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot run kill " + signal, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** What {@code redis-cli -p PORT ARGS} prints (this server outside a namespace only). */
  public String cli(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) throw new IllegalStateException("redis-cli did not end");
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run redis-cli", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Starts it again on the same port: empty, or (persistent) with what it had written. */
  public void restart() { launch(); }

  @Override
  public void close() { if (process != null) Processes.stop(process, Duration.ofSeconds(5)); }
}
