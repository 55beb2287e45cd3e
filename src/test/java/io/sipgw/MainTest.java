package io.sipgw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int execute(String... args) {
    return Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() { return out.toString(StandardCharsets.UTF_8); }

  private String err() { return err.toString(StandardCharsets.UTF_8); }

  @Test
  void checkConfigOfAValidFileExitsZero() throws Exception {
    Path file = Files.writeString(dir.resolve("ok.json"), "{\"workers\": 2}");
    assertEquals(0, execute("check-config", "-c", file.toString()));
    assertEquals("config OK: " + file, out().strip());
  }

  @Test
  void checkConfigOfAnInvalidFileExitsTwoAndNamesTheKey() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.json"), "{\"listen\": [{\"transport\": \"udp\", \"port\": 70000}]}");
    assertEquals(2, execute("check-config", "--config", file.toString()));
    assertTrue(err().contains("config key 'listen[0].port'"), err());
  }

  @Test
  void checkConfigOfAMissingFileExitsTwoAndNamesTheFile() {
    String missing = dir.resolve("missing.json").toString();
    assertEquals(2, execute("check-config", "--config=" + missing));
    assertTrue(err().contains(missing), err());
  }

  @Test
  void checkConfigOfTheDefaultExitsZero() {
    // the working directory of the build has conf/sipgw.json
    assertEquals(0, execute("check-config"));
    assertEquals("config OK: conf/sipgw.json", out().strip());
  }

  @Test
  void helpAndUnknownCommandsPrintUsageAndExit64() {
    assertEquals(64, execute("--help"));
    assertTrue(err().startsWith("usage:"), err());
    assertEquals(64, execute("frobnicate"));
    assertEquals(64, execute("check-config", "-c"));
    assertEquals(64, execute("run", "run"));
    assertEquals(64, execute("-x"));
    assertEquals("", out());
  }

  @Test
  void authOnWithoutItsCredentialsFileExitsTwoAndSaysHowToAddUsers() throws Exception {
    String missing = dir.resolve("users.json").toString();
    Path file = Files.writeString(dir.resolve("auth.json"), "{\"listen\": [{\"transport\": \"udp\", \"host\": \"127.0.0.1\", \"port\": 0}],"
        + " \"auth\": {\"enabled\": true, \"users\": \"" + missing + "\"}}");
    assertEquals(2, execute("-c", file.toString()));
    assertTrue(err().contains("config key 'auth.users'") && err().contains("user add USER@DOMAIN PASSWORD --file " + missing), err());
  }

  @Test
  void theCredentialCommandsRunFromTheCommandLine() {
    assertEquals(0, execute("ha1", "alice", "localhost", "secret"));
    assertEquals("c4bd012dfa61b3000723c206d202a63c", out().strip());
    assertEquals(2, execute("ha1", "alice"));
    assertTrue(err().contains("usage: java -jar sipgw.jar ha1"), err());
  }

  @Test
  void parsesTheCommandLine() {
    assertEquals(new Main.Invocation("run", null), Main.Invocation.parse(new String[0]));
    assertEquals(new Main.Invocation("run", "a.json"), Main.Invocation.parse(new String[] {"-c", "a.json"}));
    assertEquals(new Main.Invocation("check-config", "a.json"), Main.Invocation.parse(new String[] {"--config", "a.json", "check-config"}));
    assertNull(Main.Invocation.parse(new String[] {"-h"}));
  }
}
