package io.sipgw.ban;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.BanConfig;
import io.sipgw.config.Cidr;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class SourceGuardTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final AtomicReference<BanConfig> cfg = new AtomicReference<>(
      new BanConfig(100, 1, 3, 60, 300, List.of(Cidr.parse("10.9.0.0/16"))));
  private final SourceGuard guard = new SourceGuard(cfg::get, now::get);

  @Test
  void aSourceAboveTheRateIsBannedForTheBanTimeThenLetIn() {
    for (int i = 0; i < 100; i++) assertTrue(guard.admit("192.0.2.1"));
    assertFalse(guard.admit("192.0.2.1"), "the 101st within a second");
    assertTrue(guard.admit("192.0.2.2"), "another source is not concerned");
    now.addAndGet(299_999);
    assertFalse(guard.admit("192.0.2.1"), "still banned");
    now.addAndGet(1);
    assertTrue(guard.admit("192.0.2.1"), "the ban expired by itself");
  }

  @Test
  void theBansInForceAreListedAndAnOperatorLiftsOne() {
    for (int i = 0; i <= 100; i++) guard.admit("192.0.2.9");
    assertEquals(java.util.Map.of("192.0.2.9", 1_000_000L + 300_000), guard.bans());
    assertTrue(guard.unban("192.0.2.9"));
    assertEquals(java.util.Map.of(), guard.bans());
    assertTrue(guard.admit("192.0.2.9"), "let in again, its count started over");
    assertFalse(guard.unban("192.0.2.9"), "not banned any more");
  }

  @Test
  void theCountStartsOverEachInterval() {
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 100; i++) assertTrue(guard.admit("192.0.2.3"));
      now.addAndGet(1000);
    }
  }

  @Test
  void failedAuthenticationsBanTheirSource() {
    guard.authFailed("192.0.2.4");
    guard.authFailed("192.0.2.4");
    assertTrue(guard.admit("192.0.2.4"));
    guard.authFailed("192.0.2.4");
    assertFalse(guard.admit("192.0.2.4"), "three failures within a minute");
    guard.authFailed("192.0.2.5");
    now.addAndGet(61_000);
    guard.authFailed("192.0.2.5");
    guard.authFailed("192.0.2.5");
    assertTrue(guard.admit("192.0.2.5"), "failures spread over more than the window");
  }

  @Test
  void exemptSourcesAndAZeroLimitNeverBan() {
    for (int i = 0; i < 1000; i++) assertTrue(guard.admit("10.9.1.1"));
    for (int i = 0; i < 10; i++) guard.authFailed("10.9.1.1");
    assertTrue(guard.admit("10.9.1.1"));
    cfg.set(new BanConfig(0, 1, 0, 60, 300, List.of()));
    for (int i = 0; i < 1000; i++) assertTrue(guard.admit("192.0.2.6"));
  }

  @Test
  void scannersAreDroppedAndBannedOnlyWhenConfigured() {
    assertTrue(guard.admitAgent("192.0.2.8", () -> "friendly-scanner"), "off by default");
    cfg.set(new BanConfig(100, 1, 3, 60, 300, List.of(Cidr.parse("10.9.0.0/16")), true, BanConfig.DEFAULT_SCANNERS, BanConfig.DEFAULT_MAX_CONNECTIONS,
        BanConfig.DEFAULT_MAX_TRANSACTIONS));
    assertTrue(guard.admitAgent("192.0.2.8", () -> "Linphone/5.0"));
    assertTrue(guard.admitAgent("192.0.2.8", () -> null));
    assertFalse(guard.admitAgent("192.0.2.8", () -> "sipvicious/0.3.4"));
    assertFalse(guard.admit("192.0.2.8"), "and its source is banned");
    assertTrue(guard.admitAgent("10.9.0.1", () -> "friendly-scanner"), "exempt");
    assertFalse(guard.admitAgent("192.0.2.9", () -> "VaxSIPUserAgent/3.1"), "case-insensitive");
  }

  @Test
  void aBanIsLoggedOnceNotPerPacket() {
    Logger log = Logger.getLogger("sipgw.ban");
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    Handler h = new Handler() {
      @Override public void publish(LogRecord r) { if (r.getLevel().intValue() >= Level.INFO.intValue()) lines.add(r.getMessage()); }
      @Override public void flush() { }
      @Override public void close() { }
    };
    log.addHandler(h);
    try {
      for (int i = 0; i < 5000; i++) guard.admit("192.0.2.7");
      assertEquals(1, lines.stream().filter(l -> l.startsWith("banned 192.0.2.7 for 300 s")).count(), lines::toString);
    } finally {
      log.removeHandler(h);
    }
  }

  @Test
  void bansAreSharedThroughTheStoreBothWays() {
    List<String> shared = new java.util.ArrayList<>();
    AtomicReference<java.util.function.BiConsumer<String, Long>> fromCluster = new AtomicReference<>();
    BanStore store = new BanStore() {
      @Override
      public void add(String ip, long until) { shared.add(ip + " " + until); }

      @Override
      public void start(java.util.function.BiConsumer<String, Long> onBan) { fromCluster.set(onBan); }

      @Override
      public io.vertx.core.Future<Void> close() { return io.vertx.core.Future.succeededFuture(); }
    };
    SourceGuard node = new SourceGuard(cfg::get, now::get, store);
    for (int i = 0; i < 3; i++) node.authFailed("192.0.2.30");
    assertEquals(List.of("192.0.2.30 " + (now.get() + 300_000)), shared, "this node's ban, shared until it ends");

    fromCluster.get().accept("192.0.2.31", now.get() + 5_000);
    assertFalse(node.admit("192.0.2.31"), "another node's ban is in force here");
    fromCluster.get().accept("10.9.0.7", now.get() + 5_000);
    assertTrue(node.admit("10.9.0.7"), "not an address this node exempts");
    fromCluster.get().accept("192.0.2.32", now.get() - 1);
    assertTrue(node.admit("192.0.2.32"), "not a ban that has ended");
    fromCluster.get().accept("192.0.2.30", now.get() + 1_000);
    now.addAndGet(2_000);
    assertFalse(node.admit("192.0.2.30"), "a shorter ban from the cluster does not shorten this node's own");
    now.addAndGet(5_000);
    assertTrue(node.admit("192.0.2.31"), "the shared ban ended by itself");
  }
}
