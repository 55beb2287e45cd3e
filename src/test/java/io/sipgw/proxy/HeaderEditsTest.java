package io.sipgw.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sipgw.sip.MessageParser;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The route rules' header changes (addHeader, setHeader, removeHeader) on a forwarded copy: their net effect, in order. */
class HeaderEditsTest {
  private static final String INVITE = "INVITE sip:bob@localhost SIP/2.0\r\n"
      + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
      + "Max-Forwards: 70\r\n"
      + "From: <sip:alice@example.com>;tag=a1\r\n"
      + "To: <sip:bob@localhost>\r\n"
      + "Call-ID: c1@test\r\n"
      + "CSeq: 1 INVITE\r\n"
      + "s: compact subject\r\n"
      + "X-Keep: 1\r\n"
      + "x-tenant: old\r\n"
      + "Content-Length: 0\r\n\r\n";

  /** The values of header {@code name} (or its compact form {@code compact}) in the copy {@code edits} make. */
  static List<String> values(HeaderEdits edits, String name, String compact) throws SipParseException {
    byte[] b = INVITE.getBytes(StandardCharsets.UTF_8);
    SipRequest req = (SipRequest) MessageParser.parse(b, 0, b.length, true);
    var edit = req.edit();
    edits.applyTo(req, edit);
    List<String> out = new ArrayList<>();
    for (String line : edit.toBuffer().toString(StandardCharsets.UTF_8).split("\r\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith(name.toLowerCase(Locale.ROOT) + ":") || compact != null && lower.startsWith(compact + ":")) {
        out.add(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return out;
  }

  @Test
  void setReplacesTheRequestsFieldsAndAnyEarlierAddOrSet() throws SipParseException {
    assertEquals(List.of("new"), values(HeaderEdits.NONE.set("X-Tenant", "new"), "X-Tenant", null));
    assertEquals(List.of("b"), values(HeaderEdits.NONE.set("X-Tenant", "a").set("X-Tenant", "b"), "X-Tenant", null),
        "a second set replaces the first");
    assertEquals(List.of("c"), values(HeaderEdits.NONE.add("X-New", "a").add("x-new", "b").set("X-New", "c"), "X-New", null));
    assertEquals(List.of("set"), values(HeaderEdits.NONE.add("Subject", "added").set("Subject", "set"), "Subject", "s"),
        "the compact form of the request and an added field both go");
  }

  @Test
  void removeTakesAwayWhatAnEarlierAddPutIn() throws SipParseException {
    assertEquals(List.of(), values(HeaderEdits.NONE.add("X-Tenant", "a").remove("X-Tenant"), "X-Tenant", null));
    assertEquals(List.of(), values(HeaderEdits.NONE.set("Subject", "x").remove("Subject"), "Subject", "s"));
    assertEquals(List.of("later"), values(HeaderEdits.NONE.remove("Subject").add("Subject", "later"), "Subject", "s"),
        "an add after a remove stays");
  }

  @Test
  void addKeepsWhatIsThereAndOtherHeadersAreUntouched() throws SipParseException {
    HeaderEdits e = HeaderEdits.NONE.add("X-Keep", "2").remove("X-Other");
    assertEquals(List.of("1", "2"), values(e, "X-Keep", null));
    assertEquals(List.of("compact subject"), values(e, "Subject", "s"));
  }
}
