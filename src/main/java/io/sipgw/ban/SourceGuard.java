package io.sipgw.ban;

import io.sipgw.config.BanConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Per-source flood and password-guessing protection (Kamailio's pike, and an htable of bans): every
 * received message is counted against its source address before it is parsed; a source above
 * {@code bans.maxRequests} per {@code bans.interval}, or with {@code bans.authFailures} failed
 * authentications within {@code bans.authWindow}, is banned for {@code bans.banTime}: its messages are
 * dropped unanswered until the ban expires by itself. Each ban is logged once, when it starts.
 * Thread-safe: every receiving loop calls it. Memory is bounded: past {@link #MAX_SOURCES} counted
 * sources (a flood of forged addresses) the counts start over. Bans are shared through a
 * {@link BanStore}: with Redis, a source banned on one node is banned on every node of the cluster.
 */
public final class SourceGuard {
  private static final Logger LOG = Logger.getLogger("sipgw.ban");
  static final int MAX_SOURCES = 200_000;

  /** Counts of one source within the current window (requests) and the auth window (failures). */
  private static final class Counts {
    long windowStart;
    int requests;
    long authStart;
    int failures;
    /** The settings {@link #exempt} was worked out for: an address is matched against the CIDRs once per version. */
    BanConfig seen;
    boolean exempt;

    synchronized boolean exempt(BanConfig cfg, String ip) {
      if (seen != cfg) {
        seen = cfg;
        exempt = cfg.exempts(ip);
      }
      return exempt;
    }
  }

  private final Supplier<BanConfig> settings;
  private final LongSupplier clock;
  private final Map<String, Counts> counts = new ConcurrentHashMap<>();
  private final Map<String, Long> bannedUntil = new ConcurrentHashMap<>();

  private final BanStore store;

  /** Bans on this node alone. */
  public SourceGuard(Supplier<BanConfig> settings, LongSupplier clock) { this(settings, clock, BanStore.LOCAL); }

  /** Bans shared through {@code store}, whose bans (this node's and the others') it starts taking. */
  public SourceGuard(Supplier<BanConfig> settings, LongSupplier clock, BanStore store) {
    this.settings = settings;
    this.clock = clock;
    this.store = store;
    store.start(this::sharedBan);
  }

  /**
   * A ban in force on the cluster (made here or by another node): in force here too until {@code until},
   * unless this node exempts the address; logged once when it is new here.
   */
  void sharedBan(String ip, long until) {
    long now = clock.getAsLong();
    if (until <= now || settings.get().exempts(ip)) return;
    if (!bannedUntil.containsKey(ip) && bannedUntil.size() >= MAX_SOURCES) return;
    Long before = bannedUntil.get(ip);
    bannedUntil.merge(ip, until, Math::max);
    if (before == null || before <= now) LOG.warning("banned " + ip + " for " + (until - now + 999) / 1000 + " s: banned by another node");
  }

  /** Whether a message from {@code ip} may be handled; false: drop it, unanswered. */
  public boolean admit(String ip) {
    long now = clock.getAsLong();
    if (!bannedUntil.isEmpty()) {
      Long until = bannedUntil.get(ip);
      if (until != null) {
        if (until > now) return false;
        bannedUntil.remove(ip, until);
        LOG.info("ban of " + ip + " expired");
      }
    }
    BanConfig cfg = settings.get();
    if (cfg.maxRequests() == 0) return true;
    Counts c = counted(ip);
    if (c.exempt(cfg, ip)) return true;
    long windowMillis = cfg.interval() * 1000L;
    int seen;
    synchronized (c) {
      if (now - c.windowStart >= windowMillis) {
        c.windowStart = now;
        c.requests = 0;
      }
      seen = ++c.requests;
    }
    if (seen <= cfg.maxRequests()) return true;
    ban(ip, now, cfg, seen + " messages within " + cfg.interval() + " s (bans.maxRequests " + cfg.maxRequests() + ")");
    return false;
  }

  /** A request from {@code ip} carried credentials that did not check out. */
  public void authFailed(String ip) {
    BanConfig cfg = settings.get();
    if (cfg.authFailures() == 0) return;
    Counts c = counted(ip);
    if (c.exempt(cfg, ip)) return;
    long now = clock.getAsLong();
    int failures;
    synchronized (c) {
      if (now - c.authStart >= cfg.authWindow() * 1000L) {
        c.authStart = now;
        c.failures = 0;
      }
      failures = ++c.failures;
    }
    if (failures >= cfg.authFailures()) {
      ban(ip, now, cfg, failures + " failed authentications within " + cfg.authWindow() + " s (bans.authFailures " + cfg.authFailures() + ")");
    }
  }

  /**
   * With {@code bans.dropScanners}: whether a request with the User-Agent {@code userAgentOf} gives (read only then) from {@code ip} may be
   * handled; one whose User-Agent names a scanner is not, and bans its source (exempt ones excepted).
   */
  public boolean admitAgent(String ip, Supplier<String> userAgentOf) {
    BanConfig cfg = settings.get();
    if (!cfg.dropScanners()) return true;
    String userAgent = userAgentOf.get();
    if (!cfg.isScanner(userAgent) || cfg.exempts(ip)) return true;
    ban(ip, clock.getAsLong(), cfg, "a scanner (User-Agent: " + userAgent + ")");
    return false;
  }

  /** How many addresses are banned now. */
  public int bannedCount() {
    long now = clock.getAsLong();
    int n = 0;
    for (Long until : bannedUntil.values()) if (until > now) n++;
    return n;
  }

  /** Whether {@code ip} is banned now. */
  public boolean banned(String ip) {
    Long until = bannedUntil.get(ip);
    return until != null && until > clock.getAsLong();
  }

  /** The bans in force now: address to when its ban ends (epoch milliseconds), a copy. */
  public Map<String, Long> bans() {
    long now = clock.getAsLong();
    Map<String, Long> out = new java.util.TreeMap<>();
    bannedUntil.forEach((ip, until) -> {
      if (until > now) out.put(ip, until);
    });
    return out;
  }

  /**
   * Lifts the ban of {@code ip} here and in the shared store (an operator's removal); its counts start
   * over. Returns whether it was banned. Another node that read the ban keeps it until it ends.
   */
  public boolean unban(String ip) {
    Long until = bannedUntil.remove(ip);
    counts.remove(ip);
    store.remove(ip);
    boolean was = until != null && until > clock.getAsLong();
    if (was) LOG.info("ban of " + ip + " lifted by an operator");
    return was;
  }

  private Counts counted(String ip) {
    if (counts.size() >= MAX_SOURCES) counts.clear();
    return counts.computeIfAbsent(ip, k -> new Counts());
  }

  private void ban(String ip, long now, BanConfig cfg, String why) {
    long until = now + cfg.banTime() * 1000L;
    if (bannedUntil.put(ip, until) == null) LOG.warning("banned " + ip + " for " + cfg.banTime() + " s: " + why);
    counts.remove(ip);
    store.add(ip, until);
  }
}
