package io.sipgw.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.MediaConfig;
import io.sipgw.config.MediaConfig.Address;
import io.sipgw.config.MediaMode;
import io.sipgw.media.NgClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ng client's commands in the metrics: one to an instance that answers with an error reply
 * (a fake rtpengine on a loopback UDP port) is refused, one to a port where nothing answers is unreachable.
 */
@Timeout(30)
class RtpengineMetricsTest {
  private static final String HOST = "127.0.0.1";
  private final Vertx vertx = Vertx.vertx();
  private final Metrics metrics = Metrics.create();

  @AfterEach
  void close() throws Exception {
    metrics.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void commandsAreTimedAndFailuresCountedByKind() throws Exception {
    // answers every command "<cookie> d6:result5:error12:error-reason4:nopee"
    DatagramSocket fake = vertx.createDatagramSocket();
    fake.handler(p -> {
      String text = p.data().toString(StandardCharsets.ISO_8859_1);
      String cookie = text.substring(0, text.indexOf(' '));
      fake.send(Buffer.buffer(cookie + " d6:result5:error12:error-reason4:nopee"), p.sender().port(), p.sender().host());
    });
    await(fake.listen(0, HOST));
    DatagramSocket silent = await(vertx.createDatagramSocket().listen(0, HOST));

    Address refusing = new Address(HOST, fake.localAddress().port());
    Address dead = new Address(HOST, silent.localAddress().port());
    assertTrue(failed(call(refusing, "offer", 2000)));
    assertTrue(failed(call(dead, "delete", 100)));

    PrometheusText t = PrometheusText.parse(metrics.scrape());
    assertEquals(1.0, t.value("sipgw_rtpengine_command_seconds_count", "command", "offer"));
    assertEquals(1.0, t.value("sipgw_rtpengine_command_seconds_count", "command", "delete"));
    assertEquals(1.0, t.value("sipgw_rtpengine_errors_total", "error", "refused"));
    assertEquals(1.0, t.value("sipgw_rtpengine_errors_total", "error", "unreachable"));
    assertTrue(t.value("sipgw_rtpengine_command_seconds_sum", "command", "delete") >= 0.1, "the timeout it waited");
  }

  private Future<?> call(Address instance, String command, int timeout) throws Exception {
    MediaConfig c = new MediaConfig(List.of(instance), timeout, 0, 60_000, MediaMode.ALWAYS);
    NgClient client = NgClient.create(vertx, () -> c);
    client.observe(metrics::rtpengineCommand);
    Map<String, Object> cmd = new LinkedHashMap<>();
    cmd.put("command", command);
    cmd.put("call-id", "c1");
    Future<?> f = client.call("c1", cmd);
    try {
      f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException expected) {
      // the failure is what is counted
    }
    await(client.close());
    return f;
  }

  private static boolean failed(Future<?> f) { return f.failed(); }

  private static <T> T await(Future<T> f) throws Exception { return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS); }
}
