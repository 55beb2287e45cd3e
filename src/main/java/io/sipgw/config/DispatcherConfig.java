package io.sipgw.config;

import io.sipgw.sip.SipUri;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Destination sets for load balancing ({@code dispatcher}), as Kamailio's dispatcher module: each set
 * names its destinations (PBXs, media servers …), how one is chosen for a request, how they are
 * probed with OPTIONS, and on what a request moves on to the next. Reloads at run time; the state of
 * a destination (up or down, calls in progress) outlives a reload that keeps its URI.
 *
 * @param sets the sets, by their unique names, in config order
 */
public record DispatcherConfig(List<DestinationSet> sets) {
  public static final int MAX_WEIGHT = 1000;

  public DispatcherConfig {
    sets = List.copyOf(sets);
  }

  public static DispatcherConfig defaults() { return new DispatcherConfig(List.of()); }

  /** How a set chooses the destination of a request. */
  public enum Algorithm {
    /** Each in turn. */
    ROUND_ROBIN("roundRobin"),
    /** Each in proportion to its weight (smooth weighted round robin). */
    WEIGHTED("weighted"),
    /** By a hash of {@link HashOn}: the same key, the same destination while it is up. */
    HASH("hash"),
    /** The one with the fewest calls in progress. */
    LEAST_CALLS("leastCalls");

    private final String configName;

    Algorithm(String configName) { this.configName = configName; }

    public String configName() { return configName; }
  }

  /** What {@link Algorithm#HASH} hashes. */
  public enum HashOn {
    CALL_ID("callId"), FROM_USER("fromUser"), REQUEST_URI("requestUri");

    private final String configName;

    HashOn(String configName) { this.configName = configName; }

    public String configName() { return configName; }
  }

  /** One destination: a SIP URI, and its share of the calls with {@link Algorithm#WEIGHTED}. */
  public record Destination(SipUri uri, int weight) {
    JsonObject toJson() { return new JsonObject().put("uri", uri.toString()).put("weight", weight); }
  }

  /**
   * OPTIONS probing of a set's destinations.
   *
   * @param interval seconds between two probes of a destination (also how long a probe may wait for
   *     its answer); 0: not probed, every destination stays up
   * @param failures consecutive failed probes that take an up destination down
   * @param successes consecutive answered probes that bring a down destination up
   * @param method the probe's method (OPTIONS)
   */
  public record Probe(int interval, int failures, int successes, String method) {
    public static final Probe OFF = new Probe(0, 2, 1, "OPTIONS");

    public boolean enabled() { return interval > 0; }

    JsonObject toJson() {
      return new JsonObject().put("interval", interval).put("failures", failures).put("successes", successes).put("method", method);
    }
  }

  /**
   * One destination set.
   *
   * @param name what {@code dispatch} actions name it by
   * @param algorithm how a destination is chosen
   * @param hashOn what {@link Algorithm#HASH} hashes (callId by default)
   * @param destinations the destinations, in config order (also the failover order of round robin)
   * @param probe how they are probed
   * @param failover on what a request moves on to the next destination
   */
  public record DestinationSet(String name, Algorithm algorithm, HashOn hashOn, List<Destination> destinations, Probe probe,
      Failover failover) {
    public DestinationSet {
      destinations = List.copyOf(destinations);
    }

    JsonObject toJson() {
      JsonArray d = new JsonArray();
      destinations.forEach(x -> d.add(x.toJson()));
      JsonObject j = new JsonObject().put("name", name).put("algorithm", algorithm.configName());
      if (algorithm == Algorithm.HASH) j.put("hashOn", hashOn.configName());
      return j.put("destinations", d).put("probe", probe.toJson()).put("failover", failover.toJson());
    }
  }

  /** The set named {@code name}, or null. */
  public DestinationSet set(String name) {
    for (DestinationSet s : sets) if (s.name().equals(name)) return s;
    return null;
  }

