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
 * Real redis-server processes (Debian package redis-server) on 127.0.0.1 in the two topologies
 * besides a standalone server that the Vert.x Redis client serves: a Redis Cluster of three masters
 * (cluster bus on port + 10000), created with {@code redis-cli --cluster create}, and a master watched
 * by one Sentinel ({@code redis-server sentinel.conf --sentinel}). No persistence; all stopped by
 * {@link #close}.
 */
public final class RedisTopology implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(20);
  public static final String MASTER_NAME = "mymaster";

  private final List<Process> processes = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final Path dir;

  private RedisTopology(Path dir) { this.dir = dir; }

  /** Three masters sharing the 16384 slots, ready (cluster_state:ok). */
  public static RedisTopology cluster(Path dir) {
    RedisTopology t = new RedisTopology(dir);
    try {
      for (int i = 0; i < 3; i++) {
        int port = portWithBus();
        Path d = dir.resolve("node-" + port);
        t.launch(port, List.of("redis-server", "--port", Integer.toString(port), "--bind", FreePorts.IPV4_LOOPBACK,
            "--cluster-enabled", "yes", "--cluster-config-file", d.resolve("nodes.conf").toString(), "--cluster-node-timeout", "5000",
            "--save", "", "--appendonly", "no", "--dir", d.toString(), "--daemonize", "no"), d);
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      for (int p : t.ports) create.add(FreePorts.IPV4_LOOPBACK + ":" + p);
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      run(create, dir.resolve("cluster-create.log"));
      t.await(() -> cli(t.ports.get(0), "cluster", "info").contains("cluster_state:ok"), "Redis Cluster state ok");
      return t;
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  /** A master and one Sentinel that monitors it as {@value #MASTER_NAME} (quorum 1), ready. */
  public static RedisTopology sentinel(Path dir) {
    RedisTopology t = new RedisTopology(dir);
    try {
      int master = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
      Path md = dir.resolve("master");
      t.launch(master, List.of("redis-server", "--port", Integer.toString(master), "--bind", FreePorts.IPV4_LOOPBACK,
          "--save", "", "--appendonly", "no", "--dir", md.toString(), "--daemonize", "no"), md);
      int sentinel = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
      Path sd = dir.resolve("sentinel");
      Files.createDirectories(sd);
      Path conf = sd.resolve("sentinel.conf");
      Files.writeString(conf, String.join("\n",
          "port " + sentinel,
          "bind " + FreePorts.IPV4_LOOPBACK,
          "dir " + sd,
          "sentinel monitor " + MASTER_NAME + " " + FreePorts.IPV4_LOOPBACK + " " + master + " 1",
          "sentinel down-after-milliseconds " + MASTER_NAME + " 5000", ""), StandardCharsets.UTF_8);
      t.launch(sentinel, List.of("redis-server", conf.toString(), "--sentinel"), sd);
      t.await(() -> cli(sentinel, "sentinel", "get-master-addr-by-name", MASTER_NAME).contains(Integer.toString(master)),
          "Sentinel knows the master");
      return t;
    } catch (IOException e) {
      t.close();
      throw new IllegalStateException(e);
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  /** The processes' URLs: the cluster's masters, or the master then the Sentinel. */
  public List<String> urls() {
    List<String> out = new ArrayList<>();
    for (int p : ports) out.add("redis://" + FreePorts.IPV4_LOOPBACK + ":" + p);
    return out;
  }

  /** What {@code redis-cli -p PORT ARGS…} prints. */
  public static String cli(int port, String... args) {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run redis-cli: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  public List<Integer> ports() { return List.copyOf(ports); }

  /** A free port whose cluster bus port (+ 10000) is free too. */
  private static int portWithBus() {
    for (int i = 0; i < 50; i++) {
      int p = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
      if (p + 10000 <= 65535 && !FreePorts.isBound(p + 10000, true)) return p;
    }
    throw new IllegalStateException("no port free with its cluster bus port");
  }

  private void launch(int port, List<String> command, Path d) {
    Path log = d.resolve("redis.log");
    try {
      Files.createDirectories(d);
      Process p = new ProcessBuilder(command).directory(d.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      processes.add(p);
      ports.add(port);
      NetNamespace.awaitReady(p, () -> FreePorts.isBound(port, true), READY, "redis-server on port " + port, log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server (install the Debian package redis-server): " + e.getMessage(), e);
    }
  }

  private static void run(List<String> command, Path log) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " failed\n" + NetNamespace.tail(log));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void await(java.util.function.BooleanSupplier ready, String what) {
    long deadline = System.nanoTime() + READY.toNanos();
    while (!ready.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException(what + ": not within " + READY + " (logs in " + dir + ")");
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) Processes.stop(processes.get(i), Duration.ofSeconds(5));
  }
}
