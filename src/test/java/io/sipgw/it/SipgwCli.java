package io.sipgw.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The gateway's command line run as its own process (as {@code java -jar sipgw.jar ARGS}), bounded in time. */
final class SipgwCli {
  /** What one run printed and its exit code. */
  record Result(int exit, String out, String err) {
    @Override
    public String toString() { return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err; }
  }

  private SipgwCli() { }

  static Result run(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.sipgw.Main"));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile())
          .redirectOutput(dir.resolve("cli.out").toFile()).redirectError(dir.resolve("cli.err").toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("sipgw " + String.join(" ", args) + " did not end within 60 s");
      }
      return new Result(p.exitValue(), java.nio.file.Files.readString(dir.resolve("cli.out"), StandardCharsets.UTF_8),
          java.nio.file.Files.readString(dir.resolve("cli.err"), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run sipgw " + String.join(" ", args), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
