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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A network namespace of this test run's own with only {@code lo} up, and the processes started
 * in it ({@code ip netns exec NAME ...}): a browser there gathers ICE candidates on loopback only,
 * and nothing it or the gateway sends can leave the machine. Needs root and iproute2.
 *
 * <p>Named {@code sipgw-<pid of this JVM>-<n>}. {@link #create} first deletes the {@code sipgw-*}
 * namespaces whose JVM has died, with whatever still runs in them. {@link #close} stops every
 * process in the namespace (those started here, and anything they started) and deletes it.
 */
public final class NetNamespace implements AutoCloseable {
  static final String PREFIX = "sipgw-";
  private static final Duration COMMAND_BOUND = Duration.ofSeconds(10);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final int TAIL = 6000;
  private static final AtomicInteger created = new AtomicInteger();

  private final String name;
  private final List<Process> processes = new ArrayList<>();

  private NetNamespace(String name) { this.name = name; }

  /** Creates a fresh namespace with {@code lo} up. */
  public static NetNamespace create() {
    deleteStale();
    String name = PREFIX + ProcessHandle.current().pid() + "-" + created.incrementAndGet();
    ip("netns", "add", name);
    NetNamespace ns = new NetNamespace(name);
    try {
      ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
      return ns;
    } catch (RuntimeException e) {
      ns.close();
      throw e;
    }
  }

  public String name() { return name; }

  /** {@code command} prefixed so that it runs in this namespace. */
  public List<String> command(List<String> command) {
    List<String> c = new ArrayList<>(List.of(ip(), "netns", "exec", name));
    c.addAll(command);
    return c;
  }

  /**
   * Starts {@code command} in this namespace in {@code dir}, stdin from /dev/null, stdout and
   * stderr to {@code log}; it is stopped by {@link #close} if it still runs then.
   */
  public Process start(List<String> command, Path dir, Path log) {
    ProcessBuilder builder = new ProcessBuilder(command(command))
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    return start(builder);
  }

  /** Starts a process built by the caller (its command already from {@link #command}); stopped by {@link #close}. */
  public synchronized Process start(ProcessBuilder builder) {
    try {
      Process p = builder.start();
      processes.add(p);
      return p;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + builder.command(), e);
    }
  }

  /**
   * Waits until {@code ready} holds for {@code process}, polling; fails if the process exits first or
   * {@code bound} passes, with the tail of its {@code log} in the message.
   */
  public static void awaitReady(Process process, BooleanSupplier ready, Duration bound, String what, Path log) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!ready.getAsBoolean()) {
      if (!process.isAlive()) {
        throw new IllegalStateException(what + " exited (" + process.exitValue() + ") before it was ready\n" + tail(log));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + " was not ready within " + bound + "\n" + tail(log));
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }

  /** The last lines of a log file, for a failure message. */
  public static String tail(Path log) {
    try {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      return "--- " + log + " (tail) ---\n" + (text.length() <= TAIL ? text : "... " + text.substring(text.length() - TAIL));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** Stops {@code process} (SIGTERM, then SIGKILL after a grace period) and its descendants. */
  public static void stop(Process process) { Processes.stop(process, STOP_GRACE); }

  /** Stops every process started here, kills anything else left in the namespace, and deletes it. */
  @Override
  public synchronized void close() {
    processes.forEach(NetNamespace::stop);
    processes.clear();
    killAll(name);
    ip("netns", "delete", name);
  }

  /** Deletes the {@code sipgw-*} namespaces whose JVM is gone, and kills what still runs in them. */
  static void deleteStale() {
    for (String line : run(List.of(ip(), "netns", "list")).split("\n")) {
      String ns = line.trim().split("\\s+")[0];
      if (!ns.startsWith(PREFIX)) continue;
      String[] parts = ns.substring(PREFIX.length()).split("-");
      long owner;
      try {
        owner = Long.parseLong(parts[0]);
      } catch (NumberFormatException e) {
        continue; // not one of ours
      }
      if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) continue;
      killAll(ns);
      ip("netns", "delete", ns);
    }
  }

  /** Kills (SIGKILL) every process in namespace {@code ns}: they were all started by a test. */
  private static void killAll(String ns) {
    for (String pid : run(List.of(ip(), "netns", "pids", ns)).split("\\s+")) {
      if (pid.isBlank()) continue;
      ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static void ip(String... args) {
    List<String> c = new ArrayList<>(List.of(ip()));
    c.addAll(List.of(args));
    run(c);
  }

  private static String ip() {
    for (String candidate : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")) {
      if (new File(candidate).canExecute()) return candidate;
    }
    throw new IllegalStateException("ip (iproute2) not found: the browser tests need it (scripts/test.sh installs it)");
  }

  /** Runs a short command, bounded; returns its output; fails with it on a non-zero exit. */
  private static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      byte[] output;
      if (!p.waitFor(COMMAND_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " took longer than " + COMMAND_BOUND);
      }
      output = p.getInputStream().readAllBytes();
      String text = new String(output, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + text.trim());
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }
}
