package io.sipgw.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Overrides of config keys from system properties and environment variables.
 *
 * <p>The key path is written after a prefix, with array indexes as path segments:
 * <pre>
 *   -Dsipgw.registrar.maxExpires=120      SIPGW_REGISTRAR_MAXEXPIRES=120
 *   -Dsipgw.listen.0.port=5070            SIPGW_LISTEN_0_PORT=5070
 *   -Dsipgw.store.redis=redis://r:6379    SIPGW_STORE_REDIS=redis://r:6379
 *   -Dsipgw.domains='[{"name":"a.example"}]'  (an object or array key takes JSON)
 * </pre>
 * Segments match key names ignoring case (config keys are camelCase and never contain '_' or '.').
 * The value is converted to the key's JSON type: integer, {@code true}/{@code false}, string, or JSON
 * for an object or array. Environment variables are applied first, then system properties, so
 * {@code -D} on the command line wins. A prefixed name that matches no config key is an error, like an
 * unknown key in the file.
 */
final class ConfigOverrides {
  static final String PROPERTY_PREFIX = "sipgw.";
  static final String ENV_PREFIX = "SIPGW_";

  /** Every key the config knows, with a value of its type; an array holds one element of its item type. */
  static final JsonObject SHAPE = new JsonObject("""
      {"listen": [{"transport": "", "host": "", "port": 0, "advertise": ""}],
       "domains": [{"name": "", "aliases": [""], "mode": ""}],
       "registrar": {"minExpires": 0, "maxExpires": 0, "defaultExpires": 0, "maxContacts": 0},
       "proxy": {"recordRoute": true, "forking": "", "timerC": 0, "failureRoutes": [{"codes": [0], "target": "", "aor": ""}]},
       "transaction": {"t1": 0, "t2": 0, "t4": 0, "maxTransactions": 0, "retryAfter": 0, "maxQueueDelay": 0},
       "store": {"type": "", "redis": "", "topology": "", "nodes": [""], "masterName": "", "keyPrefix": "", "poolSize": 0,
                 "maxWaiting": 0, "timeout": 0, "nodeAddress": ""},
       "transport": {"instances": 0, "tcpIdleTimeout": 0, "maxMessageSize": 0, "maxConnections": 0},
       "workers": 0,
       "log": {"levels": {}, "format": ""},
       "capture": {"hep": "", "enabled": true, "agentId": 0, "password": ""},
       "routes": [{"name": "", "when": {}, "actions": [{}], "onlyWhenCalled": true}],
       "reload": {"scanPeriod": 0},
       "tls": {"certificate": "", "key": "", "minVersion": "", "verifyClient": "", "clientCa": "", "trustCa": "",
               "verifyServer": true},
       "websocket": {"webroot": "", "allowedOrigins": [""], "keepaliveInterval": 0},
       "media": {"rtpengine": [""], "timeout": 0, "retries": 0, "downTime": 0, "mode": ""},
       "auth": {"enabled": true, "users": "", "algorithms": [""], "methods": [""], "domains": [""], "trusted": [""], "secret": "",
                "nonceLifetime": 0},
       "bans": {"maxRequests": 0, "interval": 0, "authFailures": 0, "authWindow": 0, "banTime": 0, "exempt": [""],
                "dropScanners": true, "scanners": [""], "maxConnections": 0, "maxTransactions": 0},
       "nat": {"keepalive": "", "interval": 0, "maxMissed": 0},
       "im": {"offline": true, "maxPerUser": 0, "maxTotal": 0, "expiry": 0, "noticeDelivered": true, "noticeExpired": true},
       "presence": {"enabled": true, "minExpires": 0, "maxExpires": 0, "defaultExpires": 0, "dialogInfo": true,
                    "defaultPolicy": "", "xcap": true},
       "msrp": {"realm": "", "expires": 0, "maxSessionsPerUser": 0, "idleTimeout": 0, "peers": [""]},
       "dns": {"servers": [""], "timeout": 0, "negativeTtl": 0, "maxCacheEntries": 0, "enumSuffix": ""},
       "dispatcher": {"sets": [{"name": "", "algorithm": "", "hashOn": "", "destinations": [{"uri": "", "weight": 0}],
                                "probe": {"interval": 0, "failures": 0, "successes": 0, "method": ""},
                                "failover": {"codes": [0], "timeout": 0}}]},
       "lcr": {"gateways": [{"name": "", "uri": ""}],
               "rules": [{"prefix": "", "fromPrefix": "", "domain": "",
                          "time": {"days": [""], "from": "", "to": "", "zone": ""},
                          "targets": [{"gateway": "", "priority": 0, "weight": 0}]}],
               "rulesFile": "", "failover": {"codes": [0], "timeout": 0}},
       "admin": {"enabled": true, "host": "", "port": 0, "token": "", "tokenFile": "",
                 "tls": {"certificate": "", "key": "", "clientCa": ""}}}""");

  private ConfigOverrides() { }

