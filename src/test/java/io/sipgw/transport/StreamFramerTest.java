package io.sipgw.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Content-Length framing (RFC 3261 §18.3) and CRLF keep-alives (RFC 5626 §4.4.1) on a stream. */
class StreamFramerTest {
  private static final String OPTIONS = "OPTIONS sip:a@example.com SIP/2.0\r\n"
      + "Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
      + "Call-ID: one\r\n"
      + "Content-Length: 0\r\n"
      + "\r\n";
  private static final String MESSAGE = "MESSAGE sip:a@example.com SIP/2.0\r\n"
      + "Call-ID: two\r\n"
      + "l: 12\r\n"
      + "\r\n"
      + "hello\r\nworld";

  /** Records what the framer reports, in order, as text. */
  static final class Recorder implements StreamFramer.Sink {
    final List<String> events = new ArrayList<>();
    byte[] head;

    @Override
    public void message(byte[] message) { events.add("message:" + new String(message, StandardCharsets.ISO_8859_1)); }

    @Override
    public void ping() { events.add("ping"); }

    @Override
    public void fatal(int status, String reason, byte[] head) {
      events.add("fatal:" + status + " " + reason);
      this.head = head;
    }
  }

  private final Recorder sink = new Recorder();

  private StreamFramer framer(int max) { return new StreamFramer(max, sink); }

  private static Buffer buf(String s) { return Buffer.buffer(s.getBytes(StandardCharsets.ISO_8859_1)); }

  private static void byteByByte(StreamFramer f, String s) {
    for (int i = 0; i < s.length(); i++) f.feed(buf(s.substring(i, i + 1)));
  }

  @Test
  void manyMessagesInOneChunkComeOutInOrder() {
    framer(65535).feed(buf(OPTIONS + MESSAGE + OPTIONS));
    assertEquals(List.of("message:" + OPTIONS, "message:" + MESSAGE, "message:" + OPTIONS), sink.events);
  }

  @Test
  void aLongMessageThenAShortOneInLaterChunksAreBothFramed() {
    // the search of the first header section resumes where it stopped; the next message starts afresh
    StreamFramer f = framer(65535);
    byteByByte(f, MESSAGE.substring(0, 40));
    f.feed(buf(MESSAGE.substring(40)));
    f.feed(buf(OPTIONS.substring(0, 10)));
    f.feed(buf(OPTIONS.substring(10)));
    byteByByte(f, MESSAGE);
    assertEquals(List.of("message:" + MESSAGE, "message:" + OPTIONS, "message:" + MESSAGE), sink.events);
  }

  @Test
  void aBodyArrivingAfterItsHeaderSectionIsFramedWithIt() {
    StreamFramer f = framer(65535);
    int bodyStart = MESSAGE.indexOf("\r\n\r\n") + 4;
    f.feed(buf(MESSAGE.substring(0, bodyStart)));
    f.feed(buf(MESSAGE.substring(bodyStart, bodyStart + 3)));
    byteByByte(f, MESSAGE.substring(bodyStart + 3) + OPTIONS);
    assertEquals(List.of("message:" + MESSAGE, "message:" + OPTIONS), sink.events);
  }

  @Test
  void oneMessageSplitByteByByte() {
    StreamFramer f = framer(65535);
    byteByByte(f, MESSAGE);
    assertEquals(List.of("message:" + MESSAGE), sink.events);
  }

  @Test
  void nothingComesOutBeforeTheLastByte() {
    StreamFramer f = framer(65535);
    f.feed(buf(MESSAGE.substring(0, MESSAGE.length() - 1)));
    assertEquals(List.of(), sink.events);
    f.feed(buf(MESSAGE.substring(MESSAGE.length() - 1)));
    assertEquals(List.of("message:" + MESSAGE), sink.events);
  }

  @Test
  void bodySplitAcrossChunks() {
    StreamFramer f = framer(65535);
    int bodyStart = MESSAGE.indexOf("hello");
    f.feed(buf(MESSAGE.substring(0, bodyStart + 3)));
    f.feed(buf(MESSAGE.substring(bodyStart + 3, bodyStart + 6)));
    assertEquals(List.of(), sink.events);
    f.feed(buf(MESSAGE.substring(bodyStart + 6) + OPTIONS.substring(0, 10)));
    assertEquals(List.of("message:" + MESSAGE), sink.events);
    f.feed(buf(OPTIONS.substring(10)));
    assertEquals(List.of("message:" + MESSAGE, "message:" + OPTIONS), sink.events);
  }

