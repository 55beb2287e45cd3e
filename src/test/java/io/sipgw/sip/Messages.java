package io.sipgw.sip;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

/** Builds test messages from lines and parses them. */
final class Messages {
  private Messages() { }

  /** The lines joined with CRLF, each line ended with CRLF (so an empty last line ends the headers). */
  static String crlf(String... lines) {
    return String.join("\r\n", lines) + "\r\n";
  }

  static byte[] bytes(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

  static SipMessage datagram(String text) throws SipParseException {
    byte[] b = bytes(text);
    return MessageParser.parse(b, 0, b.length, true);
  }

  static SipMessage stream(String text) throws SipParseException {
    byte[] b = bytes(text);
    return MessageParser.parse(b, 0, b.length, false);
  }

  static SipRequest request(String text) throws SipParseException { return (SipRequest) datagram(text); }

  static SipParseException refusedAsDatagram(String text) {
    return assertThrows(SipParseException.class, () -> datagram(text));
  }

  static SipParseException refusedOnStream(String text) {
    return assertThrows(SipParseException.class, () -> stream(text));
  }

  /** A minimal valid INVITE header section with the given extra lines, and an empty line. */
  static String invite(String... extra) {
    StringBuilder sb = new StringBuilder();
    sb.append("INVITE sip:bob@example.com SIP/2.0\r\n");
    sb.append("Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9\r\n");
    sb.append("Max-Forwards: 70\r\n");
    sb.append("From: Alice <sip:alice@example.com>;tag=9fxced76sl\r\n");
    sb.append("To: Bob <sip:bob@example.com>\r\n");
    sb.append("Call-ID: 3848276298220188511@192.0.2.1\r\n");
    sb.append("CSeq: 1 INVITE\r\n");
    for (String e : extra) sb.append(e).append("\r\n");
    sb.append("\r\n");
    return sb.toString();
  }
}
