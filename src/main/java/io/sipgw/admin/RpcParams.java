package io.sipgw.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The params of one call: by position (an array) or by name (an object), read each with both its
 * position and its name, so {@code ["alice@example.com"]} and {@code {"aor": "alice@example.com"}}
 * mean the same. A missing or mistyped param is an {@link RpcException#invalidParams} naming it.
 */
public final class RpcParams {
  private final JsonArray positional;
  private final JsonObject named;

  RpcParams(Object params) {
    this.positional = params instanceof JsonArray a ? a : null;
    this.named = params instanceof JsonObject o ? o : null;
  }

  /** The value at {@code index} or named {@code name}; null when absent. */
  public Object value(int index, String name) {
    if (positional != null) return index < positional.size() ? positional.getValue(index) : null;
    return named != null ? named.getValue(name) : null;
  }

  /** How many params were given. */
  public int size() { return positional != null ? positional.size() : named != null ? named.size() : 0; }

  public String string(int index, String name) {
    String s = optionalString(index, name);
    if (s == null) throw RpcException.invalidParams("missing param " + describe(index, name));
    return s;
  }

  public String optionalString(int index, String name) {
    Object v = value(index, name);
    if (v == null) return null;
    if (!(v instanceof String s) || s.isBlank()) throw RpcException.invalidParams("param " + describe(index, name) + " must be a non-empty string");
    return s;
  }

  public long integer(int index, String name, long defaultValue, long min, long max) {
    Object v = value(index, name);
    if (v == null) {
      if (defaultValue < min) throw RpcException.invalidParams("missing param " + describe(index, name));
      return defaultValue;
    }
    long n;
    if (v instanceof Integer || v instanceof Long || v instanceof Short) n = ((Number) v).longValue();
    else if (v instanceof String s && s.matches("-?[0-9]{1,18}")) n = Long.parseLong(s);
    else throw RpcException.invalidParams("param " + describe(index, name) + " must be an integer");
    if (n < min || n > max) throw RpcException.invalidParams("param " + describe(index, name) + " must be between " + min + " and " + max);
    return n;
  }

  public double number(int index, String name, double defaultValue, double min, double max) {
    Object v = value(index, name);
    if (v == null) return defaultValue;
    double d;
    if (v instanceof Number x) d = x.doubleValue();
    else if (v instanceof String s) {
      try {
        d = Double.parseDouble(s);
      } catch (NumberFormatException e) {
        throw RpcException.invalidParams("param " + describe(index, name) + " must be a number");
      }
    } else throw RpcException.invalidParams("param " + describe(index, name) + " must be a number");
    if (!(d >= min && d <= max)) throw RpcException.invalidParams("param " + describe(index, name) + " must be between " + min + " and " + max);
    return d;
  }

  /** Refuses more positional params than {@code max}, and named ones not among {@code names}. */
  public void atMost(String... names) {
    if (positional != null && positional.size() > names.length) {
      throw RpcException.invalidParams("at most " + names.length + " param(s): " + String.join(", ", names));
    }
    if (named != null) {
      for (String k : named.fieldNames()) {
        if (!java.util.List.of(names).contains(k)) throw RpcException.invalidParams("unknown param \"" + k + "\" (known: " + String.join(", ", names) + ")");
      }
    }
  }

  private static String describe(int index, String name) { return name + " (#" + (index + 1) + ")"; }
}
