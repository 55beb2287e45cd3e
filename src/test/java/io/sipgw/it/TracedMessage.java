package io.sipgw.it;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One message of a SIPp message log ({@code -trace_msg}): when SIPp sent or received it, which
 * way, and the message. For assertions across SIPp processes (same clock): which phone got the
 * INVITE first, how many 200s the caller saw.
 */
public record TracedMessage(LocalDateTime time, boolean sent, SipMessageText message) {
  private static final Pattern ENTRY = Pattern.compile(
      "(?m)^-{47} (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6})\\n\\S+ message (sent|received)[^\\n]*\\n\\n");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  public boolean received() { return !sent; }

  /** Whether this is a request with {@code method}. */
  public boolean isRequest(String method) { return message.text().startsWith(method + " "); }

  /** Whether this is a response with {@code status} to a request with {@code method} (its CSeq). */
  public boolean isResponse(int status, String method) {
    return message.isResponse() && message.status() == status && cseqMethod().equals(method);
  }

  /** The method its CSeq names: a response's request, ACK or CANCEL for those of an INVITE. */
  public String cseqMethod() {
    String cseq = message.header("CSeq");
    return cseq == null ? "" : cseq.substring(cseq.indexOf(' ') + 1).trim();
  }

  /**
   * {@code METHOD} for a request, {@code STATUS METHOD} (of its CSeq) for a final response, provisional
   * responses left out: the shape of a trace.
   */
  static List<String> summary(List<TracedMessage> trace) {
    return trace.stream().filter(m -> !m.message().isResponse() || m.message().status() >= 200)
        .map(m -> m.message().isResponse() ? m.message().status() + " " + m.cseqMethod() : m.message().method())
        .toList();
  }

  /** Every message of a SIPp message log, in order. */
  static List<TracedMessage> parse(String log) {
    List<TracedMessage> messages = new ArrayList<>();
    Matcher m = ENTRY.matcher(log);
    int start = -1;
    LocalDateTime time = null;
    boolean sent = false;
    while (true) {
      boolean found = m.find();
      if (start >= 0) {
        String text = log.substring(start, found ? m.start() : log.length()).strip() + "\r\n\r\n";
        messages.add(new TracedMessage(time, sent, new SipMessageText(text)));
      }
      if (!found) return messages;
      time = LocalDateTime.parse(m.group(1), TIME);
      sent = m.group(2).equals("sent");
      start = m.end();
    }
  }
}
