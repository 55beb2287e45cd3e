package io.sipgw.config;

/**
 * A configuration value that is missing, of the wrong type or out of range. The message always names
 * the key path, e.g. {@code config key 'listen[1].port': must be between 0 and 65535, got 70000}.
 */
public final class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String key, String problem) {
    super("config key '" + key + "': " + problem);
    this.key = key;
  }

  /** The key path of the bad value, e.g. {@code registrar.maxExpires} or {@code listen[1].port}. */
  public String key() { return key; }
}