  @Test
  void doubleCrlfIsAPing() {
    framer(65535).feed(buf("\r\n\r\n"));
    assertEquals(List.of("ping"), sink.events);
  }

  @Test
  void pingBetweenMessages() {
    framer(65535).feed(buf(OPTIONS + "\r\n\r\n" + MESSAGE));
    assertEquals(List.of("message:" + OPTIONS, "ping", "message:" + MESSAGE), sink.events);
  }

  @Test
  void pingSplitInTwoHalves() {
    StreamFramer f = framer(65535);
    f.feed(buf("\r\n"));
    assertEquals(List.of(), sink.events);
    f.feed(buf("\r\n"));
    assertEquals(List.of("ping"), sink.events);
  }

  @Test
  void pingSplitByteByByte() {
    // TCP may cut anywhere: a CRLFCRLF arriving one octet at a time is still a ping (RFC 5626 §4.4.1).
    byteByByte(framer(65535), "\r\n\r\n");
    assertEquals(List.of("ping"), sink.events);
  }

  @Test
  void pingSplitAfterThreeOctets() {
    StreamFramer f = framer(65535);
    f.feed(buf("\r\n\r"));
    f.feed(buf("\n"));
    assertEquals(List.of("ping"), sink.events);
  }

  @Test
  void loneCrlfBetweenMessagesIsIgnored() {
    framer(65535).feed(buf(OPTIONS + "\r\n" + MESSAGE + "\r\n" + OPTIONS));
    assertEquals(List.of("message:" + OPTIONS, "message:" + MESSAGE, "message:" + OPTIONS), sink.events);
  }

  @Test
  void missingContentLengthIsFatal400WithTheHead() {
    String noLength = "OPTIONS sip:a@example.com SIP/2.0\r\nCall-ID: x\r\n\r\n";
    framer(65535).feed(buf(noLength));
    assertEquals(List.of("fatal:400 missing Content-Length on a stream"), sink.events);
    assertEquals(noLength, new String(sink.head, StandardCharsets.ISO_8859_1));
  }

  @Test
  void conflictingContentLengthIsFatal400() {
    framer(65535).feed(buf("OPTIONS sip:a@example.com SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\nab"));
    assertEquals(List.of("fatal:400 malformed or conflicting Content-Length"), sink.events);
  }

  @Test
  void negativeContentLengthIsFatal400() {
    framer(65535).feed(buf("OPTIONS sip:a@example.com SIP/2.0\r\nContent-Length: -1\r\n\r\n"));
    assertEquals(List.of("fatal:400 malformed or conflicting Content-Length"), sink.events);
  }

  @Test
  void messageLargerThanMaxIsFatal513() {
    StreamFramer f = framer(OPTIONS.length() + 10);
    f.feed(buf(MESSAGE.replace("l: 12", "l: 1000")));
    assertEquals(List.of("fatal:513 Message Too Large"), sink.events);
  }

  @Test
  void messageOfExactlyMaxIsAccepted() {
    framer(MESSAGE.length()).feed(buf(MESSAGE));
    assertEquals(List.of("message:" + MESSAGE), sink.events);
  }

  @Test
  void headerSectionLongerThanMaxWithoutEndIsFatal513() {
    StreamFramer f = framer(100);
    f.feed(buf("OPTIONS sip:a@example.com SIP/2.0\r\n" + "X-Pad: " + "a".repeat(100) + "\r\n"));
    assertEquals(List.of("fatal:513 Message Too Large"), sink.events);
    assertNull(sink.head);
  }

  @Test
  void nothingAfterFatal() {
    StreamFramer f = framer(65535);
    f.feed(buf(OPTIONS + "OPTIONS sip:a@example.com SIP/2.0\r\n\r\n" + OPTIONS));
    f.feed(buf(OPTIONS + "\r\n\r\n"));
    assertEquals(List.of("message:" + OPTIONS, "fatal:400 missing Content-Length on a stream"), sink.events);
  }

  @Test
  void lfOnlyHeaderSectionIsFramed() {
    String lf = "OPTIONS sip:a@example.com SIP/2.0\nContent-Length: 2\n\nok";
    framer(65535).feed(buf(lf + OPTIONS));
    assertEquals(List.of("message:" + lf, "message:" + OPTIONS), sink.events);
  }
}
