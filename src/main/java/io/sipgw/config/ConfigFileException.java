package io.sipgw.config;

/** A configuration file that cannot be read or is not valid JSON. The message names the file. */
public final class ConfigFileException extends RuntimeException {
  private final String file;

  public ConfigFileException(String file, String problem) {
    super("config file '" + file + "': " + problem);
    this.file = file;
  }

  /** The file as it was given (for the embedded default: {@code classpath:sipgw.json}). */
  public String file() { return file; }
}
