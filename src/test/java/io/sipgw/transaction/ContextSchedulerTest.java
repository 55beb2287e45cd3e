package io.sipgw.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real scheduler: expiries fall due in order, on the owning context's event loop, never early. */
class ContextSchedulerTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() { vertx.close(); }

  @Test
  void expiriesRunInOrderOnTheContextNotBeforeTheirDelay() throws Exception {
    Context context = vertx.getOrCreateContext();
    ContextScheduler scheduler = new ContextScheduler(context);
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(4);
    long[] start = new long[1];
    Thread[] loop = new Thread[1];
    context.runOnContext(v -> {
      start[0] = System.nanoTime();
      loop[0] = Thread.currentThread();
      for (String name : List.of("a", "b", "c")) {
        scheduler.expire(200, () -> {
          ran.add(name + (Thread.currentThread() == loop[0] ? "" : " on another thread") + " after " + (System.nanoTime() - start[0]) / 1_000_000);
          done.countDown();
        });
      }
      // a task that adds an expiry of a delay not seen before, while the queues are being swept
      scheduler.expire(200, () -> scheduler.expire(50, done::countDown));
    });
    assertTrue(done.await(5, TimeUnit.SECONDS), "ran: " + ran);
    assertEquals(3, ran.size());
    for (int i = 0; i < 3; i++) {
      String r = ran.get(i);
      assertTrue(r.startsWith(List.of("a", "b", "c").get(i) + " after "), "in the order added: " + ran);
      assertTrue(Long.parseLong(r.substring(r.lastIndexOf(' ') + 1)) >= 200, "not early: " + ran);
    }
    context.runOnContext(v -> scheduler.close());
  }
}
