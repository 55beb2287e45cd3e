package io.sipgw.bench;

import io.sipgw.config.BanConfig;
import io.sipgw.config.TransactionConfig;
import io.sipgw.metrics.Metrics;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.MessageParser;
import io.sipgw.sip.Methods;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipResponse;
import io.sipgw.transaction.ClientTransaction;
import io.sipgw.transaction.Scheduler;
import io.sipgw.transaction.ServerTransaction;
import io.sipgw.transaction.TransactionKey;
import io.sipgw.transaction.TransactionTable;
import io.sipgw.transaction.Wire;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The transaction layer's share of a proxied call, without sockets or routing: for the INVITE and
 * the BYE, a server transaction (matched, created, answered) and a client transaction (created,
 * sent, matched by the responses 180/200 and 200), then every timer of the four run out as they
 * would after 64*T1. Messages are parsed from bytes as received, and counted in the metrics as the
 * dispatcher and the server transactions count them ({@code metrics=on}) or not ({@code off}). Run with
 * {@code bench/jmh.sh TransactionBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TransactionBenchmark {
  private static final Wire SINK = data -> Future.succeededFuture();
  private static final String OUR_BRANCH = "z9hG4bKloop.proxy1";

  /** Timers that never fire on their own: the benchmark runs what fell due at the end of a call. */
  private static final class Deferred implements Scheduler {
    final ArrayDeque<Runnable> due = new ArrayDeque<>();
    long ids;

    @Override public long schedule(long delayMillis, Runnable task) { return ++ids; }

    @Override public void cancel(long id) { }

    @Override public void expire(long delayMillis, Runnable task) { due.add(task); }

    @Override public void execute(Runnable task) { task.run(); }
  }

  /** With the node's metrics counting every message and response ({@code on}), or not ({@link Metrics#OFF}). */
  @Param({"off", "on"})
  public String metrics;

  private final Deferred timers = new Deferred();
  private Metrics m;
  private TransactionTable table;
  private byte[] invite;
  private byte[] bye;
  private byte[] ringing;
  private byte[] ok;
  private byte[] byeOk;

  @Setup
  public void setUp() {
    m = metrics.equals("on") ? Metrics.create() : Metrics.OFF;
    table = new TransactionTable(timers, TransactionConfig::defaults, () -> BanConfig.DEFAULTS, 1, m);
    invite = bytes("INVITE sip:bob@127.0.0.1:5070 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-1-1-0\r\nMax-Forwards: 70\r\n"
        + "From: <sip:alice@localhost>;tag=1\r\nTo: <sip:bob@localhost>\r\nCall-ID: 1-1@127.0.0.1\r\n"
        + "CSeq: 1 INVITE\r\nContact: <sip:alice@127.0.0.1:5062>\r\nContent-Length: 0\r\n\r\n");
    bye = bytes("BYE sip:bob@127.0.0.1:5070 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-1-1-6\r\nMax-Forwards: 70\r\n"
        + "From: <sip:alice@localhost>;tag=1\r\nTo: <sip:bob@localhost>;tag=2\r\nCall-ID: 1-1@127.0.0.1\r\n"
        + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
    ringing = bytes(response(180, "INVITE", 1));
    ok = bytes(response(200, "INVITE", 1));
    byeOk = bytes(response(200, "BYE", 2));
  }

  @TearDown
  public void tearDown() { m.close(); }

  private static String response(int status, String method, int cseq) {
    return "SIP/2.0 " + status + " X\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=" + OUR_BRANCH + "\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-1-1-0\r\nFrom: <sip:alice@localhost>;tag=1\r\n"
        + "To: <sip:bob@localhost>;tag=2\r\nCall-ID: 1-1@127.0.0.1\r\nCSeq: " + cseq + " " + method + "\r\nContent-Length: 0\r\n\r\n";
  }

  private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

  @Benchmark
  public int oneCallsTransactions() throws SipParseException {
    exchange(invite, Methods.INVITE, ringing, ok);
    exchange(bye, Methods.BYE, byeOk);
    while (!timers.due.isEmpty()) timers.due.poll().run();
    return table.serverCount() + table.clientCount();
  }

  private void exchange(byte[] requestBytes, String method, byte[]... responses) throws SipParseException {
    SipRequest req = (SipRequest) MessageParser.parse(requestBytes, 0, requestBytes.length, true);
    req.to(); // parsed by the router before any transaction (whether the request is in a dialog), in either mode
    long at = m.enabled() ? System.nanoTime() : 0;
    m.received(req);
    String key = TransactionKey.server(req, method);
    if (table.retransmission(key)) throw new IllegalStateException("left over: " + key);
    ServerTransaction server = table.newServer(key, req, "192.0.2.1", false, SINK, true, at);
    ClientTransaction.User relay = new ClientTransaction.User() {
      @Override public void response(ClientTransaction tx, SipResponse r) {
        try {
          server.respond(r.status(), r.edit().removeFirstValue(HeaderName.VIA, r.topVia().toString()).toBuffer());
        } catch (SipParseException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override public void timeout(ClientTransaction tx) { }

      @Override public void transportError(ClientTransaction tx, String reason) { }
    };
    table.newClient(method, OUR_BRANCH, Buffer.buffer(requestBytes), req.callId(), false, SINK, relay).start();
    for (byte[] r : responses) {
      SipResponse resp = (SipResponse) MessageParser.parse(r, 0, r.length, true);
      m.received(resp);
      table.receive(resp);
    }
  }
}
