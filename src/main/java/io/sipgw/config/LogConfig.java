package io.sipgw.config;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;

/**
 * Log levels per logger ({@code log.levels}, e.g. {@code {"sipgw.proxy": "FINE", "sipgw.rules": "INFO"}}),
 * reloadable: a level removed from the map goes back to its parent's; and the format of the lines
 * ({@code log.format}: {@value #TEXT}, or {@value #JSON} for one JSON object per line), reloadable.
 */
public record LogConfig(Map<String, Level> levels, String format) {
  public static final String TEXT = "text";
  public static final String JSON = "json";

  public LogConfig {
    levels = Map.copyOf(levels);
  }

  /** Whether lines are written as JSON objects ({@code log.format: "json"}). */
  public boolean json() { return JSON.equals(format); }

  static LogConfig read(ConfigObject o) {
    Object v = o.value("levels");
    Map<String, Level> levels = new TreeMap<>();
    if (v != null) {
      if (!(v instanceof JsonObject m)) throw new ConfigException(o.key("levels"), "must be an object of logger names and levels, e.g. {\"sipgw.proxy\": \"FINE\"}");
      for (String name : m.fieldNames()) {
        String key = o.key("levels") + "." + name;
        if (!(m.getValue(name) instanceof String level)) throw new ConfigException(key, "must be a level: SEVERE, WARNING, INFO, FINE, FINER, FINEST, ALL or OFF");
        try {
          levels.put(name, Level.parse(level.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new ConfigException(key, "unknown level \"" + level + "\" (SEVERE, WARNING, INFO, FINE, FINER, FINEST, ALL or OFF)");
        }
      }
    }
    String format = o.string("format", TEXT).toLowerCase(Locale.ROOT);
    if (!format.equals(TEXT) && !format.equals(JSON)) throw new ConfigException(o.key("format"), "must be \"text\" or \"json\", got \"" + format + "\"");
    o.rejectUnknownKeys();
    return new LogConfig(levels, format);
  }

  JsonObject toJson() {
    JsonObject l = new JsonObject();
    new TreeMap<>(levels).forEach((n, level) -> l.put(n, level.getName()));
    return new JsonObject().put("levels", l).put("format", format);
  }
}
