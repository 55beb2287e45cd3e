package io.sipgw.msrp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An MSRP message's start line and headers (RFC 4975 §7.1, §9), and the paths a relay rewrites (RFC 4976 §7.1). */
class MsrpHeadTest {
  private static final String SEND = "MSRP a786hjs2 SEND\r\n"
      + "To-Path: msrp://relay.example.com:2855/r1;tcp   msrp://bob.example.com:8888/9di4eae923wzd;tcp\r\n"
      + "From-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\r\n"
      + "Message-ID: 12339sdqwer\r\n"
      + "Byte-Range: 1-16/16\r\n"
      + "content-type:text/plain;charset=utf-8\r\n"
      + "X-Note:  über café  \r\n"
      + "Success-Report: yes\r\n";

  private static MsrpHead head(String text, boolean body) {
    String tid = text.split(" ")[1];
    return MsrpHead.parse(text.getBytes(StandardCharsets.UTF_8), tid, body);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "MSRP abcd SEND                | SEND   | false | 0",
      "MSRP abcd REPORT              | REPORT | false | 0",
      "MSRP abcd AUTH                | AUTH   | false | 0",
      "'MSRP abcd SEND '             | SEND   | false | 0",
      "MSRP abcd 200 OK              |        | true  | 200",
      "MSRP abcd 403                 |        | true  | 403",
      "MSRP 0123456789abcdef0123456789abcdef 481 Session Does Not Exist |  | true | 481",
      "MSRP abcd 200OK               | 200OK  | false | 0",
      "MSRP abcd 20 OK               | 20 OK  | false | 0",
  })
  void methodStatusAndWhetherAResponse(String startLine, String method, boolean response, int status) {
    MsrpHead h = head(startLine + "\r\n", false);
    assertEquals(method, h.method());
    assertEquals(response, h.isResponse());
    assertEquals(status, h.status());
    assertEquals(startLine, h.toString());
    assertEquals(startLine.split(" ")[1], h.tid());
  }

  @Test
  void headersAreFoundWhateverTheirCase() {
    MsrpHead h = head(SEND, true);
    assertTrue(h.hasBody());
    assertEquals("text/plain;charset=utf-8", h.header("Content-Type"));
    assertEquals("text/plain;charset=utf-8", h.header("CONTENT-TYPE"));
    assertEquals("12339sdqwer", h.header("message-id"));
    assertEquals("über café", h.header("x-note"), "trimmed, UTF-8");
    assertNull(h.header("Failure-Report"));
    assertNull(h.header("Message"), "a prefix of a name is not the name");
    assertEquals(List.of(), h.headers("Failure-Report"));
    assertFalse(head("MSRP abcd 200 OK\r\n", false).hasBody());
  }

  @Test
  void headersListsEveryValueInOrderAndHeaderTheFirst() {
    MsrpHead h = head("MSRP abcd AUTH\r\nAuthorization: Digest a=1\r\nX: y\r\nauthorization :Digest b=2\r\n", false);
    assertEquals(List.of("Digest a=1", "Digest b=2"), h.headers("Authorization"));
    assertEquals("Digest a=1", h.header("AUTHORIZATION"));
    assertEquals("y", h.header("x"));
  }

  @Test
  void pathsSplitOnWhitespace() {
    MsrpHead h = head(SEND, true);
    assertEquals(List.of("msrp://relay.example.com:2855/r1;tcp", "msrp://bob.example.com:8888/9di4eae923wzd;tcp"), h.toPath());
    assertEquals(List.of("msrp://alicepc.example.com:7777/iau39soe2843z;tcp"), h.fromPath());
    MsrpHead tabs = head("MSRP abcd SEND\r\nTo-Path:\ta;tcp \t b;tcp\t\r\nFrom-Path:   \r\n", false);
    assertEquals(List.of("a;tcp", "b;tcp"), tabs.toPath());
    assertEquals(List.of(), tabs.fromPath());
    assertEquals(List.of(), head("MSRP abcd SEND\r\nX: y\r\n", false).toPath());
  }

  @Test
  void withPathsPutsThePathsFirstAndLeavesEveryOtherLineAsItWas() {
    MsrpHead h = head(SEND, true);
    MsrpHead w = h.withPaths(List.of("msrp://bob.example.com:8888/9di4eae923wzd;tcp"),
        List.of("msrp://relay.example.com:2855/r1;tcp", "msrp://alicepc.example.com:7777/iau39soe2843z;tcp"));
    String expected = "MSRP a786hjs2 SEND\r\n"
        + "To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\r\n"
        + "From-Path: msrp://relay.example.com:2855/r1;tcp msrp://alicepc.example.com:7777/iau39soe2843z;tcp\r\n"
        + "Message-ID: 12339sdqwer\r\n"
        + "Byte-Range: 1-16/16\r\n"
        + "content-type:text/plain;charset=utf-8\r\n"
        + "X-Note:  über café  \r\n"
        + "Success-Report: yes\r\n";
    assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), w.bytes());
    assertEquals("a786hjs2", w.tid());
    assertEquals("SEND", w.method());
    assertTrue(w.hasBody());
    assertArrayEquals(SEND.getBytes(StandardCharsets.UTF_8), h.bytes(), "the original is unchanged");
  }

  @Test
  void withPathsReplacesThePathsWhereverAndHoweverTheyWere() {
    MsrpHead h = head("MSRP abcd 200 OK\r\nX-A: 1\r\nfrom-path : f1;tcp\r\nX-B: 2\r\nTO-PATH: t1;tcp\r\nTo-Path: t2;tcp\r\nX-C: 3\r\n", false);
    MsrpHead w = h.withPaths(List.of("t;tcp"), List.of("f;tcp", "g;tcp"));
    assertEquals("MSRP abcd 200 OK\r\nTo-Path: t;tcp\r\nFrom-Path: f;tcp g;tcp\r\nX-A: 1\r\nX-B: 2\r\nX-C: 3\r\n",
        new String(w.bytes(), StandardCharsets.UTF_8));
    assertEquals(200, w.status());
    assertFalse(w.hasBody());
  }

  @Test
  void bytesRoundTrip() {
    for (String text : List.of(SEND, "MSRP abcd 200 OK\r\n", "MSRP abcd AUTH\r\nTo-Path: msrp://r;tcp\r\nX:\r\n:colon: in value\r\n".replace("\r\n:colon", "\r\nY:colon"))) {
      MsrpHead h = head(text, false);
      assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), h.bytes(), text);
      assertArrayEquals(h.bytes(), MsrpHead.parse(h.bytes(), h.tid(), false).bytes());
    }
  }

  @Test
  void aHeaderLineWithoutANameOrColonIsRefused() {
    assertNull(head("MSRP abcd SEND\r\nTo-Path msrp://r;tcp\r\n", false));
    assertNull(head("MSRP abcd SEND\r\n: value\r\n", false));
  }
}
