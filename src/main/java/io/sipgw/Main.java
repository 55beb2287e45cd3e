package io.sipgw;

import io.sipgw.admin.AdminClient;
import io.sipgw.auth.UserCommands;
import io.sipgw.config.ConfigException;
import io.sipgw.config.ConfigFileException;
import io.sipgw.config.ConfigLoader;
import io.sipgw.config.ConfigWatcher;
import io.sipgw.config.SipgwConfig;
import io.sipgw.config.StoreConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The command line: {@code java -jar sipgw.jar [run|check-config] [-c|--config FILE]}; the user
 * commands ({@link UserCommands}); {@code ctl [-c FILE] METHOD [PARAMS…]} ({@link AdminClient}).
 *
 * <p>Exit codes: 0 success, 1 the gateway failed to start (ctl: an RPC error or no gateway to reach),
 * 2 bad configuration, 64 bad usage.
 */
public final class Main {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int CONFIG_ERROR = 2;
  static final int USAGE = 64;
  /** Returned by {@link #execute} when the gateway is running: the JVM must not exit. */
  static final int RUNNING = -1;
  /** Used when no {@code -c} is given and this file exists in the working directory. */
  static final String DEFAULT_CONFIG = "conf/sipgw.json";
  private static final long STOP_TIMEOUT_SECONDS = 10;

  static final String USAGE_TEXT = String.join(System.lineSeparator(),
      "usage: java -jar sipgw.jar [run] [-c|--config FILE]",
      "       java -jar sipgw.jar check-config [-c|--config FILE]",
      "",
      "  run            start the gateway (the default command)",
      "  check-config   validate the configuration and exit (0 valid, 2 invalid)",
      "  -c, --config   the JSON config file; default: " + DEFAULT_CONFIG + " if it exists, else the embedded default",
      "  -h, --help     this text",
      "",
      UserCommands.USAGE,
      "",
      AdminClient.USAGE,
      "",
      "Keys are overridden by -Dsipgw.<key.path>=VALUE or SIPGW_<KEY_PATH>=VALUE, e.g. SIPGW_REGISTRAR_MAXEXPIRES=120.");

  static {
    configureLogging();
  }

  private static final Logger LOG = Logger.getLogger(Main.class.getName());

  private Main() { }

  public static void main(String[] args) {
    int code = execute(args, System.out, System.err);
    if (code != RUNNING) System.exit(code);
  }

