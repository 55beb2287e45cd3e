package io.sipgw.rules;

import io.sipgw.config.ConfigException;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** The custom actions and conditions of the {@link RuleExtension}s on the class path, found once. */
final class Extensions {
  private static volatile Extensions loaded;

  private final Map<String, Function<Object, Action>> actions = new TreeMap<>();
  private final Map<String, Function<Object, Condition>> conditions = new TreeMap<>();

  private Extensions() { }

  /** The extensions on the class path (a name taken twice, or one of the built-in language, is a config error). */
  static Extensions loaded() {
    Extensions found = loaded;
    if (found == null) {
      Extensions e = new Extensions();
      for (RuleExtension x : ServiceLoader.load(RuleExtension.class)) {
        String by = x.getClass().getName();
        x.actions().forEach((n, f) -> e.add(e.actions, n, f, Actions.BUILT_IN, by));
        x.conditions().forEach((n, f) -> e.add(e.conditions, n, f, Set.of(Conditions.KNOWN.split(", ")), by));
      }
      loaded = found = e;
    }
    return found;
  }

  private <T> void add(Map<String, T> into, String name, T f, Set<String> builtIn, String by) {
    if (builtIn.contains(name)) throw new ConfigException("routes", "rule extension " + by + " takes the built-in name \"" + name + "\"");
    if (into.putIfAbsent(name, f) != null) throw new ConfigException("routes", "rule extension " + by + " takes \"" + name + "\", which another extension has");
  }

  /**
   * What an extension's {@code compile} makes of the argument at {@code key}: its refusal
   * ({@link IllegalArgumentException}), any other exception, or a null step is an error naming the key,
   * so that a faulty extension cannot fail a reload in a way the config check does not report.
   */
  static <T> T compiled(String key, Function<Object, T> compile, Object arg) {
    T step;
    try {
      step = compile.apply(arg);
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, e.getMessage());
    } catch (RuntimeException e) {
      throw new ConfigException(key, "the rule extension failed to compile it: " + e);
    }
    if (step == null) throw new ConfigException(key, "the rule extension compiled it to nothing (null)");
    return step;
  }

  Function<Object, Action> action(String name) { return actions.get(name); }

  Function<Object, Condition> condition(String name) { return conditions.get(name); }

  String actionNames() { return actions.isEmpty() ? "" : "; from extensions: " + String.join(", ", actions.keySet()); }

  String conditionNames() { return conditions.isEmpty() ? "" : "; from extensions: " + String.join(", ", conditions.keySet()); }
}
