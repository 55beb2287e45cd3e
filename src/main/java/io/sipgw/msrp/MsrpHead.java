package io.sipgw.msrp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The start line and headers of an MSRP message (RFC 4975 §7.1, §9): kept as received, split into
 * lines once, a header's value looked up when asked for. {@link #withPaths} writes a head with new
 * To-Path and From-Path (the two a relay changes, RFC 4976 §7.1) and every other line unchanged.
 */
public final class MsrpHead {
  private final String tid;
  private final String startLine;
  /** The header lines, without their CRLF. */
  private final List<String> lines;
  private final boolean body;

  private MsrpHead(String tid, String startLine, List<String> lines, boolean body) {
    this.tid = tid;
    this.startLine = startLine;
    this.lines = lines;
    this.body = body;
  }

  /**
   * {@code head}: the start line and header lines, each with its CRLF; {@code body}: a body follows.
   * Null when a header line is not {@code name: value} (a name of one word).
   */
  static MsrpHead parse(byte[] head, String tid, boolean body) {
    String text = new String(head, StandardCharsets.UTF_8);
    String[] all = text.split("\r\n", -1);
    List<String> lines = new ArrayList<>(all.length);
    for (int i = 1; i < all.length; i++) {
      if (all[i].isEmpty()) continue;
      int colon = all[i].indexOf(':');
      if (colon < 0 || !isName(all[i].substring(0, colon).trim())) return null;
      lines.add(all[i]);
    }
    return new MsrpHead(tid, all[0], lines, body);
  }

  /** A header name: one word, no space or control character in it. */
  private static boolean isName(String s) {
    if (s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) <= ' ' || s.charAt(i) == 0x7f) return false;
    return true;
  }

  /** Whether a body follows the head (a blank line ended it, not the end-line). */
  public boolean hasBody() { return body; }

  public String tid() { return tid; }

  /** The method of a request ({@code SEND}, {@code REPORT}, {@code AUTH} …), null for a response. */
  public String method() {
    String rest = startLine.substring(6 + tid.length());
    return isResponse() ? null : rest.trim();
  }

  public boolean isResponse() {
    String rest = startLine.substring(6 + tid.length());
    return rest.length() >= 3 && Character.isDigit(rest.charAt(0)) && Character.isDigit(rest.charAt(1)) && Character.isDigit(rest.charAt(2))
        && (rest.length() == 3 || rest.charAt(3) == ' ');
  }

  /** A response's status code; 0 for a request. */
  public int status() { return isResponse() ? Integer.parseInt(startLine.substring(6 + tid.length(), 9 + tid.length())) : 0; }

  /** The first value of header {@code name} (case-insensitive), trimmed; null when absent. */
  public String header(String name) {
    for (String l : lines) {
      int colon = l.indexOf(':');
      if (l.substring(0, colon).trim().equalsIgnoreCase(name)) return l.substring(colon + 1).trim();
    }
    return null;
  }

  /** Every value of header {@code name}. */
  public List<String> headers(String name) {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      int colon = l.indexOf(':');
      if (l.substring(0, colon).trim().equalsIgnoreCase(name)) out.add(l.substring(colon + 1).trim());
    }
    return out;
  }

  /** The URIs of To-Path, in order (RFC 4975 §9: separated by spaces). */
  public List<String> toPath() { return path("To-Path"); }

  public List<String> fromPath() { return path("From-Path"); }

  private List<String> path(String name) {
    String v = header(name);
    if (v == null || v.isBlank()) return List.of();
    return List.of(v.trim().split("\\s+"));
  }

  /** This head with To-Path {@code to} and From-Path {@code from}, the other lines as they were. */
  public MsrpHead withPaths(List<String> to, List<String> from) {
    List<String> out = new ArrayList<>(lines.size());
    out.add("To-Path: " + String.join(" ", to));
    out.add("From-Path: " + String.join(" ", from));
    for (String l : lines) {
      String name = l.substring(0, l.indexOf(':')).trim().toLowerCase(Locale.ROOT);
      if (!name.equals("to-path") && !name.equals("from-path")) out.add(l);
    }
    return new MsrpHead(tid, startLine, out, body);
  }

  /** The head as it goes on the wire: the start line and each header line with its CRLF. */
  public byte[] bytes() {
    StringBuilder sb = new StringBuilder(startLine.length() + 64 * lines.size()).append(startLine).append("\r\n");
    for (String l : lines) sb.append(l).append("\r\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() { return startLine; }
}
