package io.sipgw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void loadsAFile(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path file = Files.writeString(dir.resolve("sipgw.json"), "{\"listen\": [{\"transport\": \"tcp\", \"host\": \"::1\", \"port\": 5099}]}");
    ConfigLoader.load(vertx, file.toString()).onComplete(ctx.succeeding(c -> ctx.verify(() -> {
      assertEquals("tcp:[::1]:5099", c.listen().get(0).name());
      assertEquals(3600, c.registrar().maxExpires());
      ctx.completeNow();
    })));
  }

  @Test
  void nullPathLoadsTheEmbeddedDefault(Vertx vertx, VertxTestContext ctx) {
    ConfigLoader.load(vertx, null).onComplete(ctx.succeeding(c -> ctx.verify(() -> {
      assertEquals(SipgwConfig.defaults(), c);
      ctx.completeNow();
    })));
  }

  @Test
  void aMissingFileIsAnErrorNamingIt(Vertx vertx, VertxTestContext ctx) {
    String missing = dir.resolve("nope.json").toString();
    ConfigLoader.load(vertx, missing).onComplete(ctx.failing(e -> ctx.verify(() -> {
      ConfigFileException f = assertInstanceOf(ConfigFileException.class, e);
      assertEquals(missing, f.file());
      assertTrue(e.getMessage().contains(missing), e.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  void aRelativeMissingFileDoesNotFallBackToTheClassPath(Vertx vertx, VertxTestContext ctx) {
    ConfigLoader.load(vertx, "sipgw.json").onComplete(ctx.failing(e -> ctx.verify(() -> {
      assertInstanceOf(ConfigFileException.class, e);
      ctx.completeNow();
    })));
  }

  @Test
  void anUnparsableFileIsAnErrorNamingIt(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path file = Files.writeString(dir.resolve("broken.json"), "{\"workers\": ");
    ConfigLoader.load(vertx, file.toString()).onComplete(ctx.failing(e -> ctx.verify(() -> {
      assertInstanceOf(ConfigFileException.class, e);
      assertTrue(e.getMessage().startsWith("config file '" + file + "': not a valid JSON object"), e.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  void anInvalidKeyIsAConfigException(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path file = Files.writeString(dir.resolve("bad.json"), "{\"registrar\": {\"maxExpires\": 30}}");
    ConfigLoader.load(vertx, file.toString()).onComplete(ctx.failing(e -> ctx.verify(() -> {
      assertEquals("registrar.maxExpires", assertInstanceOf(ConfigException.class, e).key());
      ctx.completeNow();
    })));
  }

  @Test
  void anUnreadableTlsFileIsAConfigExceptionNamingKeyAndPath(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "not checked here");
    Path key = dir.resolve("missing-key.pem");
    Path file = Files.writeString(dir.resolve("tls.json"), "{\"listen\": [{\"transport\": \"tls\", \"port\": 0}],"
        + " \"tls\": {\"certificate\": \"" + cert + "\", \"key\": \"" + key + "\"}}");
    ConfigLoader.load(vertx, file.toString()).onComplete(ctx.failing(e -> ctx.verify(() -> {
      assertEquals("tls.key", assertInstanceOf(ConfigException.class, e).key());
      assertTrue(e.getMessage().contains(key + ": no such file"), e.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  void systemPropertiesOverrideTheFile(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path file = Files.writeString(dir.resolve("sipgw.json"), "{\"registrar\": {\"maxExpires\": 7200}}");
    System.setProperty("sipgw.registrar.maxExpires", "120");
    ConfigLoader.load(vertx, file.toString())
        .onComplete(x -> System.clearProperty("sipgw.registrar.maxExpires"))
        .onComplete(ctx.succeeding(c -> ctx.verify(() -> {
          assertEquals(120, c.registrar().maxExpires());
          ctx.completeNow();
        })));
  }
}
