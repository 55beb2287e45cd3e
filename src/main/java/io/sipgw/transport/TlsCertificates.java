package io.sipgw.transport;

import io.sipgw.config.TlsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.ServerSSLOptions;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The TLS settings in force: the certificate the TLS listeners present and the options outbound TLS
 * connections use, with the servers and clients they apply to. {@link #reload} applies a changed
 * {@code tls} config or changed files to every registered server and client for new connections
 * (Vert.x {@code updateSSLOptions}); open connections keep the certificate they were made with. A
 * certificate that does not load, or whose key does not belong to it, is refused with one WARN line
 * and the current one stays.
 */
public final class TlsCertificates {
  private static final Logger LOG = Logger.getLogger("sipgw.transport");

  private final Vertx vertx;
  /** Each TLS listener's {@code updateSSLOptions}: of a NetServer (TLS) or an HttpServer (WSS). */
  private final List<Function<ServerSSLOptions, Future<Boolean>>> servers = new CopyOnWriteArrayList<>();
  private final Map<Object, Function<ServerSSLOptions, Future<Boolean>>> updaters = new ConcurrentHashMap<>();
  private final List<NetClient> clients = new CopyOnWriteArrayList<>();
  private volatile Applied applied;
  /** The stamps of the last attempt, applied or refused: the same files are not tried (and logged) again. */
  private volatile List<String> attempted;
  private Future<Void> pending = Future.succeededFuture();

  /** What is in force: the config, the stamps of its files when they were read, and the options made of them. */
  private record Applied(TlsConfig config, List<String> stamps, ServerSSLOptions server, ClientSSLOptions client,
      String certificate) { }

  private TlsCertificates(Vertx vertx, Applied applied) {
    this.vertx = vertx;
    this.applied = applied;
    this.attempted = applied.stamps();
  }

  /**
   * Reads and checks the certificate and key of {@code config}; fails, saying why, when they cannot be
   * read or do not belong together. Logs one WARN line when outbound TLS does not verify servers.
   */
  public static Future<TlsCertificates> load(Vertx vertx, TlsConfig config) {
    return prepare(vertx, config).map(a -> {
      if (!config.verifyServer()) {
        LOG.warning("tls.verifyServer is false: outbound TLS connections accept any server certificate");
      }
      return new TlsCertificates(vertx, a);
    });
  }

  /** The options a TLS listener starts with. */
  public ServerSSLOptions serverOptions() { return applied.server().copy(); }

  /** The options an outbound TLS client starts with. */
  public ClientSSLOptions clientOptions() { return applied.client().copy(); }

  /** A TLS server that gets every new certificate from now on. */
  public void register(NetServer server) { register(server, o -> server.updateSSLOptions(o, true)); }

  /** A WSS listener's HTTP server that gets every new certificate from now on. */
  public void register(HttpServer server) { register(server, o -> server.updateSSLOptions(o, true)); }

  private void register(Object server, Function<ServerSSLOptions, Future<Boolean>> update) {
    updaters.put(server, update);
    servers.add(update);
  }

  /** A listener that stops: it gets no more certificates. */
  public void unregister(Object server) {
    Function<ServerSSLOptions, Future<Boolean>> update = updaters.remove(server);
    if (update != null) servers.remove(update);
  }

  /** A TLS client that gets every new trust setting from now on. */
  public void register(NetClient client) { clients.add(client); }

  /** Checks whether the files changed on disk (their modification time and size), and reloads if so. */
  public Future<Void> scan() { return reload(applied.config()); }

  /**
   * Applies {@code config} if it or its files differ from what is in force. Reloads run one after the
   * other; the future completes when this one is done (a refused certificate is logged, not failed).
   */
  public synchronized Future<Void> reload(TlsConfig config) {
    pending = pending.transform(x -> reloadNow(config));
    return pending;
  }

  private Future<Void> reloadNow(TlsConfig config) {
    return stamps(vertx, config).compose(stamps -> {
      Applied current = applied;
      if (config.equals(current.config()) && stamps.equals(current.stamps())) return Future.succeededFuture();
      if (config.equals(current.config()) && stamps.equals(attempted)) return Future.succeededFuture();
      attempted = stamps;
      return prepare(vertx, config, stamps).compose(next -> apply(next).onSuccess(v -> {
        applied = next;
        if (!config.verifyServer() && current.config().verifyServer()) {
          LOG.warning("tls.verifyServer is false: outbound TLS connections accept any server certificate");
        }
      })).recover(e -> {
        LOG.warning("TLS reload refused, keeping the current certificate " + current.certificate() + ": " + e.getMessage());
        return Future.succeededFuture();
      });
    }, e -> {
      // a file missing for a moment (being replaced): the next scan sees it again
      LOG.fine("TLS files not checked: " + e.getMessage());
      return Future.succeededFuture();
    });
  }

  private Future<Void> apply(Applied next) {
    List<Future<Boolean>> updates = new ArrayList<>();
    for (Function<ServerSSLOptions, Future<Boolean>> s : servers) updates.add(s.apply(next.server().copy()));
    int instances = updates.size();
    for (NetClient c : clients) updates.add(c.updateSSLOptions(next.client().copy(), true));
    return Future.all(updates).map(all -> {
      LOG.info("TLS certificate reloaded: " + next.certificate() + ", " + next.config().minVersion() + " and up, for new connections on "
          + instances + " listener instance(s)");
      return null;
    });
  }

  private static Future<Applied> prepare(Vertx vertx, TlsConfig config) {
    return stamps(vertx, config).compose(stamps -> prepare(vertx, config, stamps));
  }

  private static Future<Applied> prepare(Vertx vertx, TlsConfig config, List<String> stamps) {
    return TlsMaterial.read(vertx, config).compose(material -> vertx.executeBlocking(() -> {
      X509Certificate leaf = material.checkKeyPair(vertx);
      if (leaf.getNotAfter().getTime() < System.currentTimeMillis()) {
        LOG.warning("TLS certificate " + TlsMaterial.describe(leaf) + " has expired");
      }
      return new Applied(config, stamps, material.serverOptions(config), material.clientOptions(config),
          TlsMaterial.describe(leaf));
    }, false)).recover(e -> Future.failedFuture(e.getMessage()));
  }

  /** {@code mtime:size} of every file the config names, in {@link TlsConfig#files()} order. */
  private static Future<List<String>> stamps(Vertx vertx, TlsConfig config) {
    List<Future<FileProps>> props = new ArrayList<>();
    for (Map.Entry<String, String> f : config.files().entrySet()) {
      props.add(vertx.fileSystem().props(f.getValue()).recover(e -> Future.failedFuture("tls." + f.getKey() + " " + f.getValue() + ": " + e.getMessage())));
    }
    return Future.all(props).map(all -> {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < props.size(); i++) {
        FileProps p = all.resultAt(i);
        out.add(p.lastModifiedTime() + ":" + p.size());
      }
      return out;
    });
  }
}
