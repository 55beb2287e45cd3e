package io.sipgw.it;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * sipgw as a process of its own, in a {@link NetNamespace} or in this one: {@code java -cp <this JVM's
 * class path> io.sipgw.Main run -c <config>}, the same code as the jar, with a configuration written to
 * the test's directory ({@link #configFile}, watched when {@code reload.scanPeriod} says so). Its log goes
 * to {@code sipgw.log} there. Close it (or the namespace) in teardown.
 */
public final class GatewayProcess implements AutoCloseable {
  private static final Duration START_BOUND = Duration.ofSeconds(40);
  private static final String STARTED = "sipgw started:";
  /** As the jar's logging.properties, but FINE for sipgw: each forwarded request is logged. */
  private static final String LOGGING = String.join("\n",
      "handlers=java.util.logging.ConsoleHandler",
      ".level=INFO",
      "io.sipgw.level=FINE",
      "io.netty.level=WARNING",
      "java.util.logging.ConsoleHandler.level=ALL",
      "java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter",
      "java.util.logging.SimpleFormatter.format=%1$tF %1$tT.%1$tL %4$s [%3$s] %5$s%6$s%n",
      "");

  private final Process process;
  private final Path log;

  private GatewayProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts sipgw with {@code config} (written to {@code dir}) in {@code ns} (null: in this network
   * namespace; its listeners must then be on loopback), in the project directory; returns once it
   * logged that it started.
   */
  public static GatewayProcess start(NetNamespace ns, JsonObject config, Path dir) {
    Path file = dir.resolve("sipgw.json");
    Path log = dir.resolve("sipgw.log");
    Path logging = dir.resolve("sipgw-logging.properties");
    try {
      Files.createDirectories(dir);
      Files.writeString(file, config.encodePrettily(), StandardCharsets.UTF_8);
      Files.writeString(logging, LOGGING, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + file, e);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Djava.util.logging.config.file=" + logging));
    if (!config.containsKey("admin")) {
      // an admin listener at a free port, its token in the test's directory (never 8090, never the project's);
      // as overrides, so that they hold for a config file the test writes anew
      command.addAll(List.of("-Dsipgw.admin.port=0", "-Dsipgw.admin.tokenFile=" + dir.resolve("admin.token")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.sipgw.Main", "run", "-c", file.toString()));
    // in the project directory: a relative path in the config (websocket.webroot) names a project file
    Path project = Path.of("").toAbsolutePath();
    Process process = ns != null ? ns.start(command, project, log) : startHere(command, project, log);
    GatewayProcess gateway = new GatewayProcess(process, log);
    try {
      NetNamespace.awaitReady(process, gateway::started, START_BOUND, "sipgw (" + file + ")", log);
      return gateway;
    } catch (RuntimeException e) {
      gateway.close();
      throw e;
    }
  }

  private static Process startHere(List<String> command, Path dir, Path log) {
    try {
      return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command, e);
    }
  }

  /** The config file it runs with: write a new version to reload it. */
  public Path configFile() { return log.resolveSibling("sipgw.json"); }

  /** Its log so far. */
  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  private boolean started() { return logText().contains(STARTED); }

  public Path log() { return log; }

  /** The tail of the gateway's log, for failure messages. */
  public String logTail() { return NetNamespace.tail(log); }

  /** Kills the gateway at once (SIGKILL): no shutdown hook runs, nothing is flushed. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() { NetNamespace.stop(process); }
}
