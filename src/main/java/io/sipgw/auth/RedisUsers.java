package io.sipgw.auth;

import io.sipgw.config.StoreConfig;
import io.sipgw.store.RedisEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The user commands against the users in Redis ({@link RedisCredentialStore}): one Vert.x and one
 * Redis client for the command, waited for on the command line's own thread (never an event loop),
 * every Redis command bounded by {@code store.timeout}.
 */
final class RedisUsers {
  private RedisUsers() { }

  /** {@code user add} (with {@code password}) or {@code user rm}; the exit code. */
  static int edit(StoreConfig store, String verb, String user, String domain, String password, PrintStream out, PrintStream err) {
    String aor = user + "@" + domain;
    return withStore(store, err, users -> verb.equals("add")
        ? users.put(CredentialsFile.hash(user, domain, password)).map(had -> (had ? "replaced " : "added ") + aor + " in " + users)
        : users.remove(user, domain).compose(had -> had ? Future.succeededFuture("removed " + aor + " in " + users)
            : Future.failedFuture("no user " + aor + " in " + users)), out);
  }

  /** {@code user import}: every entry of {@code file} added or replaced; the exit code. */
  static int importAll(StoreConfig store, List<Credentials> entries, Path file, PrintStream out, PrintStream err) {
    return withStore(store, err, users -> {
      Future<Void> chain = Future.succeededFuture();
      for (Credentials c : entries) chain = chain.compose(x -> users.put(c).mapEmpty());
      return chain.map(x -> "imported " + entries.size() + " user(s) from " + file + " into " + users);
    }, out);
  }

  private static int withStore(StoreConfig store, PrintStream err, Function<RedisCredentialStore, Future<String>> command, PrintStream out) {
    Vertx vertx = Vertx.vertx();
    RedisCredentialStore users = new RedisCredentialStore(RedisEndpoint.create(vertx, store));
    try {
      String done = command.apply(users).toCompletionStage().toCompletableFuture()
          .get(Math.max(10_000L, store.timeout() * 4L), TimeUnit.MILLISECONDS);
      out.println(done);
      return UserCommands.OK;
    } catch (ExecutionException e) {
      err.println("sipgw: " + e.getCause().getMessage());
      return UserCommands.FAILED;
    } catch (TimeoutException e) {
      err.println("sipgw: " + users + " did not answer");
      return UserCommands.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return UserCommands.FAILED;
    } finally {
      users.close();
      vertx.close();
    }
  }
}
