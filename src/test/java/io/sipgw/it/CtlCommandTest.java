package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sipgw ctl} as a process of its own against sipgw as a process of its own: the token the
 * gateway generated (owner-only file) is found through the same config, results are printed as JSON,
 * errors and an unreachable gateway give a non-zero exit code.
 */
@Timeout(180)
class CtlCommandTest {
  @TempDir Path dir;
  private GatewayProcess gateway;

  /** What a ctl process printed and how it ended. */
  record Run(int exit, String out, String err) { }

  @AfterEach
  void stop() {
    if (gateway != null) gateway.close();
  }

  private JsonObject config(int adminPort) {
    int sipPort = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    return TestGateway.config(sipPort, 0).put("workers", 1)
        .put("admin", new JsonObject().put("port", adminPort).put("tokenFile", dir.resolve("gw/admin.token").toString()));
  }

  private Run ctl(Path configFile, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.sipgw.Main", "ctl", "-c", configFile.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "ctl", ".out");
    Path err = Files.createTempFile(dir, "ctl", ".err");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("ctl " + List.of(args) + " did not end within 60 s");
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void callsTheRunningGatewayAndSaysWhenItCannot() throws Exception {
    int adminPort = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
    JsonObject config = config(adminPort);
    gateway = GatewayProcess.start(null, config, dir.resolve("gw"));
    Path file = gateway.configFile();

    // the token was generated at first start, readable by the owner only; its path is logged, the token never
    Path tokenFile = dir.resolve("gw/admin.token");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
    String token = Files.readString(tokenFile).strip();
    assertEquals(64, token.length(), token);
    assertTrue(gateway.logText().contains(tokenFile.toString()), gateway.logTail());
    assertFalse(gateway.logText().contains(token), "the token is in the log");

    Run list = ctl(file);
    assertEquals(0, list.exit(), list.err());
    JsonArray methods = new JsonArray(list.out());
    assertTrue(methods.contains("ul.add") && methods.contains("core.version"), list.out());

    Run version = ctl(file, "core.version");
    assertEquals(0, version.exit(), version.err());
    assertTrue(version.out().strip().startsWith("\"sipgw "), version.out());

    Run add = ctl(file, "ul.add", "alice@localhost", "sip:alice@127.0.0.1:5099", "600", "0.5");
    assertEquals(0, add.exit(), add.err());
    assertEquals("alice@localhost", new JsonObject(add.out()).getString("aor"));
    Run lookup = ctl(file, "ul.lookup", "sip:alice@localhost");
    assertEquals(0, lookup.exit(), lookup.err());
    assertTrue(lookup.out().contains("\n"), "pretty-printed: " + lookup.out());
    assertEquals("sip:alice@127.0.0.1:5099", new JsonObject(lookup.out()).getJsonArray("contacts").getJsonObject(0).getString("contact"));

    Run unknown = ctl(file, "no.such.method");
    assertEquals(1, unknown.exit());
    assertTrue(unknown.err().contains("-32601"), unknown.err());
    Run badParams = ctl(file, "ul.lookup");
    assertEquals(1, badParams.exit());
    assertTrue(badParams.err().contains("-32602"), badParams.err());
    Run missing = ctl(file, "ul.lookup", "nobody@localhost");
    assertEquals(1, missing.exit());
    assertTrue(missing.err().contains("AOR not found"), missing.err());

    // cfg.reload reads the gateway's file again: a valid change is applied, an invalid one refused naming the key
    Path ctlConfig = dir.resolve("ctl.json");
    Files.copy(file, ctlConfig);
    Files.writeString(file, config.copy().put("registrar", new JsonObject().put("maxExpires", 1800)).encodePrettily());
    Run reload = ctl(ctlConfig, "cfg.reload");
    assertEquals(0, reload.exit(), reload.err());
    assertTrue(new JsonObject(reload.out()).getBoolean("reloaded"), reload.out());
    Files.writeString(file, config.copy().put("registrar", new JsonObject().put("maxExpires", "long")).encodePrettily());
    Run refused = ctl(ctlConfig, "cfg.reload");
    assertEquals(1, refused.exit(), refused.out());
    assertTrue(refused.err().contains("registrar.maxExpires"), refused.err());

    gateway.close();
    gateway = null;
    Run down = ctl(ctlConfig, "core.version");
    assertEquals(1, down.exit());
    assertTrue(down.err().contains("cannot reach"), down.err());
  }

  @Test
  void refusesAConfigItCannotUse() throws Exception {
    Path noToken = dir.resolve("no-token.json");
    Files.writeString(noToken, config(FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK)).encodePrettily());
    Run r = ctl(noToken, "core.version");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("no admin token"), r.err());
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, new JsonObject().put("admin", new JsonObject().put("port", "x")).encode());
    Run b = ctl(bad, "core.version");
    assertEquals(2, b.exit());
    assertTrue(b.err().contains("admin.port"), b.err());
  }
}
