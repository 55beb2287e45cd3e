package io.sipgw.msrp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The MSRP stream framer (RFC 4975 §7.1, §8): heads, bodies passed on as they come, end-lines and their flags. */
class MsrpFramerTest {
  private static final int MAX_HEAD = 1024;
  private static final String TO = "To-Path: msrp://relay.example.com:2855/s1;tcp msrp://bob.example.com:8888/9di4eae923wzd;tcp\r\n";
  private static final String FROM = "From-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\r\n";

  private static String send(String tid, String body, char flag) {
    return "MSRP " + tid + " SEND\r\n" + TO + FROM + "Message-ID: 12339sdqwer\r\nByte-Range: 1-*/*\r\nContent-Type: text/plain\r\n\r\n"
        + body + "\r\n-------" + tid + flag + "\r\n";
  }

  private static final String SEND = send("a786hjs2", "Hi, I'm Alice!", '$');
  private static final String OK = "MSRP a786hjs2 200 OK\r\n" + TO + FROM + "-------a786hjs2$\r\n";
  private static final String REPORT = "MSRP dkei38sd REPORT\r\n" + TO + FROM + "Message-ID: 12339sdqwer\r\nByte-Range: 1-14/14\r\n"
      + "Status: 000 200 OK\r\n-------dkei38sd$\r\n";

  /** What the framer reports, as text; consecutive data joined, and every data callback's size kept. */
  static final class Recorder implements MsrpFramer.Handler {
    final List<String> events = new ArrayList<>();
    final List<MsrpHead> heads = new ArrayList<>();
    final List<Integer> dataSizes = new ArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    long dataTotal;

    @Override public void head(MsrpHead head) {
      flush();
      heads.add(head);
      events.add("head:" + new String(head.bytes(), StandardCharsets.ISO_8859_1) + (head.hasBody() ? "[body]" : "[no body]"));
    }

    @Override public void data(Buffer bytes) {
      assertTrue(bytes.length() > 0, "an empty data callback");
      dataSizes.add(bytes.length());
      dataTotal += bytes.length();
      data.writeBytes(bytes.getBytes());
    }

    @Override public void end(char flag) {
      flush();
      events.add("end:" + flag);
    }

    @Override public void fail(String why) {
      flush();
      events.add("fail:" + why);
    }

    List<String> events() {
      flush();
      return events;
    }

    private void flush() {
      if (data.size() == 0) return;
      events.add("data:" + data.toString(StandardCharsets.ISO_8859_1));
      data.reset();
    }
  }

  private final Recorder rec = new Recorder();
  private final MsrpFramer framer = new MsrpFramer(rec, MAX_HEAD);

  private static Buffer buf(String s) { return Buffer.buffer(s.getBytes(StandardCharsets.ISO_8859_1)); }

  /** The head of {@code message} as the framer hands it on: everything up to the blank line or end-line. */
  private static String headOf(String message, boolean body) {
    String tid = message.split(" ")[1];
    int end = body ? message.indexOf("\r\n\r\n") + 2 : message.indexOf("-------" + tid);
    return "head:" + message.substring(0, end) + (body ? "[body]" : "[no body]");
  }

  /** The events of a SEND built by {@link #send}. */
  private static List<String> sendEvents(String tid, String body, char flag) {
    String m = send(tid, body, flag);
    List<String> out = new ArrayList<>();
    out.add(headOf(m, true));
    if (!body.isEmpty()) out.add("data:" + body);
    out.add("end:" + flag);
    return out;
  }

  private static List<String> feedAll(String stream) {
    Recorder r = new Recorder();
    new MsrpFramer(r, MAX_HEAD).feed(buf(stream));
    return r.events();
  }

  private static List<String> feedPieces(String stream, int... cuts) {
    Recorder r = new Recorder();
    MsrpFramer f = new MsrpFramer(r, MAX_HEAD);
    int from = 0;
    for (int cut : cuts) {
      f.feed(buf(stream.substring(from, cut)));
      from = cut;
    }
    f.feed(buf(stream.substring(from)));
    return r.events();
  }

  private static List<String> byteByByte(String stream) {
    Recorder r = new Recorder();
    MsrpFramer f = new MsrpFramer(r, MAX_HEAD);
    for (int i = 0; i < stream.length(); i++) f.feed(buf(stream.substring(i, i + 1)));
    return r.events();
  }

  private static List<String> randomSplits(String stream, long seed) {
    Random random = new Random(seed);
    Recorder r = new Recorder();
    MsrpFramer f = new MsrpFramer(r, MAX_HEAD);
    for (int i = 0; i < stream.length(); ) {
      int n = Math.min(stream.length() - i, 1 + random.nextInt(random.nextBoolean() ? 8 : 120));
      f.feed(buf(stream.substring(i, i + n)));
      i += n;
    }
    return r.events();
  }

