package io.sipgw.sip;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message of the torture corpora, RFC 4475 (parser and semantics) and RFC 5118 (IPv6),
 * classified as their INDEX.tsv files say. A new row in an index needs no new code: "valid" must parse and pass validation, "invalid" must be refused (a
 * request with a status the note names, a response dropped), and "valid-but-semantically-odd" must
 * not break the parser (what the server answers is checked by the routing tests).
 */
class TortureConformanceTest {
  /** Each corpus with the number of messages its RFC has, so a lost file or row fails the test. */
  private static final List<Corpus> CORPORA = List.of(new Corpus("rfc4475", 49), new Corpus("rfc5118", 12));
  private static final Pattern CODE = Pattern.compile("\\b([2-6]\\d\\d)\\b");

  record Corpus(String dir, int messages) { }

  record Row(String corpus, String file, String section, String kind, String expected, String note) {
    @Override
    public String toString() { return corpus + "/" + file + " (" + section + ", " + expected + ")"; }
  }

  static Stream<Row> rows() throws IOException {
    List<Row> rows = new ArrayList<>();
    for (Corpus corpus : CORPORA) {
      int before = rows.size();
      String index = new String(read(corpus.dir(), "INDEX.tsv"), StandardCharsets.UTF_8);
      for (String line : index.split("\n")) {
        if (line.isBlank() || line.startsWith("file\t")) continue;
        String[] c = line.split("\t", 5);
        rows.add(new Row(corpus.dir(), c[0], c[1], c[2], c[3], c.length > 4 ? c[4] : ""));
      }
      assertTrue(rows.size() - before >= corpus.messages(), corpus.dir() + "/INDEX.tsv rows: " + (rows.size() - before));
    }
    return rows.stream();
  }

  private static byte[] read(String corpus, String name) throws IOException {
    String path = "/conformance/" + corpus + "/" + name;
    try (InputStream in = TortureConformanceTest.class.getResourceAsStream(path)) {
      if (in == null) throw new IOException("missing test resource " + path);
      return in.readAllBytes();
    }
  }

  /** Parse as a datagram, then validate: the verdict a receiving server reaches. */
  private static SipMessage receive(byte[] bytes) throws SipParseException {
    SipMessage m = MessageParser.parse(bytes, 0, bytes.length, true);
    MessageValidator.validate(m);
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void classifiedAsIndexed(Row row) throws IOException {
    byte[] bytes = read(row.corpus(), row.file());
    switch (row.expected()) {
      case "valid" -> {
        SipMessage m = assertDoesNotThrow(() -> receive(bytes), row.note());
        assertEquals(row.kind().equals("request"), m.isRequest());
      }
      case "invalid" -> {
        try {
          receive(bytes);
          fail("accepted an invalid message: " + row.note());
        } catch (SipParseException e) {
          assertFalse(e.reason().isBlank());
          if (row.kind().equals("request")) {
            List<Integer> allowed = codesIn(row.note());
            if (allowed.isEmpty()) allowed = List.of(400);
            assertTrue(allowed.contains(e.status()), "status " + e.status() + " (" + e.reason() + ") not in " + allowed);
          }
        }
      }
      case "valid-but-semantically-odd" -> {
        try {
          SipMessage m = receive(bytes);
          assertEquals(row.kind().equals("request"), m.isRequest());
        } catch (SipParseException e) {
          // Refusing is allowed here only where the note says the message ends in an error.
          assertTrue(row.note().matches("(?s).*(400|error|reject).*"), "refused (" + e.reason() + "): " + row.note());
        }
      }
      default -> fail("unknown verdict in INDEX.tsv: " + row.expected());
    }
  }

  /** RFC 5118 §4.3–4.5, 4.7, 4.9: where the host ends and the port begins, read as the RFC means it. */
  @org.junit.jupiter.api.Test
  void ipv6ReferencesReadAsRfc5118Says() throws Exception {
    SipRequest ambiguous = (SipRequest) receive(read("rfc5118", "port-ambiguous.dat"));
    assertEquals("2001:db8::10:5070", Hosts.bare(ambiguous.requestUri().host()), "§4.3: the 5070 is part of the address");
    assertEquals(-1, ambiguous.requestUri().port(), "§4.3: no port");
    SipRequest unambiguous = (SipRequest) receive(read("rfc5118", "port-unambiguous.dat"));
    assertEquals("2001:db8::10", Hosts.bare(unambiguous.requestUri().host()));
    assertEquals(5070, unambiguous.requestUri().port());
    Via delimited = receive(read("rfc5118", "via-received-param-with-delim.dat")).vias().get(0);
    assertEquals("2001:db8::9:255", Hosts.bare(delimited.received()), "§4.5: received with [ ] read as the address");
    Via bare = receive(read("rfc5118", "via-received-param-no-delim.dat")).vias().get(0);
    assertEquals("2001:db8::9:255", Hosts.bare(bare.received()));
    List<Via> mixed = receive(read("rfc5118", "mult-ip-in-header.dat")).vias();
    assertEquals(List.of("2001:db8::9:1", "192.0.2.1", "2001:db8::9:255"), mixed.stream().map(v -> Hosts.bare(v.host())).toList());
    assertEquals(6050, mixed.get(0).port());
    assertEquals("192.0.2.200", mixed.get(2).received());
    Via mapped = receive(read("rfc5118", "ipv4-mapped-ipv6.dat")).vias().get(0);
    assertEquals("::ffff:192.0.2.10", Hosts.bare(mapped.host()));
    assertEquals(19823, mapped.port());
  }

  private static List<Integer> codesIn(String note) {
    List<Integer> out = new ArrayList<>();
    Matcher m = CODE.matcher(note);
    while (m.find()) out.add(Integer.parseInt(m.group(1)));
    if (note.contains("respond with an error") || note.contains("framing error")) out.add(400);
    return out;
  }
}
