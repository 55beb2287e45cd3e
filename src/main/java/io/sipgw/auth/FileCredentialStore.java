package io.sipgw.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Credentials read from the credentials file ({@code auth.users}) into memory, read again when the
 * file changes (checked every {@code scanMillis}, without blocking an event loop). A file that has
 * become invalid is refused with a WARNING naming the entry, and the credentials read before stay.
 */
public final class FileCredentialStore implements CredentialStore {
  private static final Logger LOG = Logger.getLogger("sipgw.auth");

  private final Vertx vertx;
  private final String path;
  private final long timer;
  private volatile Map<String, Credentials> byUser = Map.of();
  private long seenModified = -1;
  private long seenSize = -1;

  private FileCredentialStore(Vertx vertx, String path, long scanMillis) {
    this.vertx = vertx;
    this.path = path;
    this.timer = scanMillis > 0 ? vertx.setPeriodic(scanMillis, id -> scan()) : -1;
  }

  /** Reads {@code path}; fails when it cannot be read or is not a valid credentials file. */
  public static Future<FileCredentialStore> open(Vertx vertx, String path, long scanMillis) {
    FileCredentialStore s = new FileCredentialStore(vertx, path, scanMillis);
    return s.load().map(n -> {
      LOG.info("credentials: " + n + " user(s) from " + path);
      return s;
    }).onFailure(e -> s.close());
  }

  private static String key(String user, String domain) { return user + "@" + domain.toLowerCase(Locale.ROOT); }

  private Future<Integer> load() {
    return vertx.fileSystem().props(path).compose(props -> vertx.fileSystem().readFile(path).map(buf -> {
      List<Credentials> entries;
      try {
        entries = CredentialsFile.parse(buf.toString());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(path + ": " + e.getMessage());
      }
      Map<String, Credentials> m = new HashMap<>();
      for (Credentials c : entries) m.put(key(c.user(), c.domain()), c);
      byUser = Map.copyOf(m);
      seen(props);
      return m.size();
    }));
  }

  private void seen(FileProps props) {
    seenModified = props.lastModifiedTime();
    seenSize = props.size();
  }

  private void scan() {
    vertx.fileSystem().props(path).onSuccess(props -> {
      if (props.lastModifiedTime() == seenModified && props.size() == seenSize) return;
      seen(props); // an invalid version is reported once, not at every scan
      load().onSuccess(n -> LOG.info("credentials reloaded: " + n + " user(s) from " + path))
          .onFailure(e -> LOG.warning("credentials file not reloaded, the users read before stay: " + e.getMessage()));
    });
  }

  @Override
  public Future<Credentials> find(String user, String domain) {
    return Future.succeededFuture(byUser.get(key(user, domain)));
  }

  @Override
  public Future<Void> close() {
    if (timer >= 0) vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