  /** The same events whether {@code stream} comes whole, byte by byte, cut once anywhere, or in random pieces. */
  private static void assertEveryWay(List<String> expected, String stream) {
    assertEquals(expected, feedAll(stream), "whole");
    assertEquals(expected, byteByByte(stream), "byte by byte");
    for (int cut = 0; cut <= stream.length(); cut++) assertEquals(expected, feedPieces(stream, cut), "cut at " + cut);
    for (long seed = 0; seed < 20; seed++) assertEquals(expected, randomSplits(stream, seed), "random pieces, seed " + seed);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  @Test
  void aSendWithABodyInEverySplit() {
    assertEveryWay(sendEvents("a786hjs2", "Hi, I'm Alice!", '$'), SEND);
  }

  @Test
  void aBodyLessResponseAndReport() {
    assertEveryWay(List.of(headOf(OK, false), "end:$"), OK);
    assertEveryWay(List.of(headOf(REPORT, false), "end:$"), REPORT);
    assertEquals(List.of("head:MSRP abcd 200 OK\r\n[no body]", "end:$"), feedAll("MSRP abcd 200 OK\r\n-------abcd$\r\n"));
  }

  @Test
  void manyMessagesInOneBufferComeOutInOrder() {
    String stream = SEND + OK + send("xq7z", "x", '+') + REPORT + send("Zz.-+%=9", "second\r\n", '#');
    List<String> expected = new ArrayList<>(sendEvents("a786hjs2", "Hi, I'm Alice!", '$'));
    expected.addAll(List.of(headOf(OK, false), "end:$"));
    expected.addAll(sendEvents("xq7z", "x", '+'));
    expected.addAll(List.of(headOf(REPORT, false), "end:$"));
    expected.addAll(sendEvents("Zz.-+%=9", "second\r\n", '#'));
    assertEveryWay(expected, stream);
    MsrpFramerTest t = new MsrpFramerTest();
    t.framer.feed(buf(stream));
    assertEquals(List.of("SEND", "200", "SEND", "REPORT", "SEND"),
        t.rec.heads.stream().map(h -> h.isResponse() ? String.valueOf(h.status()) : h.method()).toList());
    assertEquals(List.of("a786hjs2", "a786hjs2", "xq7z", "dkei38sd", "Zz.-+%=9"), t.rec.heads.stream().map(MsrpHead::tid).toList());
  }

  @ParameterizedTest
  @ValueSource(chars = {'$', '+', '#'})
  void eachContinuationFlagEndsTheBody(char flag) {
    assertEveryWay(sendEvents("f1a9", "chunk", flag), send("f1a9", "chunk", flag));
  }

  @Test
  void anEmptyBodyBetweenTheBlankLineAndTheEndLine() {
    assertEveryWay(sendEvents("e0e0e0", "", '$'), send("e0e0e0", "", '$'));
  }

  @Test
  void whatOnlyLooksLikeAnEndLineStaysBody() {
    String tid = "a786hjs2";
    String[] bodies = {
        "before\r\n-------otherTid$\r\nafter",        // another transaction's end-line
        "before\r\n-------" + tid + "\r\nafter",      // our tid, no flag
        "before\r\n-------" + tid + "!\r\nafter",     // our tid, not a flag
        "before\r\n-------" + tid + "$x\r\nafter",    // a flag, no CRLF right after it
        "before\r\n-------" + tid + "$\rafter",       // a flag, CR without LF
        "before\r\n-------" + tid + "0$\r\nafter",    // a longer tid that begins with ours
        "before\r\n------" + tid + "$\r\nafter",      // six dashes
        "before-------" + tid + "$\r\nafter",         // no CRLF before it
        "\r\n\r\n-------",                            // CRLFs and dashes, nothing more
        "-------" + tid + "$\r\n",                    // at the very start of the body: no CRLF before it
        "ends in CRLFs\r\n\r\n\r\n",                  // CRLFs at the end of the body
        "\r\r\r\n\n\n\r",                             // stray CRs and LFs
    };
    for (String body : bodies) assertEveryWay(sendEvents(tid, body, '$'), send(tid, body, '$'));
  }

  @Test
  void theEndLineCutAtEachByteStillEndsTheMessage() {
    String m = send("cut123", "body\r\n", '+') + OK;
    List<String> expected = concat(sendEvents("cut123", "body\r\n", '+'), List.of(headOf(OK, false), "end:$"));
    int endLine = m.indexOf("\r\n-------cut123+");
    for (int a = endLine - 1; a <= endLine + 20; a++) {
      for (int b = a; b <= endLine + 20; b++) assertEquals(expected, feedPieces(m, a, b), "cut at " + a + " and " + b);
    }
  }

  @Test
  void aBodyIsHandedOnAsItComesNotWhenTheMessageEnds() {
    String m = send("live01", "first part, second part", '$');
    int second = m.indexOf(", second");
    framer.feed(buf(m.substring(0, second)));
    assertEquals(List.of(headOf(m, true), "data:first part"), rec.events());
    assertEquals("live01", framer.inBody());
    framer.feed(buf(m.substring(second)));
    assertEquals(List.of(headOf(m, true), "data:first part", "data:, second part", "end:$"), rec.events());
    assertNull(framer.inBody());
  }

  @Test
  void aFiveMegabyteBodyIn64KFeedsHoldsBackOnlyAnEndLinesWorth() {
    String tid = "big5MB00";
    byte[] body = new byte[5 * 1024 * 1024];
    new Random(42).nextBytes(body);
    // some near-misses in the body: CRLF dashes, our tid without a flag
    byte[] nearMiss = ("\r\n-------" + tid + "x\r\n-------").getBytes(StandardCharsets.ISO_8859_1);
    for (int at = 1000; at + nearMiss.length < body.length; at += 300_001) System.arraycopy(nearMiss, 0, body, at, nearMiss.length);
    byte[] head = ("MSRP " + tid + " SEND\r\n" + TO + FROM + "Byte-Range: 1-" + body.length + "/" + body.length
        + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] tail = ("\r\n-------" + tid + "$\r\n").getBytes(StandardCharsets.ISO_8859_1);
    Buffer stream = Buffer.buffer().appendBytes(head).appendBytes(body).appendBytes(tail);
    ByteArrayOutputStream got = new ByteArrayOutputStream(body.length);
    long[] ends = {0};
    MsrpFramer f = new MsrpFramer(new MsrpFramer.Handler() {
      @Override public void head(MsrpHead h) { assertTrue(h.hasBody()); }

      @Override public void data(Buffer bytes) { got.writeBytes(bytes.getBytes()); }

      @Override public void end(char flag) {
        assertEquals('$', flag);
        ends[0]++;
      }

      @Override public void fail(String why) { throw new AssertionError(why); }
    }, MAX_HEAD);
    int maxHeld = tail.length - 1; // a CRLF, the dashes, the tid and the flag: perhaps the end-line
    for (int at = 0; at < stream.length(); at += 65536) {
      int to = Math.min(stream.length(), at + 65536);
      f.feed(stream.getBuffer(at, to));
      long bodyFed = Math.min(body.length, Math.max(0, to - head.length));
      if (to < head.length + body.length) {
        assertTrue(bodyFed - got.size() <= maxHeld, "held back " + (bodyFed - got.size()) + " bytes after " + to);
      }
    }
    assertEquals(1, ends[0]);
    assertEquals(body.length, got.size());
    assertArrayEquals(body, got.toByteArray());
  }

  @Test
  void aBodyOfCrlfsFedByteByByteHoldsBackLittle() {
    String tid = "crlf0001";
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 200; i++) body.append(i % 7 == 0 ? "\r\n-------" : "\r\n");
    String m = send(tid, body.toString(), '$');
    int bodyStart = m.indexOf("\r\n\r\n") + 4;
    for (int i = 0; i < m.length(); i++) {
      framer.feed(buf(m.substring(i, i + 1)));
      int bodyFed = Math.max(0, Math.min(body.length(), i + 1 - bodyStart));
      assertTrue(bodyFed - rec.dataTotal <= 2 + 7 + tid.length() + 2, "held back " + (bodyFed - rec.dataTotal) + " at " + i);
    }
    assertEquals(sendEvents(tid, body.toString(), '$'), rec.events());
  }

