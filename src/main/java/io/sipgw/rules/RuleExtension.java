package io.sipgw.rules;

import java.util.Map;
import java.util.function.Function;

/**
 * Custom actions and conditions for the route rules, from a jar on the class path: a class that
 * implements this interface, named in {@code META-INF/services/io.sipgw.rules.RuleExtension}, found
 * with {@link java.util.ServiceLoader} when the rules are compiled. Each name is a key the rules may
 * then use ({@code {"tenant": {"header": "X-Tenant"}}} as an action, or in a {@code when}); the
 * function gets the key's JSON value (a JsonObject, JsonArray, String, Number, Boolean or null) and
 * returns the compiled step, or throws {@link IllegalArgumentException} with what is wrong, which the
 * config check reports with the key's path. A name of the built-in language cannot be taken.
 */
public interface RuleExtension {
  /** Action names this extension adds, each with the function that compiles its argument. */
  default Map<String, Function<Object, Action>> actions() { return Map.of(); }

  /** Condition names this extension adds, each with the function that compiles its argument. */
  default Map<String, Function<Object, Condition>> conditions() { return Map.of(); }
}
