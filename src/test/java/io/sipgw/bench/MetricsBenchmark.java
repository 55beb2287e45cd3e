package io.sipgw.bench;

import io.sipgw.metrics.Metrics;
import io.sipgw.sip.MessageParser;
import io.sipgw.sip.ResponseBuilder;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipResponse;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
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
 * What the metrics cost per message, {@code on} (a node's {@link Metrics#create}) against {@code off}
 * ({@link Metrics#OFF}): a request counted as received; a REGISTER's whole share (received, its 200
 * counted as sent with the latency since its arrival); a response received (its CSeq method read); a
 * scrape of the text. Shared by all threads, as the event loops share one node's metrics: run with
 * {@code -t 2} to see two loops counting at once. {@code bench/jmh.sh MetricsBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsBenchmark {
  @Param({"on", "off"})
  public String metrics;

  private Metrics m;
  private SipRequest register;
  private SipResponse ringing;
  private Buffer ok;

  @Setup
  public void setUp() throws SipParseException {
    m = metrics.equals("on") ? Metrics.create() : Metrics.OFF;
    register = (SipRequest) parse("REGISTER sip:localhost SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-1\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:alice@localhost>;tag=a1\r\n"
        + "To: <sip:alice@localhost>\r\n"
        + "Call-ID: reg-1@bench\r\n"
        + "CSeq: 1 REGISTER\r\n"
        + "Contact: <sip:alice@127.0.0.1:5080>\r\n"
        + "Content-Length: 0\r\n\r\n");
    ringing = (SipResponse) parse("SIP/2.0 180 Ringing\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-2\r\n"
        + "From: <sip:alice@localhost>;tag=a1\r\n"
        + "To: <sip:bob@localhost>;tag=b1\r\n"
        + "Call-ID: call-1@bench\r\n"
        + "CSeq: 1 INVITE\r\n"
        + "Content-Length: 0\r\n\r\n");
    ringing.cseq(); // parsed once, as the routing loop would have it
    ok = ResponseBuilder.of(register, 200).toBuffer();
  }

  @TearDown
  public void tearDown() { m.close(); }

  /** A request counted as received (Dispatcher.receive). */
  @Benchmark
  public void requestReceived() { m.received(register); }

  /** A response counted as received: by its CSeq method and status. */
  @Benchmark
  public void responseReceived() { m.received(ringing); }

  /** A REGISTER's whole share: received; its 200 sent statelessly, with the latency from its arrival. */
  @Benchmark
  public void registerAnswered() {
    long at = m.enabled() ? System.nanoTime() : 0;
    m.received(register);
    m.responseSent(register.method(), ok, at);
  }

  /** The Prometheus text of every series (a scrape, off the hot path). */
  @Benchmark
  public String scrape() { return m.scrape(); }

  private static io.sipgw.sip.SipMessage parse(String text) throws SipParseException {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    return MessageParser.parse(b, 0, b.length, true);
  }
}
