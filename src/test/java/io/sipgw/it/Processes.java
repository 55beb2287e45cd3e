package io.sipgw.it;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stopping the processes a test started. */
final class Processes {
  private Processes() { }

  /**
   * Stops {@code process}: SIGTERM, SIGKILL if it is still running after {@code grace}; then kills
   * whatever it had started that is still running.
   */
  static void stop(Process process, Duration grace) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    descendants.forEach(ProcessHandle::destroyForcibly);
  }
}
