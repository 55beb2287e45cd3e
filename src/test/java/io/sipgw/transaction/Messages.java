package io.sipgw.transaction;

import io.sipgw.sip.MessageParser;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipResponse;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test messages, and a wire that records what is sent. */
final class Messages {
  private Messages() { }

  static SipRequest request(String method, String branch) { return request(method, branch, method); }

  static SipRequest request(String method, String branch, String cseqMethod) {
    return (SipRequest) parse(method + " sip:bob@127.0.0.1:5070 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5080;branch=" + branch + "\r\n"
        + "Route: <sip:127.0.0.1:5060;lr>\r\n"
        + "Max-Forwards: 69\r\n"
        + "From: <sip:alice@localhost>;tag=a1\r\n"
        + "To: <sip:bob@localhost>\r\n"
        + "Call-ID: call-1@test\r\n"
        + "CSeq: 7 " + cseqMethod + "\r\n"
        + "Content-Length: 0\r\n\r\n");
  }

  static SipResponse response(int status, String branch, String method) {
    return (SipResponse) parse("SIP/2.0 " + status + " Reason\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5080;branch=" + branch + "\r\n"
        + "From: <sip:alice@localhost>;tag=a1\r\n"
        + "To: <sip:bob@localhost>;tag=b" + status + "\r\n"
        + "Call-ID: call-1@test\r\n"
        + "CSeq: 7 " + method + "\r\n"
        + "Content-Length: 0\r\n\r\n");
  }

  static io.sipgw.sip.SipMessage parse(String text) {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    try {
      return MessageParser.parse(b, 0, b.length, true);
    } catch (SipParseException e) {
      throw new AssertionError(e.reason(), e);
    }
  }

  /** Records every message sent through it, as text; fails sends when told to. */
  static final class RecordingWire implements Wire {
    final List<String> sent = new ArrayList<>();
    boolean fail;

    @Override
    public io.vertx.core.Future<Void> send(Buffer data) {
      sent.add(data.toString(StandardCharsets.ISO_8859_1));
      return fail ? io.vertx.core.Future.failedFuture("unreachable") : io.vertx.core.Future.succeededFuture();
    }

    String last() { return sent.get(sent.size() - 1); }

    long count(String startLine) { return sent.stream().filter(s -> s.startsWith(startLine)).count(); }
  }
}
