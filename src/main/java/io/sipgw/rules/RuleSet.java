package io.sipgw.rules;

import io.sipgw.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The route rules ({@code routes}), compiled once per config version into blocks of steps. A request
 * goes through the blocks in order: each whose {@code when} holds runs its actions in turn, until one
 * ends the routing (forwards, answers or drops the request); a block marked {@code onlyWhenCalled}
 * runs only from a {@code route} or {@code failureRoute} action. Immutable: a reload compiles a new
 * set and swaps it whole, so a request keeps the rules it started with.
 */
public final class RuleSet {
  private final Block[] sequence;
  private final Map<String, Block> byName;
  private final JsonArray json;
  private final Map<String, String> dispatchSets;

  private RuleSet(Block[] sequence, Map<String, Block> byName, JsonArray json, Map<String, String> dispatchSets) {
    this.sequence = sequence;
    this.byName = byName;
    this.json = json;
    this.dispatchSets = dispatchSets;
  }

  /**
   * Compiles {@code routes} (the config's array at key {@code key}); throws {@link ConfigException}
   * naming the first bad key, e.g. {@code routes[2].actions[0].reply.code}.
   */
  public static RuleSet compile(String key, JsonArray routes) {
    Extensions ext = Extensions.loaded();
    Map<String, Block> byName = new LinkedHashMap<>();
    List<JsonObject> objects = new ArrayList<>();
    for (int i = 0; i < routes.size(); i++) {
      String k = key + "[" + i + "]";
      if (!(routes.getValue(i) instanceof JsonObject o)) throw new ConfigException(k, "must be a route block {\"name\": ..., \"when\": {...}, \"actions\": [...]}");
      Actions.only(k, o, "name", "when", "actions", "onlyWhenCalled");
      if (!(o.getValue("name") instanceof String name) || name.isBlank()) throw new ConfigException(k + ".name", "is required: the block's name");
      if (byName.containsKey(name)) throw new ConfigException(k + ".name", "\"" + name + "\" names another block already");
      Object only = o.getValue("onlyWhenCalled");
      if (only != null && !(only instanceof Boolean)) throw new ConfigException(k + ".onlyWhenCalled", "must be true or false");
      byName.put(name, new Block(name, Boolean.TRUE.equals(only)));
      objects.add(o);
    }
    Map<String, Set<String>> calls = new HashMap<>();
    Map<String, String> dispatchSets = new LinkedHashMap<>();
    int i = 0;
    for (Block b : byName.values()) {
      String k = key + "[" + i + "]";
      JsonObject o = objects.get(i++);
      b.when = Conditions.compile(k + ".when", o.getValue("when"), ext);
      if (!(o.getValue("actions") instanceof JsonArray a)) throw new ConfigException(k + ".actions", "is required: a list of actions");
      b.actions = new Action[a.size()];
      Set<String> called = calls.computeIfAbsent(b.name, n -> new HashSet<>());
      for (int j = 0; j < a.size(); j++) {
        String ak = k + ".actions[" + j + "]";
        String name = Actions.nameOf(ak, a.getValue(j));
        Object arg = a.getJsonObject(j).getValue(name);
        if (name.equals("route") && arg instanceof String target) called.add(target);
        b.actions[j] = Actions.compile(ak + "." + name, name, arg, byName::get, ext);
        if (b.actions[j] instanceof Actions.Dispatch d) dispatchSets.putIfAbsent(d.set(), ak + ".dispatch.set");
      }
    }
    for (String name : byName.keySet()) {
      String loop = cycle(name, calls, new ArrayList<>());
      if (loop != null) throw new ConfigException(key, "route blocks call each other without end: " + loop);
    }
    Block[] sequence = byName.values().stream().filter(b -> !b.onlyWhenCalled).toArray(Block[]::new);
    return new RuleSet(sequence, Map.copyOf(byName), routes.copy(), Map.copyOf(dispatchSets));
  }

  private static String cycle(String name, Map<String, Set<String>> calls, List<String> path) {
    if (path.contains(name)) {
      path.add(name);
      return String.join(" -> ", path.subList(path.indexOf(name), path.size()));
    }
    path.add(name);
    for (String next : calls.getOrDefault(name, Set.of())) {
      String loop = cycle(next, calls, path);
      if (loop != null) return loop;
    }
    path.remove(path.size() - 1);
    return null;
  }

  /**
   * Runs the rules on {@code x}: a future of true when no action ended the routing (the request fell
   * off the end of the rules), false when one did. A step that throws fails the future.
   */
  public Future<Boolean> run(Exchange x) { return Block.runAll(sequence, 0, x); }

  /** The block called {@code name}, or null. */
  public Action block(String name) { return byName.get(name); }

  /** The dispatcher sets the rules name, each with the key that names it first. */
  public Map<String, String> dispatchSets() { return dispatchSets; }

  /** The rules as configured. */
  public JsonArray json() { return json.copy(); }

  @Override public boolean equals(Object o) { return o instanceof RuleSet r && r.json.equals(json); }

  @Override public int hashCode() { return json.hashCode(); }

  /** One route block; filled in two passes, so that blocks can call those after them. */
  static final class Block implements Action {
    final String name;
    final boolean onlyWhenCalled;
    Condition when = Condition.ALWAYS;
    Action[] actions = new Action[0];

    Block(String name, boolean onlyWhenCalled) {
      this.name = name;
      this.onlyWhenCalled = onlyWhenCalled;
    }

    @Override
    public Future<Boolean> run(Exchange x) { return when.test(x) ? runAll(actions, 0, x) : NEXT; }

    /** Runs {@code steps} from {@code from}: synchronously while each answers at once, else when its future completes. */
    static Future<Boolean> runAll(Action[] steps, int from, Exchange x) {
      for (int i = from; i < steps.length; i++) {
        Future<Boolean> f = steps[i].run(x);
        if (f.isComplete()) {
          if (f.failed() || !f.result()) return f;
          continue;
        }
        int next = i + 1;
        return f.compose(go -> go ? runAll(steps, next, x) : END);
      }
      return NEXT;
    }

    @Override public String toString() { return "route block " + name; }
  }
}
