package io.sipgw.rules;

import java.util.Map;
import java.util.function.Function;

/**
 * A rule extension with faults, for the config check's sake: its compile functions throw what an
 * extension should not ({@code faultyAction}, {@code faultyCondition}) or make no step ({@code nullAction}).
 */
public final class FaultyRuleExtension implements RuleExtension {
  @Override
  public Map<String, Function<Object, Action>> actions() {
    return Map.of("faultyAction", arg -> {
      throw new NullPointerException("arg.get(\"x\") is null");
    }, "nullAction", arg -> null);
  }

  @Override
  public Map<String, Function<Object, Condition>> conditions() {
    return Map.of("faultyCondition", arg -> {
      throw new IllegalStateException("not ready");
    });
  }
}
