package io.sipgw.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.it.RedisServer;
import io.sipgw.store.RedisEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link RedisCredentialStore} against a real redis-server: what is put is found, replaced whole, removed; a bad entry is no user. */
@Timeout(30)
class RedisCredentialStoreTest {
  @TempDir Path dir;
  private Vertx vertx;
  private RedisServer server;
  private RedisCredentialStore store;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = RedisServer.start(dir);
    store = new RedisCredentialStore(new RedisEndpoint(Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url())),
        "t:", 2000, "test"));
  }

  @AfterEach
  void stop() {
    try {
      if (store != null) store.close();
      if (server != null) server.close();
    } finally {
      vertx.close();
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void putFindReplaceRemove() throws Exception {
    assertNull(await(store.find("alice", "example.com")));
    assertFalse(await(store.put(CredentialsFile.hash("alice", "Example.com", "first"))));
    Credentials first = await(store.find("alice", "EXAMPLE.com"));
    assertEquals(CredentialsFile.hash("alice", "example.com", "first"), first, "every hash, the domain in lower case");

    Credentials md5Only = new Credentials("alice", "example.com",
        java.util.Map.of(DigestAlgorithm.MD5, DigestAlgorithm.MD5.ha1("alice", "example.com", "second")), null);
    assertTrue(await(store.put(md5Only)), "it had credentials");
    assertEquals(md5Only, await(store.find("alice", "example.com")), "replaced whole: no SHA-256 hash of the old password left");

    assertTrue(await(store.remove("alice", "example.com")));
    assertFalse(await(store.remove("alice", "example.com")));
    assertNull(await(store.find("alice", "example.com")));
  }

  @Test
  void anEntryThatIsNotValidIsNoUser() throws Exception {
    server.cli("HSET", "t:cred:bob@example.com", "ha1", "not-hex");
    assertNull(await(store.find("bob", "example.com")));
    server.cli("HSET", "t:cred:carl@example.com", "ha1b", DigestAlgorithm.MD5.hex("x"));
    assertNull(await(store.find("carl", "example.com")), "ha1 is required");
  }
}
