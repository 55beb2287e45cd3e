package io.sipgw.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A domain sipgw is responsible for: its registrar accepts bindings for it and its proxy looks its
 * users up in the location service. Names and aliases are lower case, IPv6 literals without brackets.
 */
public record DomainConfig(String name, List<String> aliases, DomainMode mode) {
  public DomainConfig {
    Objects.requireNonNull(name, "name");
    aliases = List.copyOf(aliases);
    Objects.requireNonNull(mode, "mode");
  }

  static DomainConfig read(ConfigObject o) {
    if (!o.has("name")) throw new ConfigException(o.key("name"), "is required");
    String name = host(o, "name", o.string("name", null));
    List<String> aliases = new ArrayList<>();
    JsonArray a = o.array("aliases");
    if (a != null) {
      for (int i = 0; i < a.size(); i++) {
        String key = "aliases[" + i + "]";
        Object v = a.getValue(i);
        if (!(v instanceof String s) || s.isBlank()) throw new ConfigException(o.key(key), "must be a non-empty string, got " + ConfigObject.describe(v));
        aliases.add(host(o, key, s.trim()));
      }
    }
    String m = o.string("mode", "proxy");
    DomainMode mode = switch (m.toLowerCase(Locale.ROOT)) {
      case "proxy" -> DomainMode.PROXY;
      case "redirect" -> DomainMode.REDIRECT;
      default -> throw new ConfigException(o.key("mode"), "must be \"proxy\" or \"redirect\", got \"" + m + "\"");
    };
    o.rejectUnknownKeys();
    return new DomainConfig(name, aliases, mode);
  }

  private static String host(ConfigObject o, String key, String value) {
    if (!HostAndPort.isHost(value)) throw new ConfigException(o.key(key), "not an IP literal or hostname: \"" + value + "\"");
    return HostAndPort.normalize(value);
  }

  JsonObject toJson() {
    return new JsonObject().put("name", name).put("aliases", new JsonArray(new ArrayList<>(aliases)))
        .put("mode", mode.name().toLowerCase(Locale.ROOT));
  }
}