  @Test
  void aHeadAtTheCapPassesInEverySplitAndOneByteMoreFails() {
    // body-less: the head is all but the end-line; with a body: all up to the blank line
    String start = "MSRP cap00001 SEND\r\n" + TO + FROM + "X-Pad: ";
    int pad = MAX_HEAD - start.length() - 2;
    String atCap = start + "p".repeat(pad) + "\r\n";
    assertEquals(MAX_HEAD, atCap.length());
    assertEveryWay(List.of("head:" + atCap + "[no body]", "end:$"), atCap + "-------cap00001$\r\n");
    assertEveryWay(List.of("head:" + atCap + "[body]", "data:b", "end:$"), atCap + "\r\nb\r\n-------cap00001$\r\n");
    String over = start + "p".repeat(pad + 1) + "\r\n";
    for (String m : List.of(over + "-------cap00001$\r\n", over + "\r\nb\r\n-------cap00001$\r\n")) {
      assertEveryWay(List.of("fail:headers longer than " + MAX_HEAD + " bytes"), m);
    }
  }

  @Test
  void aHeadThatNeverEndsFailsOnceItPassesTheCap() {
    String start = "MSRP cap00002 SEND\r\n" + TO;
    framer.feed(buf(start));
    while (rec.events().isEmpty()) framer.feed(buf("X-Long: " + "y".repeat(100) + "\r\n"));
    assertEquals(List.of("fail:headers longer than " + MAX_HEAD + " bytes"), rec.events());
    assertEquals(List.of("fail:headers longer than " + MAX_HEAD + " bytes"), feedAll("MSRP " + "n".repeat(2000)));
  }