  /** Runs the command in {@code args}; returns the exit code, or {@link #RUNNING} when the gateway runs. */
  static int execute(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && UserCommands.handles(args[0])) return UserCommands.run(args, out, err, Main::configuredUsers);
    if (args.length > 0 && AdminClient.handles(args[0])) return AdminClient.run(args, out, err, Main::loadConfig);
    Invocation inv = Invocation.parse(args);
    if (inv == null) {
      err.println(USAGE_TEXT);
      return USAGE;
    }
    String path = inv.config() != null ? inv.config() : Files.isRegularFile(Path.of(DEFAULT_CONFIG)) ? DEFAULT_CONFIG : null;
    return switch (inv.command()) {
      case "check-config" -> checkConfig(path, out, err);
      default -> run(path, err);
    };
  }

  /** Validates the config in {@code path} (null: the embedded default); returns 0, 2 (invalid) or 1. */
  static int checkConfig(String path, PrintStream out, PrintStream err) {
    Vertx vertx = Vertx.vertx();
    try {
      await(ConfigLoader.load(vertx, path));
      out.println("config OK: " + (path != null ? path : "embedded default"));
      return OK;
    } catch (ConfigException | ConfigFileException e) {
      err.println(e.getMessage());
      return CONFIG_ERROR;
    } catch (RuntimeException e) {
      err.println("sipgw: " + e);
      return FAILED;
    } finally {
      vertx.close();
    }
  }

  /**
   * Where the config {@code path} names (null: conf/sipgw.json if it exists, else the embedded
   * default) keeps its users: its Redis with the Redis store, else the file {@code auth.users}.
   */
  private static UserCommands.Target configuredUsers(String path) {
    String p = path != null ? path : Files.isRegularFile(Path.of(DEFAULT_CONFIG)) ? DEFAULT_CONFIG : null;
    Vertx vertx = Vertx.vertx();
    try {
      SipgwConfig config = await(ConfigLoader.load(vertx, p));
      return config.store().type().equals(StoreConfig.REDIS)
          ? UserCommands.Target.redis(config.store()) : UserCommands.Target.file(Path.of(config.auth().users()));
    } finally {
      vertx.close();
    }
  }

  /** The config {@code path} names (null: conf/sipgw.json if it exists, else the embedded default), loaded on the main thread. */
  private static SipgwConfig loadConfig(String path) {
    String p = path != null ? path : Files.isRegularFile(Path.of(DEFAULT_CONFIG)) ? DEFAULT_CONFIG : null;
    Vertx vertx = Vertx.vertx();
    try {
      return await(ConfigLoader.load(vertx, p));
    } finally {
      vertx.close();
    }
  }

  private static int run(String path, PrintStream err) {
    Vertx vertx = Vertx.vertx(Sipgw.vertxOptions());
    SipgwConfig config;
    Sipgw sipgw;
    try {
      config = await(ConfigLoader.load(vertx, path));
      sipgw = await(Sipgw.start(vertx, config, path));
    } catch (ConfigException | ConfigFileException e) {
      err.println(e.getMessage());
      closeQuietly(vertx);
      return CONFIG_ERROR;
    } catch (RuntimeException e) {
      err.println("sipgw: failed to start: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      closeQuietly(vertx);
      return FAILED;
    }
    LOG.info("sipgw started: " + config.listen().stream().map(l -> l.name()).collect(Collectors.joining(", ")));
    ConfigWatcher watcher = path == null ? null : ConfigWatcher.start(vertx, path, config, next -> {
      List<String> restart = config.restartNeededChanges(next);
      if (!restart.isEmpty()) {
        LOG.warning("config " + path + " changed: restart needed for " + String.join(", ", restart) + "; applying the rest");
      } else {
        LOG.info("config " + path + " reloaded");
      }
      sipgw.reload(next);
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("sipgw stopping");
      if (watcher != null) watcher.close();
      // Closing Vert.x undeploys every verticle (listeners close, routing stops). Vert.x may already
      // be closing on its own shutdown hook; close() then gives the same completion.
      try {
        awaitClosed(vertx);
      } catch (RuntimeException e) {
        System.err.println("sipgw: unclean stop: " + e);
      }
    }, "sipgw-shutdown"));
    return RUNNING;
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      awaitClosed(vertx);
    } catch (RuntimeException ignored) {
      // exiting anyway
    }
  }

  /** Closes Vert.x and waits, bounded, for it: only from the main or the shutdown thread. */
  private static void awaitClosed(Vertx vertx) {
    outsideVertx();
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS).join();
  }

  /**
   * Waits for {@code f} on the main thread, where start-up and the CLI commands run; a failure is
   * rethrown as is when unchecked. Never on an event loop: that would stall every call it serves.
   */
  private static <T> T await(Future<T> f) {
    outsideVertx();
    try {
      return f.toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) throw re;
      throw new IllegalStateException(cause != null ? cause.getMessage() : e.getMessage(), cause);
    }
  }

  private static void outsideVertx() {
    if (io.vertx.core.Context.isOnVertxThread()) throw new IllegalStateException("blocking wait on a Vert.x thread");
  }

  private static void configureLogging() {
    if (System.getProperty("java.util.logging.config.file") != null || System.getProperty("java.util.logging.config.class") != null) {
      return;
    }
    try (InputStream in = Main.class.getResourceAsStream("/logging.properties")) {
      if (in != null) LogManager.getLogManager().readConfiguration(in);
    } catch (IOException e) {
      System.err.println("sipgw: logging.properties not read: " + e);
    }
  }

  /** A parsed command line. */
  record Invocation(String command, String config) {
    static Invocation parse(String[] args) {
      String command = null;
      String config = null;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "-c", "--config" -> {
            if (config != null || i + 1 >= args.length) return null;
            config = args[++i];
          }
          case "run", "check-config" -> {
            if (command != null) return null;
            command = a;
          }
          default -> {
            if (a.startsWith("--config=") && config == null && a.length() > 9) config = a.substring(9);
            else return null; // -h, --help, unknown commands and options
          }
        }
      }
      return new Invocation(command == null ? "run" : command, config);
    }
  }
}
