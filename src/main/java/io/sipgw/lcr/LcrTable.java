package io.sipgw.lcr;

import io.sipgw.config.Failover;
import io.sipgw.config.LcrConfig;
import io.sipgw.config.TimeWindow;
import io.sipgw.sip.SipUri;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * The least-cost routing table of one config version: immutable, built once by {@link #of} and swapped
 * whole on reload; {@link #match} is safe from any thread and allocates only its result.
 *
 * <p>The prefixes are a digit trie ('0'..'9' and a leading '+') in flat arrays: {@code next[node * 11 + symbol]}
 * is a child, {@code up[node]} the nearest shorter prefix that has rules. A match walks the Request-URI
 * user as given (it stops at the first character that is not a digit or a leading '+') to the longest
 * prefix with rules, and falls back along {@code up} while none of a prefix's rules holds (From prefix,
 * domain, time window). Rules of one prefix with the same conditions are merged into one group when the
 * table is built, so a rules file with one gateway a line costs no more at match time than one rule.
 */
public final class LcrTable {
  private static final Logger LOG = Logger.getLogger(LcrTable.class.getName());
  private static final int SYMBOLS = 11; // '0'..'9', '+'
  private static final int PLUS = 10;

  /** No rules: every match is empty. */
  public static final LcrTable EMPTY = of(LcrConfig.NONE);

  private final int[] next;
  private final Group[][] groups; // by node: the rule groups of that prefix, or null
  private final int[] up;
  private final int nodes;
  private final int prefixes;
  private final int rules;
  private final Failover failover;

  /** Rules of one prefix with the same conditions, their targets merged and ordered by priority. */
  private static final class Group {
    final String fromPrefix;
    final String domain;
    final TimeWindow time;
    final List<LcrConfig.Target> collected = new ArrayList<>();
    SipUri[] uris;
    int[] priorities;
    int[] weights;
    boolean ties; // two targets share a priority: the weights decide their order

    Group(LcrConfig.Rule r) {
      fromPrefix = r.fromPrefix();
      domain = r.domain();
      time = r.time();
    }

    boolean sameConditions(LcrConfig.Rule r) {
      return Objects.equals(fromPrefix, r.fromPrefix()) && Objects.equals(time, r.time())
          && (domain == null ? r.domain() == null : domain.equalsIgnoreCase(r.domain()));
    }

    boolean holds(String fromUser, String requestDomain, long epochMillis) {
      return (fromPrefix == null || (fromUser != null && fromUser.startsWith(fromPrefix)))
          && (domain == null || domain.equalsIgnoreCase(requestDomain))
          && (time == null || time.contains(epochMillis));
    }

    void compile(LcrConfig config) {
      List<LcrConfig.Target> targets = distinct(collected);
      int n = targets.size();
      uris = new SipUri[n];
      priorities = new int[n];
      weights = new int[n];
      for (int i = 0; i < n; i++) {
        LcrConfig.Target t = targets.get(i);
        uris[i] = config.gateway(t.gateway()).uri();
        priorities[i] = t.priority();
        weights[i] = t.weight();
        if (i > 0 && priorities[i] == priorities[i - 1]) ties = true;
      }
      collected.clear();
    }
  }

  private LcrTable(int[] next, Group[][] groups, int[] up, int nodes, int prefixes, int rules, Failover failover) {
    this.next = next;
    this.groups = groups;
    this.up = up;
    this.nodes = nodes;
    this.prefixes = prefixes;
    this.rules = rules;
    this.failover = failover;
  }

  /**
   * Builds the table of {@code config}: its {@code rules} and those of its {@code rulesFile}, which must
   * have been loaded ({@link LcrConfig#loadRulesFile()}, done by {@code SipgwConfig.checkFiles()}).
   */
  public static LcrTable of(LcrConfig config) {
    List<LcrConfig.Rule> all = config.rules();
    int capacity = 64;
    int[] next = new int[capacity * SYMBOLS];
    int[] parent = new int[capacity];
    Group[][] groups = new Group[capacity][];
    int nodes = 1; // node 0: the empty prefix
    int prefixes = 0;
    for (LcrConfig.Rule r : all) {
      String p = r.prefix();
      int node = 0;
      for (int i = 0; i < p.length(); i++) {
        int s = symbol(p.charAt(i), i);
        int child = next[node * SYMBOLS + s];
        if (child == 0) {
          if (nodes == capacity) {
            capacity *= 2;
            next = Arrays.copyOf(next, capacity * SYMBOLS);
            parent = Arrays.copyOf(parent, capacity);
            groups = Arrays.copyOf(groups, capacity);
          }
          child = nodes++;
          next[node * SYMBOLS + s] = child;
          parent[child] = node;
        }
        node = child;
      }
      Group[] at = groups[node];
      if (at == null) prefixes++;
      Group g = null;
      for (int i = 0; at != null && i < at.length && g == null; i++) if (at[i].sameConditions(r)) g = at[i];
      if (g == null) {
        g = new Group(r);
        at = at == null ? new Group[1] : Arrays.copyOf(at, at.length + 1);
        at[at.length - 1] = g;
        groups[node] = at;
      }
      g.collected.addAll(r.targets());
    }
    int[] up = new int[nodes];
    up[0] = -1;
    for (int n = 1; n < nodes; n++) { // a parent always has a lower number than its children
      int p = parent[n];
      up[n] = groups[p] != null ? p : up[p];
    }
    for (int n = 0; n < nodes; n++) if (groups[n] != null) for (Group g : groups[n]) g.compile(config);
    return new LcrTable(Arrays.copyOf(next, nodes * SYMBOLS), Arrays.copyOf(groups, nodes), up, nodes, prefixes, all.size(),
        config.failover());
  }

  /**
   * Loads {@code config}'s rules file when that has not been done and builds the table, off the event
   * loop (a worker thread; a large table takes a while), logging one line that names {@code cause}
   * (e.g. "start", "reload"). Fails with the {@code ConfigException} of a bad rules file.
   */
  public static Future<LcrTable> load(Vertx vertx, LcrConfig config, String cause) {
    return vertx.executeBlocking(() -> {
      long start = System.nanoTime();
      config.loadRulesFile();
      LcrTable table = of(config);
      long ms = (System.nanoTime() - start) / 1_000_000;
      // a config without lcr has nothing to say at each start
      LOG.log(table.rules == 0 ? java.util.logging.Level.FINE : java.util.logging.Level.INFO, () -> "LCR table (" + cause + ") built in " + ms
          + " ms: " + table.rules + " rules, " + table.prefixes + " prefixes, " + config.gateways().size() + " gateways");
      return table;
    }, false);
  }

  private static int symbol(char c, int index) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c == '+' && index == 0) return PLUS;
    return -1;
  }

  /** The targets without a gateway listed twice (the first, lowest priority, kept), ordered by priority. */
  private static List<LcrConfig.Target> distinct(List<LcrConfig.Target> targets) {
    List<LcrConfig.Target> sorted = new ArrayList<>(targets);
    sorted.sort((a, b) -> Integer.compare(a.priority(), b.priority())); // stable
    List<LcrConfig.Target> out = new ArrayList<>(sorted.size());
    for (LcrConfig.Target t : sorted) {
      boolean seen = false;
      for (LcrConfig.Target o : out) seen |= o.gateway().equals(t.gateway());
      if (!seen) out.add(t);
    }
    return out;
  }

  /**
   * The gateways to try, in order, for a request to {@code ruriUser} (the Request-URI user, matched as
   * given) from {@code fromUser} (may be null) at {@code domain} (the Request-URI host, may be null) at
   * {@code epochMillis}: those of the longest prefix that has a rule whose conditions hold (the rules of
   * that prefix that hold, merged), by priority, lower first, and within one priority in a random order
   * weighted by weight. Empty when no rule matches.
   */
  public List<SipUri> match(String ruriUser, String fromUser, String domain, long epochMillis) {
    int node = 0;
    int best = groups[0] != null ? 0 : -1;
    if (ruriUser != null) {
      for (int i = 0; i < ruriUser.length(); i++) {
        int s = symbol(ruriUser.charAt(i), i);
        if (s < 0) break;
        int child = next[node * SYMBOLS + s];
        if (child == 0) break;
        node = child;
        if (groups[node] != null) best = node;
      }
    }
    for (int n = best; n >= 0; n = up[n]) {
      List<SipUri> found = targets(groups[n], fromUser, domain, epochMillis);
      if (found != null) return found;
    }
    return List.of();
  }

  /** The ordered targets of the groups that hold, or null when none holds. */
  private static List<SipUri> targets(Group[] at, String fromUser, String domain, long epochMillis) {
    Group only = null;
    int holding = 0;
    for (Group g : at) {
      if (g.holds(fromUser, domain, epochMillis)) {
        holding++;
        only = g;
      }
    }
    if (holding == 0) return null;
    if (holding == 1) return ordered(only.uris.clone(), only.priorities, only.ties ? only.weights.clone() : null);
    int size = 0;
    for (Group g : at) if (g.holds(fromUser, domain, epochMillis)) size += g.uris.length;
    SipUri[] uris = new SipUri[size];
    int[] priorities = new int[size];
    int[] weights = new int[size];
    int n = 0;
    for (Group g : at) {
      if (!g.holds(fromUser, domain, epochMillis)) continue;
      for (int i = 0; i < g.uris.length; i++) n = insert(uris, priorities, weights, n, g.uris[i], g.priorities[i], g.weights[i]);
    }
    return ordered(Arrays.copyOf(uris, n), priorities, weights);
  }

  /** Adds a target in priority order (after those of the same priority) unless its gateway is there; returns the new count. */
  private static int insert(SipUri[] uris, int[] priorities, int[] weights, int n, SipUri uri, int priority, int weight) {
    for (int i = 0; i < n; i++) if (uris[i].equals(uri)) return n;
    int at = n;
    while (at > 0 && priorities[at - 1] > priority) {
      uris[at] = uris[at - 1];
      priorities[at] = priorities[at - 1];
      weights[at] = weights[at - 1];
      at--;
    }
    uris[at] = uri;
    priorities[at] = priority;
    weights[at] = weight;
    return n + 1;
  }

  /**
   * {@code uris} (ordered by {@code priorities}) with each run of one priority put in a weighted random
   * order, in place; {@code weights} is a scratch copy, null when no two priorities are the same.
   */
  private static List<SipUri> ordered(SipUri[] uris, int[] priorities, int[] weights) {
    if (weights != null) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      int start = 0;
      while (start < uris.length) {
        int end = start + 1;
        while (end < uris.length && priorities[end] == priorities[start]) end++;
        for (int i = start; i < end - 1; i++) { // pick the next one among [i, end) by weight
          long total = 0;
          for (int j = i; j < end; j++) total += weights[j];
          long r = random.nextLong(total);
          int j = i;
          while (r >= weights[j]) r -= weights[j++];
          SipUri u = uris[i];
          uris[i] = uris[j];
          uris[j] = u;
          int w = weights[i];
          weights[i] = weights[j];
          weights[j] = w;
        }
        start = end;
      }
    }
    return Collections.unmodifiableList(Arrays.asList(uris));
  }

  /** When to go on to the next gateway ({@code lcr.failover}). */
  public Failover failover() { return failover; }

  /** The number of distinct prefixes with rules. */
  public int prefixes() { return prefixes; }

  /** The number of rules it was built from. */
  public int rules() { return rules; }

  @Override public String toString() {
    return "LcrTable[" + rules + " rules, " + prefixes + " prefixes, " + nodes + " trie nodes]";
  }
}