  @Test
  void afterAFailureNothingMoreIsReported() {
    framer.feed(buf("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    framer.feed(buf(SEND));
    assertEquals(1, rec.events().size());
    assertTrue(rec.events().get(0).startsWith("fail:not an MSRP start line: GET / HTTP/1.1"), rec.events().toString());
  }

  @Test
  void aFailureAfterGoodMessagesKeepsWhatCameBefore() {
    assertEveryWay(concat(List.of(headOf(OK, false), "end:$"), List.of("fail:not an MSRP start line: msrp abcd SEND")),
        OK + "msrp abcd SEND\r\n" + TO + FROM + "-------abcd$\r\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "GET / HTTP/1.1",
      "MSRP",
      "MSRP ",
      "MSRP abcd",               // no method
      "MSRP abcd ",              // nothing after the space
      " MSRP abcd SEND",
      "MSRP  abcd SEND",         // two spaces
      "MSRP\tabcd SEND",
      "SIP/2.0 200 OK",
      "MSRP abc SEND",           // tid of 3
      "MSRP 0123456789abcdef0123456789abcdefX SEND", // tid of 33
      "MSRP ab/cd SEND",         // a character ident does not allow
      "MSRP ab_cd SEND",
      "MSRP ab:cd SEND",
      "MSRP abc\u00e9 SEND",     // a letter, not ALPHANUM
      "MSRP -abc SEND",          // ident begins with ALPHANUM (RFC 4975 §9)
      "MSRP .abc SEND",
      "MSRP %3Dab SEND",
  })
  void aBadStartLineFails(String startLine) {
    List<String> events = feedAll(startLine + "\r\n" + TO + FROM + "-------abcd$\r\n");
    assertEquals(1, events.size(), events.toString());
    assertTrue(events.get(0).startsWith("fail:not an MSRP start line"), events.toString());
    assertEquals(events, byteByByte(startLine + "\r\n" + TO + FROM + "-------abcd$\r\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"abcd", "0123456789abcdef0123456789abcdef", "a.-+%=", "9999", "Z-Z-"})
  void goodTransactionIdsAtEachEnd(String tid) {
    String m = send(tid, "hello", '$');
    assertEveryWay(sendEvents(tid, "hello", '$'), m);
    framer.feed(buf(m));
    assertEquals(tid, rec.heads.get(0).tid());
  }

  @Test
  void aHeaderLineWithoutAColonFails() {
    assertEquals(List.of("fail:malformed MSRP headers"), feedAll("MSRP abcd SEND\r\n" + TO + "no colon here\r\n-------abcd$\r\n"));
    assertEquals(List.of("fail:malformed MSRP headers"), feedAll("MSRP abcd SEND\r\n" + TO + ": no name\r\n\r\nbody\r\n-------abcd$\r\n"));
  }

  @Test
  void anEndLineOfAnotherTransactionInTheHeadIsAHeaderLineWithoutAColon() {
    assertEquals(List.of("fail:malformed MSRP headers"), feedAll("MSRP abcd SEND\r\n" + TO + "-------wxyz$\r\n-------abcd$\r\n"));
  }

  @Test
  void theHeadIsHandedOnBeforeItsBody() {
    framer.feed(buf(send("order01", "b", '$')));
    MsrpHead h = rec.heads.get(0);
    assertEquals("SEND", h.method());
    assertTrue(h.hasBody());
    assertEquals("text/plain", h.header("content-type"));
  }

  @Test
  void feedingDoesNotChangeTheCallersBuffer() {
    Buffer first = buf("MSRP abcd SEND\r\n" + TO);
    framer.feed(first);
    framer.feed(buf(FROM + "-------abcd$\r\n"));
    assertEquals("MSRP abcd SEND\r\n" + TO, first.toString(StandardCharsets.ISO_8859_1));
    assertEquals(2, rec.events().size());
    assertFalse(rec.events().get(0).startsWith("fail"));
  }
}
