package io.sipgw.admin;

import io.vertx.core.Future;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;

/**
 * The JSON-RPC methods by name, each with a line of help. A method takes its {@link RpcParams} and
 * returns a future of its result (a JsonObject, JsonArray, string, number, boolean or null); it must
 * not block. It fails with an {@link RpcException} to choose the error code (bad params: -32602);
 * any other failure is an internal error (-32603) with its message.
 */
public final class RpcMethods {
  /** One method: its help line and what it does. */
  public record Method(String name, String help, Function<RpcParams, Future<?>> call) { }

  private final Map<String, Method> methods = new ConcurrentSkipListMap<>();

  public RpcMethods() {
    register("system.listMethods", "the methods, sorted", p -> Future.succeededFuture(new io.vertx.core.json.JsonArray(names())));
    register("system.methodHelp", "(method) the help line of a method", p -> {
      Method m = methods.get(p.string(0, "method"));
      if (m == null) throw RpcException.invalidParams("no method named " + p.string(0, "method"));
      return Future.succeededFuture(m.help());
    });
  }

  /** Adds (or replaces) method {@code name}. */
  public RpcMethods register(String name, String help, Function<RpcParams, Future<?>> call) {
    methods.put(name, new Method(name, help, call));
    return this;
  }

  /** The method named {@code name}, or null. */
  public Method get(String name) { return methods.get(name); }

  /** The names, sorted. */
  public java.util.List<String> names() { return java.util.List.copyOf(methods.keySet()); }

  /** Name to help line, sorted. */
  public Map<String, String> help() {
    Map<String, String> out = new TreeMap<>();
    methods.values().forEach(m -> out.put(m.name(), m.help()));
    return out;
  }
}