  static DispatcherConfig read(ConfigObject o) {
    JsonArray a = o.array("sets");
    o.rejectUnknownKeys();
    List<DestinationSet> sets = new ArrayList<>();
    if (a == null) return new DispatcherConfig(sets);
    Map<String, String> names = new HashMap<>();
    for (int i = 0; i < a.size(); i++) {
      String key = o.key("sets") + "[" + i + "]";
      if (!(a.getValue(i) instanceof JsonObject s)) {
        throw new ConfigException(key, "must be an object like {\"name\": \"pbx\", \"destinations\": [{\"uri\": \"sip:10.0.0.5\"}]}, got "
            + ConfigObject.describe(a.getValue(i)));
      }
      DestinationSet set = readSet(new ConfigObject(key, s));
      String first = names.putIfAbsent(set.name(), key);
      if (first != null) throw new ConfigException(key + ".name", "\"" + set.name() + "\" is already the name of " + first);
      sets.add(set);
    }
    return new DispatcherConfig(sets);
  }

  private static DestinationSet readSet(ConfigObject o) {
    String name = o.string("name", null);
    if (name == null) throw new ConfigException(o.key("name"), "is required: the name dispatch actions use, e.g. \"pbx\"");
    Algorithm algorithm = named(o, "algorithm", Algorithm.values(), Algorithm.ROUND_ROBIN, Algorithm::configName);
    HashOn hashOn = named(o, "hashOn", HashOn.values(), HashOn.CALL_ID, HashOn::configName);
    if (o.has("hashOn") && algorithm != Algorithm.HASH) {
      throw new ConfigException(o.key("hashOn"), "applies to \"algorithm\": \"hash\" only (this set's is \"" + algorithm.configName() + "\")");
    }
    JsonArray a = o.array("destinations");
    if (a == null || a.isEmpty()) throw new ConfigException(o.key("destinations"), "needs at least one destination, e.g. [{\"uri\": \"sip:10.0.0.5:5060\"}]");
    List<Destination> destinations = new ArrayList<>();
    Map<SipUri, Integer> seen = new HashMap<>();
    for (int i = 0; i < a.size(); i++) {
      String key = o.key("destinations") + "[" + i + "]";
      if (!(a.getValue(i) instanceof JsonObject d)) {
        throw new ConfigException(key, "must be an object like {\"uri\": \"sip:10.0.0.5:5060\", \"weight\": 1}, got " + ConfigObject.describe(a.getValue(i)));
      }
      Destination dest = readDestination(new ConfigObject(key, d));
      Integer first = seen.putIfAbsent(dest.uri(), i);
      if (first != null) throw new ConfigException(key + ".uri", "\"" + dest.uri() + "\" is already " + o.key("destinations") + "[" + first + "]");
      destinations.add(dest);
    }
    Probe probe = readProbe(ConfigObject.at(o, "probe"));
    Failover failover = Failover.parse(o.key("failover"), o.value("failover"));
    o.rejectUnknownKeys();
    return new DestinationSet(name, algorithm, hashOn, destinations, probe, failover);
  }

  private static Destination readDestination(ConfigObject o) {
    SipUri uri = o.sipUri("uri");
    if (uri == null) throw new ConfigException(o.key("uri"), "is required: the destination's SIP URI, e.g. \"sip:10.0.0.5:5060\"");
    if (uri.headers() != null) throw new ConfigException(o.key("uri"), "must not have headers (?…), got \"" + uri + "\"");
    int weight = o.integer("weight", 1, 1, MAX_WEIGHT);
    o.rejectUnknownKeys();
    return new Destination(uri, weight);
  }

  private static Probe readProbe(ConfigObject o) {
    int interval = o.integer("interval", Probe.OFF.interval(), 0, 3600);
    int failures = o.integer("failures", Probe.OFF.failures(), 1, 100);
    int successes = o.integer("successes", Probe.OFF.successes(), 1, 100);
    String method = o.string("method", Probe.OFF.method());
    if (!method.equals("OPTIONS")) throw new ConfigException(o.key("method"), "must be \"OPTIONS\" (the only probe method), got \"" + method + "\"");
    o.rejectUnknownKeys();
    return new Probe(interval, failures, successes, method);
  }

  private static <E> E named(ConfigObject o, String key, E[] values, E defaultValue, java.util.function.Function<E, String> name) {
    String text = o.string(key, name.apply(defaultValue));
    List<String> names = new ArrayList<>();
    for (E v : values) {
      if (name.apply(v).equals(text)) return v;
      names.add("\"" + name.apply(v) + "\"");
    }
    throw new ConfigException(o.key(key), "must be one of " + String.join(", ", names) + ", got \"" + text + "\"");
  }

  JsonObject toJson() {
    JsonArray a = new JsonArray();
    sets.forEach(s -> a.add(s.toJson()));
    return new JsonObject().put("sets", a);
  }
}
