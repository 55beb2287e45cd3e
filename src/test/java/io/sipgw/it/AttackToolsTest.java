package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.auth.CredentialsFile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's sipsak and SIPVicious against the running gateway (its own JVM, the jar's code, auth on)
 * in a network namespace that has only {@code lo}: the tools are given 127.0.0.1 alone and cannot
 * reach anything else. sipsak registers with its password (MD5) and fails with a wrong one; svmap
 * finds the server; svwar, with each method it offers, finds none of the extensions that exist;
 * svcrack finds no password for a user with a strong one, and its source is banned after
 * {@code bans.authFailures} failures.
 */
@Timeout(180)
class AttackToolsTest {
  private static final int SIP_PORT = 5060;
  private static final int AUTH_FAILURES = 5;
  private static final Duration TOOL_BOUND = Duration.ofSeconds(60);

  @TempDir Path dir;
  private NetNamespace ns;
  private GatewayProcess gateway;

  @BeforeEach
  void start() throws IOException {
    Path users = dir.resolve("users.json");
    CredentialsFile.write(users, List.of(
        CredentialsFile.hash("alice", TestGateway.DOMAIN, "n0t-in-any-l1st-Qx7"),
        CredentialsFile.hash("100", TestGateway.DOMAIN, "Ext-100-pass-Zr8"),
        CredentialsFile.hash("101", TestGateway.DOMAIN, "Ext-101-pass-Wq2")));
    ns = NetNamespace.create();
    JsonObject config = TestGateway.config(SIP_PORT, 0)
        .put("auth", new JsonObject().put("enabled", true).put("users", users.toString()))
        .put("bans", new JsonObject().put("maxRequests", 100_000).put("authFailures", AUTH_FAILURES).put("exempt", new JsonArray()));
    gateway = GatewayProcess.start(ns, config, dir.resolve("gateway"));
  }

  @AfterEach
  void stop() {
    try {
      if (gateway != null) gateway.close();
    } finally {
      if (ns != null) ns.close();
    }
  }

  /** Runs {@code command} in the namespace, bounded; its exit code and output. */
  private record Run(int exit, String output) { }

  private Run tool(String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "tool", ".out");
    Process p = new ProcessBuilder(ns.command(List.of(command))).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    if (!p.waitFor(TOOL_BOUND.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      return new Run(-1, Files.readString(out, StandardCharsets.UTF_8));
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  @Test
  void sipsakRegistersWithItsPasswordAndTheScannersFindNoExtension() throws Exception {
    String target = "sip:alice@127.0.0.1:" + SIP_PORT;
    Run ok = tool("sipsak", "-U", "-s", target, "-u", "alice", "-a", "n0t-in-any-l1st-Qx7", "-H", "127.0.0.1", "--expires=120");
    assertEquals(0, ok.exit(), () -> "sipsak with the password:\n" + ok.output() + "\n" + gateway.logTail());
    Run wrong = tool("sipsak", "-U", "-s", target, "-u", "alice", "-a", "wrong", "-H", "127.0.0.1", "--expires=120");
    assertTrue(wrong.exit() != 0 && wrong.output().contains("authorization failed"), () -> "sipsak with a wrong one:\n" + wrong.output());

    Run map = tool("svmap", "-p" + SIP_PORT, "127.0.0.1");
    assertTrue(map.output().contains("127.0.0.1:" + SIP_PORT), () -> "svmap finds the server:\n" + map.output());

    for (String method : List.of("REGISTER", "OPTIONS", "INVITE")) {
      Run war = tool("svwar", "-m", method, "-e90-110", "-p" + SIP_PORT, "--force", "127.0.0.1");
      assertFalse(war.output().matches("(?s).*\\|\\s*10[01]\\s*\\|.*"), () -> "svwar -m " + method + " found an extension:\n" + war.output());
      assertFalse(war.output().matches("(?s).*\\|\\s*alice\\s*\\|.*"), war::output);
      assertFalse(war.output().contains("Traceback"), () -> "svwar -m " + method + " failed:\n" + war.output());
      assertTrue(war.output().contains("found nothing"), () -> "svwar -m " + method + " ran to its end:\n" + war.output());
    }
  }

  @Test
  void svcrackFindsNoStrongPasswordAndItsSourceIsBanned() throws Exception {
    Run crack = tool("svcrack", "-u", "alice", "-r", "1-200", "-p" + SIP_PORT, "--maximumtime=15", "127.0.0.1");
    assertFalse(crack.output().contains("n0t-in-any-l1st-Qx7"), crack::output);
    assertFalse(crack.output().matches("(?s).*\\|\\s*alice\\s*\\|.*"), () -> "svcrack found a password:\n" + crack.output());
    assertTrue(crack.output().contains("found nothing"), crack::output);
    String log = Files.readString(gateway.log(), StandardCharsets.UTF_8);
    assertTrue(log.contains("banned 127.0.0.1 for 300 s: " + AUTH_FAILURES + " failed authentications"),
        () -> "svcrack's source is banned after " + AUTH_FAILURES + " failures:\n" + crack.output() + "\n" + gateway.logTail());
  }
}
