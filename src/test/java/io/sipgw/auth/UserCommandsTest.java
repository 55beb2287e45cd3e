package io.sipgw.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The credential commands: the same hex as md5sum (Kamailio's FAQ), the file holding hashes only, usage and exit 2. */
class UserCommandsTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return UserCommands.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        config -> UserCommands.Target.file(dir.resolve("configured.json")));
  }

  private static String md5sum(String text) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("md5sum").start();
    p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return line.split(" ")[0];
  }

  @Test
  void ha1AndHa1bPrintWhatMd5sumPrints() throws Exception {
    assertEquals(0, run("ha1", "alice", "example.com", "s3cr3t pass"));
    assertEquals(0, run("ha1b", "alice", "example.com", "s3cr3t pass"));
    assertEquals(md5sum("alice:example.com:s3cr3t pass") + "\n" + md5sum("alice@example.com:example.com:s3cr3t pass") + "\n",
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void userAddWritesHashesOnlyAndReplacesAndRmRemoves() throws IOException {
    Path file = dir.resolve("users.json");
    assertEquals(0, run("user", "add", "alice@Example.com", "first-pass", "--file", file.toString()));
    assertEquals(0, run("user", "add", "bob@example.com", "bob-pass", "--file", file.toString()));
    assertEquals(0, run("user", "add", "alice@example.com", "second-pass", "--file", file.toString()));
    String text = Files.readString(file);
    assertFalse(text.contains("pass"), "no password on disk: " + text);
    List<Credentials> users = CredentialsFile.read(file);
    assertEquals(2, users.size());
    Credentials alice = users.stream().filter(c -> c.user().equals("alice")).findFirst().orElseThrow();
    assertEquals("example.com", alice.domain());
    assertEquals(DigestAlgorithm.MD5.ha1("alice", "example.com", "second-pass"), alice.ha1().get(DigestAlgorithm.MD5), "replaced");
    assertEquals(DigestAlgorithm.SHA_256.ha1("alice", "example.com", "second-pass"), alice.ha1().get(DigestAlgorithm.SHA_256));
    assertEquals(0, run("user", "rm", "alice@example.com", "--file", file.toString()));
    assertEquals(List.of("bob"), CredentialsFile.read(file).stream().map(Credentials::user).toList());
    assertEquals(1, run("user", "rm", "alice@example.com", "--file", file.toString()), "no such user");
  }

  @Test
  void withoutFileTheConfiguredOneIsUsed() throws IOException {
    assertEquals(0, run("user", "add", "carol@localhost", "pw"));
    assertTrue(Files.readString(dir.resolve("configured.json")).contains("\"carol\""));
  }

  @Test
  void userImportNeedsAFileAndARedisStore() throws IOException {
    assertEquals(2, run("user", "import"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("user import needs --file F"));
    err.reset();
    Path file = dir.resolve("users.json");
    CredentialsFile.write(file, List.of(CredentialsFile.hash("dora", "localhost", "pw")));
    assertEquals(2, run("user", "import", "--file", file.toString()), "the configured store is a file");
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("the config's store is not Redis"), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void badArgumentsPrintUsageOnStderrAndExit2() {
    for (String[] args : List.of(new String[] {"ha1", "alice", "realm"}, new String[] {"ha1b"}, new String[] {"user", "add", "alice", "pw"},
        new String[] {"user", "add", "alice@example.com"}, new String[] {"user", "mv", "alice@example.com"},
        new String[] {"user", "rm", "alice@example.com", "--file"})) {
      err.reset();
      assertEquals(2, run(args), String.join(" ", args));
      assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: java -jar sipgw.jar ha1"), String.join(" ", args));
    }
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }
}
