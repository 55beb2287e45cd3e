package io.sipgw.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.TransactionConfig;
import io.sipgw.sip.MessageParser;
import io.sipgw.sip.ResponseBuilder;
import io.sipgw.sip.SipMessage;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.transaction.Scheduler;
import io.sipgw.transaction.ServerTransaction;
import io.sipgw.transaction.TransactionTable;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MetricsTest {
  private final Metrics metrics = Metrics.create();

  @AfterEach
  void close() { metrics.close(); }

  @Test
  void countsRequestsPerMethodWithOtherForUnknownMethods() {
    metrics.received(request("INVITE", ""));
    metrics.received(request("INVITE", ""));
    metrics.received(request("REGISTER", ""));
    metrics.received(request("FOOBAR", ""));
    PrometheusText t = PrometheusText.parse(metrics.scrape());
    assertEquals("counter", t.type("sipgw_sip_requests_total"));
    assertEquals(2.0, t.value("sipgw_sip_requests_total", "method", "INVITE"));
    assertEquals(1.0, t.value("sipgw_sip_requests_total", "method", "REGISTER"));
    assertEquals(1.0, t.value("sipgw_sip_requests_total", "method", "other"));
    assertEquals(0.0, t.value("sipgw_sip_requests_total", "method", "BYE"), "every known method has its series from the start");
    assertNull(t.value("sipgw_sip_requests_total", "method", "FOOBAR"), "no series per unknown method: cardinality stays bounded");
  }

  @Test
  void countsResponsesSentAndReceivedPerMethodAndCode() {
    metrics.responseSent(Metrics.methodIndex("REGISTER"), 200);
    metrics.responseSent(Metrics.methodIndex("REGISTER"), 200);
    metrics.responseSent(Metrics.methodIndex("REGISTER"), 401);
    metrics.responseSent("INVITE", ResponseBuilder.of(request("INVITE", ""), 486).toBuffer(), 0);
    metrics.received(parse("SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKx\r\n"
        + "From: <sip:a@localhost>;tag=1\r\nTo: <sip:b@localhost>;tag=2\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"));
    metrics.responseSent(Metrics.methodIndex("OPTIONS"), 999); // out of range: ignored
    PrometheusText t = PrometheusText.parse(metrics.scrape());
    assertEquals(2.0, t.value("sipgw_sip_responses_sent_total", "method", "REGISTER", "code", "200"));
    assertEquals(1.0, t.value("sipgw_sip_responses_sent_total", "method", "REGISTER", "code", "401"));
    assertEquals(1.0, t.value("sipgw_sip_responses_sent_total", "method", "INVITE", "code", "486"));
    assertEquals(1.0, t.value("sipgw_sip_responses_received_total", "method", "INVITE", "code", "180"));
    assertNull(t.value("sipgw_sip_responses_sent_total", "method", "OPTIONS"));
    // a series registered at one scrape goes on counting
    metrics.responseSent(Metrics.methodIndex("REGISTER"), 200);
    assertEquals(3.0, PrometheusText.parse(metrics.scrape()).value("sipgw_sip_responses_sent_total", "method", "REGISTER", "code", "200"));
  }

  @Test
  void firstResponseLatencyLandsInItsBucket() {
    int invite = Metrics.methodIndex("INVITE");
    metrics.firstResponse(invite, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(3));
    metrics.firstResponse(invite, 0); // unknown arrival: not counted
    PrometheusText t = PrometheusText.parse(metrics.scrape());
    assertEquals("histogram", t.type("sipgw_request_first_response_seconds"));
    assertEquals(1.0, t.value("sipgw_request_first_response_seconds_count", "method", "INVITE"));
    assertEquals(0.0, t.value("sipgw_request_first_response_seconds_bucket", "method", "INVITE", "le", "0.0025"));
    assertEquals(1.0, t.value("sipgw_request_first_response_seconds_bucket", "method", "INVITE", "le", "0.005"));
    assertEquals(1.0, t.value("sipgw_request_first_response_seconds_bucket", "method", "INVITE", "le", "+Inf"));
    double sum = t.value("sipgw_request_first_response_seconds_sum", "method", "INVITE");
    assertTrue(sum >= 0.003 && sum < 1.0, "sum " + sum);
  }

  @Test
  void serverTransactionCountsItsResponsesLatencyAndCalls() throws SipParseException {
    TransactionTable table = new TransactionTable(new NoTimers(), () -> new TransactionConfig(500, 4000, 5000, 10, 7, 0),
        () -> io.sipgw.config.BanConfig.DEFAULTS, 1, metrics);
    metrics.track(table);
    SipRequest invite = request("INVITE", "");
    ServerTransaction st = table.newServer("k1", invite, "127.0.0.1", false, data -> Future.succeededFuture(), true,
        System.nanoTime());
    SipRequest bye = request("BYE", ";tag=b1");
    ServerTransaction byeTx = table.newServer("k2", bye, "127.0.0.1", true, data -> Future.succeededFuture(), true, System.nanoTime());
    PrometheusText during = PrometheusText.parse(metrics.scrape());
    assertEquals(2.0, during.value("sipgw_transactions", "kind", "server"));
    st.respond(180, ResponseBuilder.of(invite, 180).toBuffer());
    st.respond(200, ResponseBuilder.of(invite, 200).toBuffer());
    st.respond(200, ResponseBuilder.of(invite, 200).toBuffer()); // a 2xx again from the callee: sent, counted, no new call
    PrometheusText answered = PrometheusText.parse(metrics.scrape());
    assertEquals(1.0, answered.value("sipgw_sip_responses_sent_total", "method", "INVITE", "code", "100"), "100 Trying");
    assertEquals(1.0, answered.value("sipgw_sip_responses_sent_total", "method", "INVITE", "code", "180"));
    assertEquals(2.0, answered.value("sipgw_sip_responses_sent_total", "method", "INVITE", "code", "200"));
    assertEquals(1.0, answered.value("sipgw_request_first_response_seconds_count", "method", "INVITE"), "the first response only");
    assertEquals(1.0, answered.value("sipgw_dialogs_active"));
    byeTx.respond(200, ResponseBuilder.of(bye, 200).toBuffer());
    PrometheusText ended = PrometheusText.parse(metrics.scrape());
    assertEquals(0.0, ended.value("sipgw_dialogs_active"));
    assertEquals(1.0, ended.value("sipgw_dialogs_ended_total"));
    assertEquals(1.0, ended.value("sipgw_transactions", "kind", "server"), "the BYE's (reliable) ended; the INVITE's waits in Accepted");
    JsonObject stats = metrics.statistics();
    JsonObject inviteSent = stats.getJsonObject("responses").getJsonObject("sent").getJsonObject("INVITE");
    assertEquals(2L, inviteSent.getLong("1xx"));
    assertEquals(2L, inviteSent.getLong("2xx"));
    assertEquals(1L, stats.getJsonObject("transactions").getLong("server"));
    assertEquals(1L, stats.getJsonObject("dialogs").getLong("answered"));
    metrics.untrack(table);
    assertEquals(0.0, PrometheusText.parse(metrics.scrape()).value("sipgw_transactions", "kind", "server"));
  }

  @Test
  void gaugesAndStatisticsReadTheirSources() {
    metrics.connections(java.util.List.of("TCP", "WS"), t -> t.equals("WS") ? 3 : 1);
    metrics.bindings(() -> 42);
    metrics.bans(() -> 2);
    metrics.dropped(Metrics.Drop.BANNED);
    metrics.dropped(Metrics.Drop.SCANNER);
    metrics.dropped(Metrics.Drop.SCANNER);
    metrics.received(request("OPTIONS", ""));
    metrics.responseSent(Metrics.methodIndex("OPTIONS"), 200);
    PrometheusText t = PrometheusText.parse(metrics.scrape());
    assertEquals(3.0, t.value("sipgw_connections", "transport", "WS"));
    assertEquals(1.0, t.value("sipgw_connections", "transport", "TCP"));
    assertEquals(42.0, t.value("sipgw_location_bindings"));
    assertEquals(2.0, t.value("sipgw_bans_active"));
    assertEquals(2.0, t.value("sipgw_sip_dropped_total", "reason", "scanner"));
    assertEquals(1.0, t.value("sipgw_sip_dropped_total", "reason", "banned"));
    JsonObject s = metrics.statistics();
    assertEquals(1L, s.getJsonObject("requests").getLong("OPTIONS"));
    assertEquals(1L, s.getJsonObject("requests").getLong("total"));
    assertEquals(1L, s.getJsonObject("responses").getJsonObject("sent").getJsonObject("total").getLong("2xx"));
    assertEquals(42, s.getInteger("bindings"));
    assertEquals(3L, s.getLong("websocket"));
    assertEquals(2L, s.getJsonObject("dropped").getLong("scanner"));
    assertEquals(2, s.getInteger("banned"));
  }

  @Test
  void redisAndRtpengineCommandsAreTimedAndTheirErrorsCounted() {
    metrics.redisCommand("evalsha", TimeUnit.MILLISECONDS.toNanos(1), null);
    metrics.redisCommand("evalsha", TimeUnit.MILLISECONDS.toNanos(2), "unavailable");
    metrics.rtpengineCommand("offer", TimeUnit.MILLISECONDS.toNanos(4), null);
    metrics.rtpengineCommand("something", TimeUnit.MILLISECONDS.toNanos(4), "refused");
    PrometheusText t = PrometheusText.parse(metrics.scrape());
    assertEquals(2.0, t.value("sipgw_redis_command_seconds_count", "command", "evalsha"));
    assertEquals(1.0, t.value("sipgw_redis_errors_total", "error", "unavailable"));
    assertEquals(1.0, t.value("sipgw_rtpengine_command_seconds_count", "command", "offer"));
    assertEquals(1.0, t.value("sipgw_rtpengine_command_seconds_count", "command", "other"));
    assertEquals(1.0, t.value("sipgw_rtpengine_errors_total", "error", "refused"));
  }

  @Test
  void jvmSeriesAreThere() {
    PrometheusText t = PrometheusText.parse(metrics.scrape());
    assertNotNull(t.type("jvm_memory_used_bytes"));
    assertTrue(t.sum("jvm_memory_used_bytes", "area", "heap") > 0);
    assertNotNull(t.type("jvm_threads_live_threads"));
    assertNotNull(t.type("process_uptime_seconds"));
    assertNotNull(t.type("system_cpu_count"));
  }

  @Test
  void statusIsReadFromTheResponseBytesAndMethodsByIndex() {
    assertEquals(404, Metrics.statusOf(Buffer.buffer("SIP/2.0 404 Not Found\r\n")));
    assertEquals(0, Metrics.statusOf(Buffer.buffer("INVITE sip:a SIP/2.0\r\n")));
    assertEquals(0, Metrics.statusOf(Buffer.buffer("SIP/2.0 ")));
    assertEquals(Metrics.INVITE, Metrics.methodIndex("INVITE"));
    assertEquals(Metrics.BYE, Metrics.methodIndex(new String("BYE".toCharArray())), "an equal String that is not the parser's");
    assertEquals(Metrics.OTHER, Metrics.methodIndex("invite"), "methods are case-sensitive");
    assertEquals(Metrics.OTHER, Metrics.methodIndex(null));
  }

  @Test
  void offCountsNothing() {
    Metrics.OFF.received(request("INVITE", ""));
    Metrics.OFF.responseSent(0, 200);
    assertFalse(Metrics.OFF.enabled());
    assertEquals("", Metrics.OFF.scrape());
    assertEquals(0L, Metrics.OFF.statistics().getJsonObject("requests").getLong("total"));
  }

  private static SipRequest request(String method, String toTag) {
    return (SipRequest) parse(method + " sip:bob@127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK" + method + toTag.length() + "\r\n"
        + "Max-Forwards: 69\r\n"
        + "From: <sip:alice@localhost>;tag=a1\r\n"
        + "To: <sip:bob@localhost>" + toTag + "\r\n"
        + "Call-ID: call-1@test\r\n"
        + "CSeq: 7 " + method + "\r\n"
        + "Content-Length: 0\r\n\r\n");
  }

  private static SipMessage parse(String text) {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    try {
      return MessageParser.parse(b, 0, b.length, true);
    } catch (SipParseException e) {
      throw new AssertionError(e.reason(), e);
    }
  }

  /** Timers that never fire: the test looks at states before any timer. */
  private static final class NoTimers implements Scheduler {
    private long ids;

    @Override
    public long schedule(long delayMillis, Runnable task) { return ++ids; }

    @Override
    public void cancel(long id) { }

    @Override
    public void expire(long delayMillis, Runnable task) { }

    @Override
    public void execute(Runnable task) { task.run(); }
  }
}
