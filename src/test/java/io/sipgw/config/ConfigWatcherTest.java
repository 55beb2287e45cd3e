package io.sipgw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class ConfigWatcherTest {
  private static final String BASE = "{\"reload\": {\"scanPeriod\": 100}, \"registrar\": {\"maxExpires\": %d}}";

  @TempDir Path dir;
  private final List<LogRecord> warnings = new ArrayList<>();
  private final Logger log = Logger.getLogger(ConfigWatcher.class.getName());
  private final Handler capture = new Handler() {
    @Override public void publish(LogRecord r) { if (r.getLevel() == Level.WARNING) synchronized (warnings) { warnings.add(r); } }
    @Override public void flush() { }
    @Override public void close() { }
  };

  @BeforeEach void captureWarnings() { log.addHandler(capture); }

  @AfterEach void release() { log.removeHandler(capture); }

  @Test
  void aChangedValidFileReachesTheConsumer(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path file = Files.writeString(dir.resolve("sipgw.json"), BASE.formatted(3600));
    SipgwConfig initial = SipgwConfig.fromJson(new io.vertx.core.json.JsonObject(BASE.formatted(3600)));
    ConfigWatcher watcher = ConfigWatcher.start(vertx, file.toString(), initial, next -> ctx.verify(() -> {
      assertEquals(7200, next.registrar().maxExpires());
      ctx.completeNow();
    }));
    vertx.setTimer(300, t -> vertx.fileSystem().writeFile(file.toString(), io.vertx.core.buffer.Buffer.buffer(BASE.formatted(7200))));
    ctx.awaitCompletion(10, TimeUnit.SECONDS);
    watcher.close();
    assertEquals(7200, watcher.current().registrar().maxExpires());
  }

  @Test
  void anInvalidFileIsRefusedWithOneWarningAndTheNextValidOneApplies(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path file = Files.writeString(dir.resolve("sipgw.json"), BASE.formatted(3600));
    SipgwConfig initial = SipgwConfig.fromJson(new io.vertx.core.json.JsonObject(BASE.formatted(3600)));
    List<SipgwConfig> seen = new ArrayList<>();
    ConfigWatcher watcher = ConfigWatcher.start(vertx, file.toString(), initial, next -> ctx.verify(() -> {
      seen.add(next);
      synchronized (warnings) {
        assertEquals(1, warnings.size(), "one WARN line for the refused config");
        String msg = warnings.get(0).getMessage();
        assertEquals(true, msg.contains("registrar.maxExpires"), msg);
      }
      assertEquals(1, seen.size(), "the invalid config never reached the consumer");
      assertEquals(1800, next.registrar().maxExpires());
      ctx.completeNow();
    }));
    // invalid: maxExpires < minExpires; it stays in place for several scans, then a valid one comes
    vertx.setTimer(300, t -> vertx.fileSystem().writeFile(file.toString(), io.vertx.core.buffer.Buffer.buffer(BASE.formatted(30)))
        .onSuccess(x -> vertx.setTimer(700, t2 -> vertx.fileSystem().writeFile(file.toString(),
            io.vertx.core.buffer.Buffer.buffer(BASE.formatted(1800))))));
    ctx.awaitCompletion(10, TimeUnit.SECONDS);
    watcher.close();
  }

  @Test
  void aRewriteWithTheSameSettingsIsNoChange(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path file = Files.writeString(dir.resolve("sipgw.json"), BASE.formatted(3600));
    SipgwConfig initial = SipgwConfig.fromJson(new io.vertx.core.json.JsonObject(BASE.formatted(3600)));
    ConfigWatcher watcher = ConfigWatcher.start(vertx, file.toString(), initial, next -> ctx.failNow("no change expected: " + next));
    // same settings, different text: the consumer must not run
    vertx.setTimer(200, t -> vertx.fileSystem().writeFile(file.toString(),
        io.vertx.core.buffer.Buffer.buffer("\n  " + BASE.formatted(3600) + "\n")));
    vertx.setTimer(800, t -> watcher.close().onComplete(ctx.succeedingThenComplete()));
  }

  @Test
  void aZeroScanPeriodWatchesNothing(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path file = Files.writeString(dir.resolve("sipgw.json"), "{\"reload\": {\"scanPeriod\": 0}}");
    ConfigWatcher watcher = ConfigWatcher.start(vertx, file.toString(), SipgwConfig.fromJson(new io.vertx.core.json.JsonObject("{\"reload\": {\"scanPeriod\": 0}}")),
        next -> ctx.failNow("no watching expected"));
    watcher.close().onComplete(ctx.succeedingThenComplete());
  }
}
