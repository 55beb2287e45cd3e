package io.sipgw.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BencodeTest {
  private static String enc(Object v) { return Bencode.encode(v).toString(StandardCharsets.ISO_8859_1); }

  private static Object dec(String s) throws BencodeException { return Bencode.decode(s.getBytes(StandardCharsets.ISO_8859_1)); }

  @Test
  void encodesEachType() {
    assertEquals("i42e", enc(42));
    assertEquals("i-7e", enc(-7L));
    assertEquals("i0e", enc(0));
    assertEquals("4:spam", enc("spam"));
    assertEquals("0:", enc(""));
    assertEquals("l4:spami1ee", enc(List.of("spam", 1)));
    assertEquals("3:\u0001\u0002\u00ff", enc(new byte[] {1, 2, (byte) 0xff}));
  }

  @Test
  void dictionaryKeysAreSortedAsRawBytes() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sdp", "x");
    m.put("command", "offer");
    m.put("SDES", List.of("off"));
    m.put("call-id", "a");
    assertEquals("d4:SDESl3:offe7:call-id1:a7:command5:offer3:sdp1:xe", enc(m));
  }

  @Test
  void stringLengthCountsBytesNotChars() throws BencodeException {
    String utf8AsLatin1 = new String("é€".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    assertEquals("5:" + utf8AsLatin1, enc(utf8AsLatin1));
    assertEquals(utf8AsLatin1, dec("5:" + utf8AsLatin1));
  }

  @Test
  void decodesNestedValuesInReceivedOrder() throws BencodeException {
    Object v = dec("d6:result2:ok6:totalsd3:RTPd7:packetsi12eee4:listli1ei-2e0:ee");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of("result", "totals", "list"), List.copyOf(m.keySet()));
    assertEquals("ok", m.get("result"));
    assertEquals(12L, ((Map<?, ?>) ((Map<?, ?>) m.get("totals")).get("RTP")).get("packets"));
    assertEquals(List.of(1L, -2L, ""), m.get("list"));
  }

  @Test
  void roundTripsAnSdpWithCrlf() throws BencodeException {
    String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n";
    Map<String, Object> m = Map.of("sdp", sdp, "n", 3L);
    byte[] b = Bencode.encode(m).getBytes();
    assertEquals(m, Bencode.decode(b));
    assertArrayEquals(b, Bencode.encode(Bencode.decode(b)).getBytes());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "''              | input ends where a value was expected at byte 0",
      "i12             | input ends where the end 'e' of an integer was expected at byte 3",
      "ie              | integer without digits at byte 0",
      "i-e             | integer without digits at byte 0",
      "i03e            | integer with a leading zero or -0 at byte 0",
      "i-0e            | integer with a leading zero or -0 at byte 0",
      "i1x2e           | 'x' in an integer at byte 2",
      "i99999999999999999999e | integer out of range at byte 0",
      "5:abc           | string of 5 bytes but only 3 left at byte 0",
      "03:abc          | string length with a leading zero at byte 0",
      "3x:abc          | 'x' in a string length at byte 1",
      "l4:spam         | input ends where the end 'e' of a list was expected at byte 7",
      "di1e1:ae        | dictionary key is not a string at byte 1",
      "d1:ai1e1:ai2ee  | repeated dictionary key \"a\" at byte 7",
      "d1:ae           | unexpected 'e' where a value starts at byte 4",
      "i1ei2e          | 3 byte(s) after the value at byte 3",
      "x               | unexpected 'x' where a value starts at byte 0",
  })
  void malformedInputIsRefusedWithItsOffset(String input, String message) {
    BencodeException e = assertThrows(BencodeException.class, () -> dec(input));
    assertEquals(message, e.getMessage());
  }

  @Test
  void nestingIsBounded() {
    String deep = "l".repeat(BencodeReader.MAX_DEPTH + 2) + "e".repeat(BencodeReader.MAX_DEPTH + 2);
    BencodeException e = assertThrows(BencodeException.class, () -> dec(deep));
    assertTrue(e.getMessage().startsWith("nesting deeper than"), e.getMessage());
  }

  @Test
  void aHugeStringLengthDoesNotOverflow() {
    assertThrows(BencodeException.class, () -> dec("99999999999999999999999:x"));
  }

  @Test
  void anNgReplyIsSplitAtItsCookie() throws BencodeException {
    NgReply r = NgReply.parse(io.vertx.core.buffer.Buffer.buffer("5323_1 d6:result5:error12:error-reason15:Unknown call-ide"));
    assertEquals("5323_1", r.cookie());
    assertTrue(r.isError());
    assertEquals("Unknown call-id", r.errorReason());
    assertThrows(BencodeException.class, () -> NgReply.parse(io.vertx.core.buffer.Buffer.buffer("d6:result4:ponge")));
    assertThrows(BencodeException.class, () -> NgReply.parse(io.vertx.core.buffer.Buffer.buffer("c1 l4:ponge")));
    assertEquals("c9 d7:command4:pinge", NgReply.request("c9", NgCommands.ping()).toString());
  }
}
