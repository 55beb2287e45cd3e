package io.sipgw.lb;

import io.sipgw.config.DispatcherConfig;
import io.sipgw.config.Failover;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipUri;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The dispatcher's destination sets of this node ({@code dispatcher.sets}), as Kamailio's dispatcher
 * module keeps them: {@link #select} picks a destination for a request by the set's algorithm (round
 * robin, weighted, hash of Call-ID / From user / Request-URI, least calls) and lists the others that
 * are up for failover; {@link Prober} marks destinations down and up. One instance per node, used by
 * every routing event loop at once: the sets are an immutable snapshot swapped whole on
 * {@link #reload}, and the state of each destination is held in atomics, so nothing locks.
 */
public final class DestinationSets {
  private volatile Map<String, Pool> pools;
  private final List<Runnable> reloaded = new CopyOnWriteArrayList<>();

  public DestinationSets(DispatcherConfig config) { this.pools = build(config, Map.of()); }

  /**
   * For a request to set {@code set}: the chosen destination first, then every other destination
   * that is up, in failover order. Empty when none is up or there is no such set.
   */
  public List<Destination> select(String set, SipRequest req) {
    Pool p = pools.get(set);
    return p == null ? List.of() : p.select(req);
  }

  /** Whether a set of this name is configured. */
  public boolean has(String set) { return pools.containsKey(set); }

  /** On what a request to {@code set} moves on to the next destination; null when there is no such set. */
  public Failover failover(String set) {
    Pool p = pools.get(set);
    return p == null ? null : p.config.failover();
  }

  /**
   * Applies new sets. A destination whose set name and URI are unchanged keeps its state (up or down,
   * calls in progress, probe counts); a new one starts up; one of a set without probing is up.
   * Requests being routed keep the destinations they were given.
   */
  public void reload(DispatcherConfig config) {
    pools = build(config, pools);
    for (Runnable r : reloaded) r.run();
  }

  /** Stops telling anyone of reloads. */
  public void close() { reloaded.clear(); }

  /** Every set's destinations: URI, weight, up, calls in progress (for the console and the logs). */
  public JsonArray status() {
    JsonArray a = new JsonArray();
    for (Pool p : pools.values()) {
      JsonArray d = new JsonArray();
      for (Member m : p.members) {
        d.add(new JsonObject().put("uri", m.uri().toString()).put("weight", m.weight()).put("up", m.up()).put("calls", m.activeCalls()));
      }
      a.add(new JsonObject().put("name", p.config.name()).put("algorithm", p.config.algorithm().configName()).put("destinations", d));
    }
    return a;
  }

  /**
   * Marks destination {@code uri} of set {@code set} up or down, as a probe would (an operator's
   * {@code dispatcher.set_state}); probing goes on and may change it again. Returns whether the state
   * changed; throws IllegalArgumentException, saying what, when there is no such set or destination.
   */
  public boolean setState(String set, String uri, boolean up) {
    Pool p = pools.get(set);
    if (p == null) throw new IllegalArgumentException("no dispatcher set named \"" + set + "\" (sets: " + String.join(", ", pools.keySet()) + ")");
    SipUri u;
    try {
      u = SipUri.parse(uri);
    } catch (io.sipgw.sip.SipParseException e) {
      throw new IllegalArgumentException("not a SIP URI: \"" + uri + "\"");
    }
    for (Member m : p.members) {
      if (m.uri().equals(u) || m.uri().toString().equals(uri)) {
        boolean changed = m.health.up != up;
        m.health.up = up;
        return changed;
      }
    }
    throw new IllegalArgumentException("set \"" + set + "\" has no destination " + uri);
  }

  /** The sets now, by name, in config order. */
  Map<String, Pool> pools() { return pools; }

  /** {@code r} runs (on the thread that reloads) after each reload. */
  void onReload(Runnable r) { reloaded.add(r); }

  private static Map<String, Pool> build(DispatcherConfig config, Map<String, Pool> old) {
    Map<String, Pool> out = new LinkedHashMap<>();
    for (DispatcherConfig.DestinationSet s : config.sets()) {
      Map<SipUri, Member.Health> kept = new HashMap<>();
      Pool before = old.get(s.name());
      if (before != null) for (Member m : before.members) kept.put(m.uri(), m.health);
      Member[] members = new Member[s.destinations().size()];
      for (int i = 0; i < members.length; i++) {
        DispatcherConfig.Destination d = s.destinations().get(i);
        Member.Health h = kept.getOrDefault(d.uri(), new Member.Health());
        if (!s.probe().enabled()) h.up = true;
        members[i] = new Member(d.uri(), d.weight(), h);
      }
      out.put(s.name(), new Pool(s, members));
    }
    return Collections.unmodifiableMap(out);
  }
}
