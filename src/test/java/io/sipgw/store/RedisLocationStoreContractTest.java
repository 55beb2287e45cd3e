package io.sipgw.store;

import io.sipgw.it.RedisForTests;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The location store contract on {@link RedisLocationStore} against a real redis-server on a free
 * loopback port. Each test has a key prefix of its own; its two nodes are two stores with their own
 * Redis clients on the same server and prefix.
 */
@Timeout(60)
class RedisLocationStoreContractTest extends LocationStoreContract {
  @RegisterExtension static final RedisForTests REDIS = new RedisForTests();

  private final String prefix = "test:" + UUID.randomUUID() + ":";
  private final List<RedisLocationStore> nodes = new ArrayList<>();

  @AfterEach
  void closeNodes() {
    for (RedisLocationStore s : nodes) result(s.close());
  }

  @Override
  LocationStore node(int n) {
    while (nodes.size() <= n) {
      nodes.add(new RedisLocationStore(REDIS.vertx(), REDIS.endpoint(prefix), 60_000, now::get));
    }
    return nodes.get(n);
  }
}
