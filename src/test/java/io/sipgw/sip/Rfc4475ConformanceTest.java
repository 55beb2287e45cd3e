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
 * Every message of the RFC 4475 torture corpus, classified as its INDEX.tsv says. A new row in the
 * index needs no new code: "valid" must parse and pass validation, "invalid" must be refused (a
 * request with a status the note names, a response dropped), and "valid-but-semantically-odd" must
 * not break the parser (what the server answers is checked by the routing tests).
 */
class Rfc4475ConformanceTest {
  private static final String DIR = "/conformance/rfc4475/";
  private static final Pattern CODE = Pattern.compile("\\b([2-6]\\d\\d)\\b");

  record Row(String file, String section, String kind, String expected, String note) {
    @Override
    public String toString() { return file + " (" + section + ", " + expected + ")"; }
  }

  static Stream<Row> rows() throws IOException {
    List<Row> rows = new ArrayList<>();
    String index = new String(read("INDEX.tsv"), StandardCharsets.UTF_8);
    for (String line : index.split("\n")) {
      if (line.isBlank() || line.startsWith("file\t")) continue;
      String[] c = line.split("\t", 5);
      rows.add(new Row(c[0], c[1], c[2], c[3], c.length > 4 ? c[4] : ""));
    }
    assertTrue(rows.size() >= 49, "INDEX.tsv rows: " + rows.size());
    return rows.stream();
  }

  private static byte[] read(String name) throws IOException {
    try (InputStream in = Rfc4475ConformanceTest.class.getResourceAsStream(DIR + name)) {
      if (in == null) throw new IOException("missing test resource " + DIR + name);
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
    byte[] bytes = read(row.file());
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

  private static List<Integer> codesIn(String note) {
    List<Integer> out = new ArrayList<>();
    Matcher m = CODE.matcher(note);
    while (m.find()) out.add(Integer.parseInt(m.group(1)));
    if (note.contains("respond with an error") || note.contains("framing error")) out.add(400);
    return out;
  }
}
