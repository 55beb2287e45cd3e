package io.sipgw.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Hot reload: checks the config file every {@code reload.scanPeriod} ms (a Vert.x Config
 * {@link ConfigRetriever} scan) and hands each changed, valid config to a consumer. A new config that is
 * not valid, or that names a file that cannot be read, is refused with one WARN line naming the key or
 * the file; the running config stays.
 * Whether a change can be applied without restart is the consumer's business
 * ({@link SipgwConfig#restartNeededChanges}).
 */
public final class ConfigWatcher {
  private static final Logger LOG = Logger.getLogger(ConfigWatcher.class.getName());

  private final Vertx vertx;
  private final String path;
  private final Consumer<SipgwConfig> onChange;
  private final ConfigRetriever retriever;
  private volatile SipgwConfig current;

  private ConfigWatcher(Vertx vertx, String path, SipgwConfig current, Consumer<SipgwConfig> onChange) {
    this.vertx = vertx;
    this.path = path;
    this.current = current;
    this.onChange = onChange;
    long period = current.reload().scanPeriod();
    if (period > 0) {
      retriever = ConfigRetriever.create(vertx, ConfigStores.options(path, period));
      retriever.listen(change -> consider(change.getNewConfiguration()));
      // a change made between the first load and now shows in the retriever's first read, not as a change
      retriever.getConfig().onSuccess(this::consider);
    } else {
      retriever = null;
    }
  }

  /**
   * Starts watching {@code path}, whose config is now {@code current}, at {@code current.reload().scanPeriod()}
   * (a period of 0 watches nothing). {@code onChange} runs on a Vert.x event loop.
   */
  public static ConfigWatcher start(Vertx vertx, String path, SipgwConfig current, Consumer<SipgwConfig> onChange) {
    return new ConfigWatcher(vertx, Objects.requireNonNull(path, "path"), Objects.requireNonNull(current, "current"),
        Objects.requireNonNull(onChange, "onChange"));
  }

  /** The config last accepted. */
  public SipgwConfig current() { return current; }

  /** Stops watching. */
  public Future<Void> close() { return retriever == null ? Future.succeededFuture() : retriever.close(); }

  private void consider(JsonObject merged) {
    SipgwConfig next;
    try {
      next = ConfigStores.toConfig(merged, path);
    } catch (ConfigException | ConfigFileException e) {
      LOG.warning("config reload refused, keeping the running config: " + e.getMessage());
      return;
    }
    if (next.equals(current)) return;
    // the files it names (TLS certificates) must be readable too; checking them blocks
    vertx.executeBlocking(() -> {
      next.checkFiles();
      return next;
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warning("config reload refused, keeping the running config: " + ar.cause().getMessage());
      } else if (!next.equals(current)) {
        current = next;
        onChange.accept(next);
      }
    });
  }
}
