package io.sipgw.config;

import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Vert.x Config stores a sipgw config is read from, in order: the JSON file (or the embedded
 * default), the environment, the system properties; and the step from what they hold to a
 * {@link SipgwConfig}.
 *
 * <p>The file is read raw, as text under one key, so that sipgw parses it itself: a syntax error names
 * the file, and the file's keys never mix with the thousands of environment and property names.
 */
final class ConfigStores {
  /** The key the file's text is stored under; no environment variable or property is named like it. */
  static final String FILE_TEXT = "@sipgw.file";
  static final String EMBEDDED_NAME = "classpath:" + SipgwConfig.EMBEDDED_RESOURCE;

  private ConfigStores() { }

  /** Options for a retriever of {@code path} (null: the embedded default), scanning every {@code scanPeriod} ms (0: never). */
  static ConfigRetrieverOptions options(String path, long scanPeriod) {
    ConfigStoreOptions file = path == null
        ? new ConfigStoreOptions().setType("json").setConfig(new JsonObject().put(FILE_TEXT, SipgwConfig.embeddedText()))
        : new ConfigStoreOptions().setType("file").setFormat("raw")
            .setConfig(new JsonObject().put("path", absolute(path)).put("raw.key", FILE_TEXT));
    ConfigStoreOptions env = new ConfigStoreOptions().setType("env").setConfig(new JsonObject().put("raw-data", true));
    ConfigStoreOptions sys = new ConfigStoreOptions().setType("sys")
        .setConfig(new JsonObject().put("raw-data", true).put("cache", false));
    return new ConfigRetrieverOptions().setIncludeDefaultStores(false).setScanPeriod(scanPeriod)
        .addStore(file).addStore(env).addStore(sys);
  }

  /**
   * An absolute path: the Vert.x file system falls back to the class path for a relative name that is
   * not on disk, which would silently read the embedded default instead of reporting a missing file.
   */
  static String absolute(String path) { return Path.of(path).toAbsolutePath().normalize().toString(); }

  static String name(String path) { return path == null ? EMBEDDED_NAME : path; }

  /**
   * The config the stores' merged content describes: the file's JSON with the {@code SIPGW_*} and
   * {@code sipgw.*} overrides applied, validated.
   */
  static SipgwConfig toConfig(JsonObject merged, String path) {
    String text = merged.getString(FILE_TEXT);
    if (text == null) throw new ConfigFileException(name(path), "could not be read");
    JsonObject file;
    try {
      file = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new ConfigFileException(name(path), "not a valid JSON object: " + firstLine(e.getMessage()));
    }
    Map<String, Object> entries = merged.getMap();
    return SipgwConfig.fromJson(ConfigOverrides.apply(file, entries, entries));
  }

  /** The failure of reading {@code path}, as an error that names the file. */
  static Throwable readFailure(String path, Throwable cause) {
    if (cause instanceof ConfigException || cause instanceof ConfigFileException) return cause;
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String why = root instanceof java.nio.file.NoSuchFileException ? "no such file" : firstLine(String.valueOf(root.getMessage()));
    return new ConfigFileException(name(path), "cannot be read: " + why);
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
