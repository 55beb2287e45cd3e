package io.sipgw.bench;

import io.sipgw.config.RegistrarConfig;
import io.sipgw.registrar.Registrar;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.MessageParser;
import io.sipgw.sip.MessageValidator;
import io.sipgw.sip.SipMessage;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.Transport;
import io.sipgw.store.MemoryLocationStore;
import io.sipgw.transport.Flow;
import io.sipgw.transport.Listener;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot path of a REGISTER without sockets: the received bytes parsed, validated, applied to the
 * in-memory location store and answered with the 200 the gateway would send. Run with
 * {@code bench/jmh.sh RegisterPipeline} (add {@code -prof gc} for allocation per operation).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RegisterPipelineBenchmark {
  private static final Flow FLOW = new Flow(Transport.UDP,
      new Listener("udp:127.0.0.1:5060", Transport.UDP, "127.0.0.1", 5060, "127.0.0.1", 5060), "127.0.0.1", 5061, 0);

  private byte[][] registers;
  /** The same REGISTERs with a ten-digit CSeq that every refresh raises in place. */
  private byte[][] refreshes;
  private int[] cseqAt;
  private long[] cseqs;
  private byte[] invite;
  private Registrar registrar;
  private int next;

  @Setup
  public void setUp() {
    registers = new byte[4096][];
    for (int i = 0; i < registers.length; i++) {
      registers[i] = ("REGISTER sip:localhost SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-4711-" + i + "-0\r\n"
          + "Max-Forwards: 70\r\n"
          + "From: <sip:user" + i + "@localhost>;tag=4711SIPpTag00" + i + "\r\n"
          + "To: <sip:user" + i + "@localhost>\r\n"
          + "Call-ID: " + i + "-4711@127.0.0.1\r\n"
          + "CSeq: 1 REGISTER\r\n"
          + "Contact: <sip:user" + i + "@127.0.0.1:5061;transport=udp>\r\n"
          + "Expires: 3600\r\n"
          + "User-Agent: bench\r\n"
          + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }
    refreshes = new byte[registers.length][];
    cseqAt = new int[registers.length];
    cseqs = new long[registers.length];
    for (int i = 0; i < registers.length; i++) {
      String text = new String(registers[i], StandardCharsets.ISO_8859_1).replace("CSeq: 1 REGISTER", "CSeq: 0000000000 REGISTER");
      refreshes[i] = text.getBytes(StandardCharsets.ISO_8859_1);
      cseqAt[i] = text.indexOf("CSeq: ") + 6;
    }
    invite = ("INVITE sip:bob@localhost SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-1-1-0\r\n"
        + "Max-Forwards: 70\r\nFrom: <sip:alice@localhost>;tag=1\r\nTo: <sip:bob@localhost>\r\n"
        + "Call-ID: 1-1@127.0.0.1\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@127.0.0.1:5062>\r\n"
        + "Content-Type: application/sdp\r\nContent-Length: 113\r\n\r\n"
        + "v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n").getBytes(StandardCharsets.ISO_8859_1);
    RegistrarConfig cfg = new RegistrarConfig(60, 3600, 3600, 10);
    registrar = new Registrar(new MemoryLocationStore(null, 3_600_000), () -> cfg, System::currentTimeMillis);
  }

  /** Framing and header location only. */
  @Benchmark
  public SipMessage parseInvite() throws SipParseException {
    return MessageParser.parse(invite, 0, invite.length, true);
  }

  /** Parse plus the validation every request gets (Via, From, To, CSeq, Contact, Route read). */
  @Benchmark
  public SipMessage parseAndValidateInvite() throws SipParseException {
    SipMessage m = MessageParser.parse(invite, 0, invite.length, true);
    MessageValidator.validate(m);
    return m;
  }

  /**
   * Parse, validate, register, write the 200 — one of 4096 REGISTERs sent again and again: after the
   * first round each is a retransmission (same Call-ID and CSeq), answered without a store write.
   */
  @Benchmark
  public Buffer register() throws SipParseException {
    byte[] bytes = registers[next++ & (registers.length - 1)];
    SipRequest r = (SipRequest) MessageParser.parse(bytes, 0, bytes.length, true);
    MessageValidator.validate(r);
    String user = r.to().uri().user();
    return registrar.register(r, FLOW, user + "@localhost").result();
  }

  /**
   * A refresh as a phone sends it: the same Call-ID with a higher CSeq each time (one of 4096
   * users), so every operation replaces the stored binding (as a REGISTER of a new user adds one).
   */
  @Benchmark
  public Buffer registerRefresh() throws SipParseException {
    int i = next++ & (refreshes.length - 1);
    byte[] bytes = refreshes[i];
    long n = ++cseqs[i];
    for (int d = cseqAt[i] + 9; d >= cseqAt[i]; d--, n /= 10) bytes[d] = (byte) ('0' + n % 10);
    SipRequest r = (SipRequest) MessageParser.parse(bytes, 0, bytes.length, true);
    MessageValidator.validate(r);
    String user = r.to().uri().user();
    return registrar.register(r, FLOW, user + "@localhost").result();
  }

  /** Parse an INVITE and write the edit a proxy makes (Via on top, Max-Forwards, Record-Route). */
  @Benchmark
  public Buffer forwardEdit() throws SipParseException {
    SipMessage m = MessageParser.parse(invite, 0, invite.length, true);
    return m.edit()
        .replace(m.field(HeaderName.MAX_FORWARDS), "69")
        .prepend(HeaderName.RECORD_ROUTE, "<sip:127.0.0.1:5060;transport=udp;lr>")
        .prepend(HeaderName.VIA, "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKabc.def")
        .toBuffer();
  }
}
