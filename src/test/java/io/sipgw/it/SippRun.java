package io.sipgw.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A started SIPp process. Close it in {@code @AfterEach} (or try-with-resources): closing kills
 * a SIPp that is still running, so no test leaves one behind, even on failure.
 */
public final class SippRun implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(20);
  private static final Duration KILL_GRACE = Duration.ofSeconds(3);

  private final String command;
  private final Process process;
  private final boolean ownNamespace;
  private final Path stats;
  private final Path errors;
  private final Path messages;
  private final Path screen;

  SippRun(String command, Process process, boolean ownNamespace, Path stats, Path errors, Path messages, Path screen) {
    this.command = command;
    this.process = process;
    this.ownNamespace = ownNamespace;
    this.stats = stats;
    this.errors = errors;
    this.messages = messages;
    this.screen = screen;
  }

  public long pid() { return process.pid(); }

  /**
   * Waits until SIPp has bound its port (as seen from its namespace when it runs in a
   * {@link NetNamespace}); fails if it exits first or takes longer than {@code bound}.
   */
  void awaitListening(String host, int port, boolean tcp, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!(ownNamespace ? FreePorts.isBound(process.pid(), port, tcp) : FreePorts.isBound(port, tcp))) {
      if (!process.isAlive()) {
        throw new IllegalStateException("sipp exited before listening on " + Sipp.hostPort(host, port) + "\n"
            + result(false).describe());
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new IllegalStateException("sipp did not listen on " + Sipp.hostPort(host, port) + " within " + bound
            + "\n" + result(true).describe());
      }
      Polling.pause(POLL);
    }
  }

  /**
   * Waits until SIPp has received {@code count} requests with {@code method}, as its message trace
   * ({@link Sipp#traceMessages()}, written out at each message) shows: for a test that acts between
   * two steps of a scenario (a NOTIFY received, then the change that makes the next one). Fails if
   * SIPp exits first or takes longer than {@code bound}.
   */
  public void awaitReceived(String method, int count, Duration bound) {
    Polling.await(() -> {
      if (!process.isAlive() && received(method) < count) {
        throw new AssertionError("sipp exited before it received " + count + " " + method + "\n" + result(false).describe());
      }
      return received(method) >= count;
    }, POLL, bound, () -> "sipp did not receive " + count + " " + method + "\n" + result(false).describe());
  }

  /** The messages SIPp sent and received so far, as its message trace ({@link Sipp#traceMessages()}) shows now. */
  public List<TracedMessage> tracedSoFar() {
    try {
      return Files.exists(messages) ? TracedMessage.parse(Files.readString(messages, StandardCharsets.ISO_8859_1)) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private long received(String method) {
    return tracedSoFar().stream().filter(m -> m.received() && m.isRequest(method)).count();
  }

  /** Waits for SIPp to end by itself; kills it after {@code bound} (the result says so). */
  public SippResult awaitExit(Duration bound) {
    boolean killed = false;
    try {
      if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        killed = true;
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      killed = true;
    }
    return result(killed);
  }

  /**
   * Stops a background SIPp as its author meant: SIGUSR1 makes it take no new call, finish the
   * calls in progress and write its final statistics. Killed after {@code bound}.
   */
  public SippResult stop(Duration bound) {
    if (process.isAlive()) {
      try {
        Process signal = new ProcessBuilder("kill", "-USR1", Long.toString(process.pid())).start();
        signal.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (IOException e) {
        process.destroy();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return awaitExit(bound);
  }

  /** Kills SIPp if it still runs. */
  @Override
  public void close() {
    if (process.isAlive()) kill();
  }

  private void kill() { Processes.stop(process, KILL_GRACE); }

  private SippResult result(boolean killed) {
    Integer exitCode = process.isAlive() ? null : process.exitValue();
    return SippResult.read(command, exitCode, killed, stats, errors, messages, screen);
  }
}
