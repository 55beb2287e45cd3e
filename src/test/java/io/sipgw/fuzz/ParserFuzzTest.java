package io.sipgw.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sipgw.sip.MessageParser;
import io.sipgw.sip.MessageValidator;
import io.sipgw.sip.SipMessage;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.transport.StreamFramer;
import io.vertx.core.buffer.Buffer;

/**
 * Coverage-guided fuzzing (Jazzer) of what reads bytes from the network: the SIP message parser with
 * the validation every request gets, and the stream framer fed in arbitrary pieces. Nothing but the
 * parser's own {@link SipParseException} may come out, and the framer may only hand on messages
 * within its size limit or report a fault.
 *
 * <p>{@code mvn test} replays the inputs kept under src/test/resources/io/sipgw/fuzz/ParserFuzzTestInputs
 * (regression); every test run then fuzzes each target for 25 s (the {@code fuzz-*} executions in
 * pom.xml). Longer on demand, 30 minutes, one target per run:
 * {@code JAZZER_FUZZ=1 mvn test -Dfuzz.skip=true -Dtest='ParserFuzzTest#parseLong'} (or {@code #frameLong}).
 */
class ParserFuzzTest {
  private static final int MAX_MESSAGE = 4096;

  @FuzzTest(maxDuration = "25s")
  void parse(byte[] data) {
    SipMessage m;
    try {
      m = MessageParser.parse(data, 0, data.length, true);
      MessageValidator.validate(m);
      if (m instanceof SipRequest r) {
        MessageValidator.validateRequest(r);
        r.requestUri();
        r.vias();
        r.from();
        r.to();
        r.cseq();
        r.maxForwards();
      }
      m.callId();
    } catch (SipParseException expected) {
      // the parser's own verdict on bad input
    }
  }

  /** {@link #parse} for 30 minutes, run on demand (see above). */
  @FuzzTest(maxDuration = "30m")
  void parseLong(byte[] data) { parse(data); }

  /** {@link #frame} for 30 minutes, run on demand. */
  @FuzzTest(maxDuration = "30m")
  void frameLong(FuzzedDataProvider data) { frame(data); }

  @FuzzTest(maxDuration = "25s")
  void frame(FuzzedDataProvider data) {
    int[] messages = {0};
    StreamFramer framer = new StreamFramer(MAX_MESSAGE, new StreamFramer.Sink() {
      @Override public void message(byte[] message) {
        assertTrue(message.length <= MAX_MESSAGE, "a message above the limit was handed on: " + message.length);
        messages[0]++;
      }

      @Override public void ping() { }

      @Override public void fatal(int status, String reason, byte[] head) {
        assertTrue(status >= 400 && status < 600, "fault status " + status);
      }
    });
    while (data.remainingBytes() > 0) {
      int piece = data.consumeInt(1, 512);
      framer.feed(Buffer.buffer(data.consumeBytes(piece)));
    }
  }
}
