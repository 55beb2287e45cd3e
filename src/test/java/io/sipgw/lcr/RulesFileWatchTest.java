package io.sipgw.lcr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sipgw.config.LcrConfig;
import io.sipgw.config.SipgwConfig;
import io.sipgw.sip.SipUri;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A rules file changed on disk becomes a new table; a bad one is refused until it changes again. */
@Timeout(30)
class RulesFileWatchTest {
  @TempDir Path dir;
  private Vertx vertx;
  private RulesFileWatch watch;
  private final LinkedBlockingQueue<LcrTable> tables = new LinkedBlockingQueue<>();

  @BeforeEach
  void setUp() { vertx = Vertx.vertx(); }

  @AfterEach
  void tearDown() throws Exception {
    if (watch != null) watch.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static List<Integer> ports(LcrTable t, String number) {
    return t.match(number, null, null, System.currentTimeMillis()).stream().map(SipUri::port).toList();
  }

  @Test
  void aChangedFileIsReadAgainAndABadOneRefused() throws Exception {
    Path csv = Files.writeString(dir.resolve("rules.csv"), "+49,gw1,0,1\n");
    JsonArray gateways = new JsonArray().add(new JsonObject().put("name", "gw1").put("uri", "sip:127.0.0.1:5081"))
        .add(new JsonObject().put("name", "gw2").put("uri", "sip:127.0.0.1:5082"));
    SipgwConfig config = SipgwConfig.fromJson(new JsonObject().put("lcr", new JsonObject().put("gateways", gateways).put("rulesFile", csv.toString())));
    config.checkFiles();
    LcrConfig lcr = config.lcr();
    watch = RulesFileWatch.start(vertx, lcr, 50, tables::add);

    Thread.sleep(300);
    assertNull(tables.poll(), "an unchanged file is not read again");

    Files.writeString(csv, "+49,gw2,0,1\n+1,gw1,0,1\n");
    LcrTable changed = tables.poll(10, TimeUnit.SECONDS);
    assertEquals(List.of(5082), ports(changed, "+4930"));
    assertEquals(List.of(5081), ports(changed, "+1212"));

    Files.writeString(csv, "+49,gw2,0,1\n+1,gw9,0,1\n"); // gw9: no such gateway
    assertNull(tables.poll(500, TimeUnit.MILLISECONDS), "a bad file is refused");

    Files.writeString(csv, "+49,gw1,0,1\n+49,gw2,1,1\n+1,gw2,0,1\n");
    LcrTable fixed = tables.poll(10, TimeUnit.SECONDS);
    assertEquals(List.of(5081, 5082), ports(fixed, "+4930"));
    assertEquals(List.of(5082), ports(fixed, "+1212"));
    assertEquals(List.of(5081), ports(LcrTable.of(lcr), "+4930"), "the config it started from is left as it was");
  }
}
