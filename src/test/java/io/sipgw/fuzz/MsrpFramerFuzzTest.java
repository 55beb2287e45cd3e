package io.sipgw.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sipgw.msrp.MsrpFramer;
import io.sipgw.msrp.MsrpHead;
import io.sipgw.msrp.MsrpUri;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of the MSRP framer: arbitrary bytes in arbitrary pieces. Nothing
 * may be thrown (a bad stream is reported through {@code fail}), the events keep their order (a head,
 * body bytes only after a head that has a body, one end, nothing after a failure), and the same bytes
 * give the same events whether they come whole or in pieces. Each head found is also read the ways the
 * relay reads it (method, status, paths as MSRP URIs, the head rewritten with new paths).
 *
 * <p>{@code mvn test} replays the inputs under src/test/resources/io/sipgw/fuzz/MsrpFramerFuzzTestInputs;
 * every test run then fuzzes for 10 s (the {@code fuzz-msrp-frame} execution in pom.xml). Longer on demand:
 * {@code JAZZER_FUZZ=1 mvn test -Dfuzz.skip=true -Dtest='MsrpFramerFuzzTest#frameLong'}.
 */
class MsrpFramerFuzzTest {
  /** Small, so that heads pass it often. */
  private static final int MAX_HEAD = 256;

  @FuzzTest(maxDuration = "10s")
  void frame(FuzzedDataProvider data) {
    List<byte[]> pieces = new ArrayList<>();
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    while (data.remainingBytes() > 0) {
      byte[] piece = data.consumeBytes(data.consumeInt(1, 300));
      pieces.add(piece);
      whole.writeBytes(piece);
    }
    Events split = new Events();
    MsrpFramer framer = new MsrpFramer(split, MAX_HEAD);
    for (byte[] p : pieces) {
      framer.feed(Buffer.buffer(p));
      assertEquals(split.inBody, framer.inBody(), "inBody() after a piece");
    }
    Events once = new Events();
    new MsrpFramer(once, MAX_HEAD).feed(Buffer.buffer(whole.toByteArray()));
    assertEquals(once.events(), split.events(), "whole and in pieces");
    assertTrue(split.dataTotal <= whole.size());
  }

  /** {@link #frame} for 30 minutes, run on demand. */
  @FuzzTest(maxDuration = "30m")
  void frameLong(FuzzedDataProvider data) { frame(data); }

  /** The events as text, consecutive data joined; checks their order as they come. */
  private static final class Events implements MsrpFramer.Handler {
    private final List<String> events = new ArrayList<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    /** The tid whose body is being read, as the framer's inBody() should say. */
    String inBody;
    boolean awaitingEnd;
    boolean failed;
    long dataTotal;

    @Override public void head(MsrpHead head) {
      assertFalse(failed, "a head after a failure");
      assertFalse(awaitingEnd, "a head before the last message ended");
      String tid = head.tid();
      assertTrue(tid.length() >= 4 && tid.length() <= 32, tid);
      read(head);
      events.add("head:" + new String(head.bytes(), StandardCharsets.ISO_8859_1) + (head.hasBody() ? "[body]" : ""));
      awaitingEnd = true;
      inBody = head.hasBody() ? tid : null;
    }

    @Override public void data(Buffer bytes) {
      assertFalse(failed, "data after a failure");
      assertTrue(inBody != null, "data outside a body");
      assertTrue(bytes.length() > 0, "empty data");
      dataTotal += bytes.length();
      body.writeBytes(bytes.getBytes());
    }

    @Override public void end(char flag) {
      assertFalse(failed, "an end after a failure");
      assertTrue(awaitingEnd, "an end without a head");
      assertTrue(flag == '$' || flag == '+' || flag == '#', "flag " + flag);
      flush();
      events.add("end:" + flag);
      awaitingEnd = false;
      inBody = null;
    }

    @Override public void fail(String why) {
      assertFalse(failed, "a second failure");
      assertTrue(why != null && !why.isEmpty());
      flush();
      // why it failed may be seen sooner in pieces (the head cap before a bad start line's end)
      events.add("fail");
      failed = true;
    }

    List<String> events() {
      flush();
      return events;
    }

    private void flush() {
      if (body.size() == 0) return;
      events.add("data:" + body.toString(StandardCharsets.ISO_8859_1));
      body.reset();
    }

    /** Reads the head as the relay does; nothing may throw. */
    private static void read(MsrpHead head) {
      if (head.isResponse()) {
        int status = head.status();
        assertTrue(status >= 0 && status <= 999, "status " + status);
      } else {
        assertTrue(head.method() != null);
      }
      List<String> to = head.toPath();
      List<String> from = head.fromPath();
      for (String u : to) MsrpUri.parse(u);
      for (String u : from) {
        MsrpUri uri = MsrpUri.parse(u);
        if (uri != null) {
          assertEquals(uri, MsrpUri.parse(uri.toString()), "toString reads back");
          uri.authority();
        }
      }
      head.header("Failure-Report");
      head.headers("Authorization");
      MsrpHead rewritten = head.withPaths(to.isEmpty() ? to : to.subList(1, to.size()), from);
      assertEquals(head.tid(), rewritten.tid());
      rewritten.bytes();
    }
  }
}