  /**
   * Returns {@code config} with the overrides found in {@code env} (names starting {@code SIPGW_}) and
   * {@code properties} (names starting {@code sipgw.}); other entries are ignored. With no override,
   * {@code config} itself is returned; otherwise a copy with the overrides set. An override inside an
   * array the file does not have (e.g. {@code SIPGW_LISTEN_0_PORT}) applies to the default array.
   */
  static JsonObject apply(JsonObject config, Map<String, ?> env, Map<String, ?> properties) {
    SortedMap<String, String> fromEnv = prefixed(env, ENV_PREFIX);
    SortedMap<String, String> fromProperties = prefixed(properties, PROPERTY_PREFIX);
    if (fromEnv.isEmpty() && fromProperties.isEmpty()) return config;
    JsonObject target = config.copy();
    fromEnv.forEach((name, value) -> set(target, name, name.substring(ENV_PREFIX.length()).split("_", -1), value));
    fromProperties.forEach((name, value) -> set(target, name, name.substring(PROPERTY_PREFIX.length()).split("\\.", -1), value));
    return target;
  }

  private static SortedMap<String, String> prefixed(Map<String, ?> entries, String prefix) {
    SortedMap<String, String> out = new TreeMap<>();
    entries.forEach((k, v) -> {
      if (k.startsWith(prefix) && v != null) out.put(k, String.valueOf(v));
    });
    return out;
  }

  private static void set(JsonObject target, String source, String[] segments, String value) {
    Object node = target;
    Object shape = SHAPE;
    Object defaults = SipgwConfig.defaults().json(); // followed along, to fill in an array the file leaves out
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < segments.length; i++) {
      String seg = segments[i];
      boolean last = i == segments.length - 1;
      if (shape instanceof JsonObject shapeObject) {
        String name = member(shapeObject, seg);
        if (name == null) {
          throw new ConfigException(source, "names no config key (" + (key.length() == 0 ? "top level" : key)
              + " has " + String.join(", ", shapeObject.fieldNames()) + ")");
        }
        key.append(key.length() == 0 ? "" : ".").append(name);
        Object childShape = shapeObject.getValue(name);
        JsonObject object = (JsonObject) node;
        if (last) {
          object.put(name, convert(key.toString(), source, childShape, value));
          return;
        }
        Object child = object.getValue(name);
        Object childDefaults = defaults instanceof JsonObject d ? d.getValue(name) : null;
        if (child == null && childShape instanceof JsonObject) object.put(name, child = new JsonObject());
        if (child == null && childShape instanceof JsonArray && childDefaults instanceof JsonArray a) object.put(name, child = a.copy());
        node = container(key.toString(), child, childShape);
        shape = childShape;
        defaults = childDefaults;
      } else if (shape instanceof JsonArray shapeArray) {
        JsonArray array = node == null ? new JsonArray() : (JsonArray) node;
        int index = index(seg);
        if (index < 0 || index >= array.size()) {
          throw new ConfigException(source, "names no config key (" + key + (array.isEmpty() ? " has no entries" : " has entries 0.." + (array.size() - 1)) + ", not \"" + seg + "\")");
        }
        key.append('[').append(index).append(']');
        Object itemShape = shapeArray.getValue(0);
        if (last) {
          array.set(index, convert(key.toString(), source, itemShape, value));
          return;
        }
        node = container(key.toString(), array.getValue(index), itemShape);
        shape = itemShape;
        defaults = null;
      } else {
        throw new ConfigException(source, "names no config key (" + key + " has no member \"" + seg + "\")");
      }
    }
  }

  /** The value at {@code key} when it is the container its shape says; an error naming the key if not. */
  private static Object container(String key, Object value, Object shape) {
    if (value == null) return null; // an absent array: no entry to override
    if (shape instanceof JsonObject && value instanceof JsonObject) return value;
    if (shape instanceof JsonArray && value instanceof JsonArray) return value;
    if (!(shape instanceof JsonObject) && !(shape instanceof JsonArray)) return value; // a scalar: set() reports it
    throw new ConfigException(key, "must be " + (shape instanceof JsonObject ? "an object" : "an array")
        + ", got " + ConfigObject.describe(value));
  }

  private static String member(JsonObject shape, String segment) {
    for (String name : shape.fieldNames()) if (name.equalsIgnoreCase(segment)) return name;
    return null;
  }

  private static int index(String segment) {
    if (segment.isEmpty() || segment.length() > 6 || !segment.chars().allMatch(c -> c >= '0' && c <= '9')) return -1;
    return Integer.parseInt(segment);
  }

  private static Object convert(String key, String source, Object shape, String value) {
    String v = value.trim();
    try {
      if (shape instanceof Boolean) {
        if (v.equalsIgnoreCase("true")) return Boolean.TRUE;
        if (v.equalsIgnoreCase("false")) return Boolean.FALSE;
        throw new ConfigException(key, "from " + source + ": expected true or false, got \"" + value + "\"");
      }
      if (shape instanceof Number) {
        long n = Long.parseLong(v);
        return n == (int) n ? (Object) (int) n : (Object) n;
      }
      if (shape instanceof JsonObject) return new JsonObject(v);
      if (shape instanceof JsonArray) return new JsonArray(v);
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "from " + source + ": expected an integer, got \"" + value + "\"");
    } catch (DecodeException | ClassCastException e) {
      throw new ConfigException(key, "from " + source + ": expected JSON " + (shape instanceof JsonObject ? "object" : "array")
          + ", got \"" + value + "\"");
    }
  }
}
