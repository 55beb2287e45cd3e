package io.sipgw.config;

import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipUri;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One JSON object of the config at a key path, read with type and range checks. Every key read is
 * remembered, so that {@link #rejectUnknownKeys()} can refuse the ones nobody asked for (typos).
 * A key whose value is JSON {@code null} counts as absent.
 */
final class ConfigObject {
  private final String path;
  private final JsonObject json;
  private final Set<String> known = new LinkedHashSet<>();

  ConfigObject(String path, JsonObject json) {
    this.path = path;
    this.json = json;
  }

  /** Reads {@code name} of {@code parent}, which must be an object; absent means an empty object. */
  static ConfigObject at(ConfigObject parent, String name) {
    Object v = parent.value(name);
    if (v == null) return new ConfigObject(parent.key(name), new JsonObject());
    if (!(v instanceof JsonObject o)) throw parent.wrongType(name, "an object", v);
    return new ConfigObject(parent.key(name), o);
  }

  /** The full key path of a member, e.g. {@code registrar.maxExpires}. */
  String key(String name) { return path.isEmpty() ? name : path + "." + name; }

  String path() { return path; }

  boolean has(String name) {
    known.add(name);
    return json.getValue(name) != null;
  }

  Object value(String name) {
    known.add(name);
    return json.getValue(name);
  }

  int integer(String name, int defaultValue, int min, int max) {
    Object v = value(name);
    if (v == null) return defaultValue;
    long n = integral(name, v);
    if (n < min || n > max) throw new ConfigException(key(name), "must be between " + min + " and " + max + ", got " + n);
    return (int) n;
  }

  long longInteger(String name, long defaultValue) {
    Object v = value(name);
    return v == null ? defaultValue : integral(name, v);
  }

  /** An array of strings; absent gives {@code defaultValue}; an element of another type is an error naming it. */
  List<String> strings(String name, List<String> defaultValue) {
    JsonArray a = array(name);
    if (a == null) return defaultValue;
    List<String> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof String s)) throw new ConfigException(key(name) + "[" + i + "]", "must be a string");
      out.add(s);
    }
    return out;
  }

  /** An array of IP addresses and CIDR blocks; absent gives {@code defaultValue}'s blocks. */
  List<Cidr> cidrs(String name, List<String> defaultValue) {
    List<String> text = strings(name, defaultValue);
    List<Cidr> out = new ArrayList<>();
    for (int i = 0; i < text.size(); i++) {
      try {
        out.add(Cidr.parse(text.get(i)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key(name) + "[" + i + "]", e.getMessage());
      }
    }
    return out;
  }

  boolean bool(String name, boolean defaultValue) {
    Object v = value(name);
    if (v == null) return defaultValue;
    if (!(v instanceof Boolean b)) throw wrongType(name, "true or false", v);
    return b;
  }

  /** A string value; absent gives {@code defaultValue}, empty or blank is an error. */
  String string(String name, String defaultValue) {
    Object v = value(name);
    if (v == null) return defaultValue;
    if (!(v instanceof String s)) throw wrongType(name, "a string", v);
    if (s.isBlank()) throw new ConfigException(key(name), "must not be empty");
    return s.trim();
  }

  /** A sip: or sips: URI; absent gives null; another scheme, or text that does not parse, is an error naming the key. */
  SipUri sipUri(String name) {
    String text = string(name, null);
    if (text == null) return null;
    SipUri uri;
    try {
      uri = SipUri.parse(text);
    } catch (SipParseException e) {
      throw new ConfigException(key(name), "not a SIP URI: \"" + text + "\" (" + e.reason() + ")");
    }
    if (!uri.isSip()) throw new ConfigException(key(name), "must be a sip: or sips: URI, got \"" + text + "\"");
    return uri;
  }

  /** An array value, or null when absent. */
  JsonArray array(String name) {
    Object v = value(name);
    if (v == null) return null;
    if (!(v instanceof JsonArray a)) throw wrongType(name, "an array", v);
    return a;
  }

  /**
   * The objects of array {@code name}, each at its key path ({@code name[i]}); absent gives an empty
   * list; an element that is not an object is an error showing {@code example}.
   */
  List<ConfigObject> objects(String name, String example) {
    JsonArray a = array(name);
    List<ConfigObject> out = new ArrayList<>();
    for (int i = 0; a != null && i < a.size(); i++) {
      String k = key(name) + "[" + i + "]";
      if (!(a.getValue(i) instanceof JsonObject o)) throw new ConfigException(k, "must be an object like " + example);
      out.add(new ConfigObject(k, o));
    }
    return out;
  }

  /** Refuses every key that was not read: a misspelt key must not pass silently. */
  void rejectUnknownKeys() {
    for (String k : json.fieldNames()) {
      if (!known.contains(k)) {
        throw new ConfigException(key(k), "unknown key" + (known.isEmpty() ? "" : " (known here: " + String.join(", ", known) + ")"));
      }
    }
  }

  private long integral(String name, Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
    if (v instanceof BigInteger b && b.bitLength() < 64) return b.longValue();
    if (v instanceof BigDecimal || v instanceof Double || v instanceof Float || v instanceof BigInteger) {
      throw new ConfigException(key(name), "must be an integer, got " + v);
    }
    throw wrongType(name, "an integer", v);
  }

  ConfigException wrongType(String name, String expected, Object got) {
    return new ConfigException(key(name), "must be " + expected + ", got " + describe(got));
  }

  static String describe(Object v) {
    if (v instanceof String s) return "string \"" + s + "\"";
    if (v instanceof JsonObject) return "an object";
    if (v instanceof JsonArray) return "an array";
    return String.valueOf(v);
  }
}
