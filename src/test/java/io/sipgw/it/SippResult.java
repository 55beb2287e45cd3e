package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What one SIPp run did: the last line of its statistics file ({@code -trace_stat -stf}), its
 * exit, and its error log for assertion messages.
 */
public final class SippResult {
  static final String SUCCESSFUL = "SuccessfulCall(C)";
  static final String FAILED = "FailedCall(C)";
  static final String RETRANSMISSIONS = "Retransmissions(C)";
  /** Calls SIPp aborted on a message its scenario did not expect there (a BYE before the ACK, a late 100). */
  static final String UNEXPECTED = "FailedUnexpectedMessage(C)";
  /** How SIPp's error log starts a message it could not map to one of its calls. */
  static final String STRAY = "Discarding message";
  private static final int ERRORS_SHOWN = 4000;
  private static final int SCREEN_SHOWN = 2000;

  private final String command;
  private final Integer exitCode;
  private final boolean killed;
  private final long successfulCalls;
  private final long failedCalls;
  private final long retransmissions;
  private final long unexpectedMessages;
  private final String errors;
  private final String screen;
  private final Path messages;

  private SippResult(String command, Integer exitCode, boolean killed, long successfulCalls, long failedCalls,
      long retransmissions, long unexpectedMessages, String errors, String screen, Path messages) {
    this.command = command;
    this.exitCode = exitCode;
    this.killed = killed;
    this.successfulCalls = successfulCalls;
    this.failedCalls = failedCalls;
    this.retransmissions = retransmissions;
    this.unexpectedMessages = unexpectedMessages;
    this.errors = errors;
    this.screen = screen;
    this.messages = messages;
  }

  static SippResult read(String command, Integer exitCode, boolean killed, Path stats, Path errors, Path messages,
      Path screen) {
    long successful = -1;
    long failed = -1;
    long retransmissions = -1;
    long unexpected = -1;
    List<String> lines = lines(stats);
    if (lines.size() >= 2) {
      List<String> header = Arrays.asList(lines.get(0).split(";"));
      String[] last = lines.get(lines.size() - 1).split(";");
      successful = column(header, last, SUCCESSFUL);
      failed = column(header, last, FAILED);
      retransmissions = column(header, last, RETRANSMISSIONS);
      unexpected = column(header, last, UNEXPECTED);
    }
    return new SippResult(command, exitCode, killed, successful, failed, retransmissions, unexpected, text(errors),
        text(screen), messages);
  }

  /** Calls that ran the scenario to its end; -1 when SIPp wrote no statistics. */
  public long successfulCalls() { return successfulCalls; }

  /** Calls that failed: an unexpected message, a timeout, a failed check; -1 without statistics. */
  public long failedCalls() { return failedCalls; }

  public long retransmissions() { return retransmissions; }

  /** Calls aborted on an unexpected message; -1 without statistics. */
  public long unexpectedMessages() { return unexpectedMessages; }

  /**
   * Asserts that no call met a message out of its scenario's order (SIPp's unexpected-message count
   * is 0) and that SIPp discarded none: what a proxy that reorders a call's messages gets wrong.
   */
  public SippResult assertInOrder() {
    assertEquals(0, unexpectedMessages, () -> "calls aborted on an unexpected message\n" + describe());
    return assertNoStrayMessages();
  }

  /** SIPp's exit status (0: every call succeeded), or null if it had not exited. */
  public Integer exitCode() { return exitCode; }

  /** Whether SIPp outlived its bound and was killed. */
  public boolean killed() { return killed; }

  /** The error log, e.g. "Aborting call on unexpected message ...". */
  public String errors() { return errors; }

  /** Every message sent and received, when the run traced them ({@link Sipp#traceMessages()}). */
  public String messages() { return text(messages); }

  /** The messages sent and received, parsed, when the run traced them ({@link Sipp#traceMessages()}). */
  public List<TracedMessage> traced() { return TracedMessage.parse(messages()); }

  /** Asserts that exactly {@code expected} calls succeeded and none failed. */
  public SippResult assertSucceeded(long expected) {
    assertEquals(0, failedCalls, () -> "failed calls\n" + describe());
    assertEquals(expected, successfulCalls, () -> "successful calls\n" + describe());
    return this;
  }

  /**
   * Asserts that SIPp discarded no message it could not map to a call of its own: a copy that
   * came after its call had ended, or a request nobody should have sent it (a CANCEL to a phone
   * that already hung up, a forwarded retransmission the proxy should have absorbed).
   */
  public SippResult assertNoStrayMessages() {
    assertFalse(errors.contains(STRAY), () -> "SIPp discarded a message\n" + describe());
    return this;
  }

  /** A summary for assertion messages. */
  public String describe() {
    StringBuilder s = new StringBuilder()
        .append("sipp: ").append(command).append('\n')
        .append("exit ").append(exitCode == null ? "none" : exitCode).append(killed ? " (killed: outlived its bound)" : "")
        .append(", successful ").append(successfulCalls)
        .append(", failed ").append(failedCalls)
        .append(", retransmissions ").append(retransmissions)
        .append(", unexpected ").append(unexpectedMessages).append('\n');
    if (!errors.isBlank()) s.append("errors:\n").append(head(errors, ERRORS_SHOWN)).append('\n');
    if (successfulCalls < 0 || errors.isBlank()) s.append("screen:\n").append(tail(screen, SCREEN_SHOWN)).append('\n');
    return s.toString();
  }

  @Override
  public String toString() { return describe(); }

  private static long column(List<String> header, String[] values, String name) {
    int i = header.indexOf(name);
    if (i < 0 || i >= values.length) return -1;
    try {
      return Long.parseLong(values[i].trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.ISO_8859_1) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static String text(Path file) {
    try {
      return file != null && Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  private static String head(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "\n... (" + (s.length() - max) + " more characters)";
  }

  private static String tail(String s, int max) {
    return s.length() <= max ? s : "... " + s.substring(s.length() - max);
  }
}
