package io.sipgw.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Reads the configuration once with Vert.x Config: the JSON file, then the overrides from environment
 * variables ({@code SIPGW_REGISTRAR_MAXEXPIRES=120}) and system properties
 * ({@code -Dsipgw.registrar.maxExpires=120}); see {@link ConfigOverrides}.
 */
public final class ConfigLoader {
  private ConfigLoader() { }

  /**
   * Loads and validates the config in {@code path}, or the embedded default when {@code path} is null.
   * Fails with {@link ConfigFileException} when the file is missing or not JSON, with
   * {@link ConfigException} when a key is bad or a file it names (a TLS certificate) cannot be read.
   */
  public static Future<SipgwConfig> load(Vertx vertx, String path) {
    // the embedded default is read from the class path once, off the event loop
    return vertx.executeBlocking(SipgwConfig::defaults, false).compose(defaults -> {
      ConfigRetriever retriever = ConfigRetriever.create(vertx, ConfigStores.options(path, 0));
      return retriever.getConfig()
          .eventually(retriever::close)
          .recover(e -> Future.failedFuture(ConfigStores.readFailure(path, e)))
          .map(merged -> ConfigStores.toConfig(merged, path))
          .compose(config -> vertx.executeBlocking(() -> {
            config.checkFiles();
            return config;
          }, false));
    });
  }
}
