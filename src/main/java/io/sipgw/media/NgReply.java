package io.sipgw.media;

import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * One datagram from rtpengine's ng port: the cookie of the request it answers, a space, and a
 * bencoded dictionary whose {@code result} is {@code ok}, {@code pong} or {@code error} (then with an
 * {@code error-reason}).
 */
public record NgReply(String cookie, Map<String, Object> dictionary) {
  /** Splits and decodes a received datagram; throws naming the fault when it is not an ng reply. */
  public static NgReply parse(Buffer datagram) throws BencodeException {
    byte[] b = datagram.getBytes();
    int space = 0;
    while (space < b.length && b[space] != ' ') space++;
    if (space == 0 || space == b.length) throw new BencodeException("no cookie before a space", space);
    Object value = Bencode.decode(b, space + 1, b.length);
    if (!(value instanceof Map<?, ?> m)) throw new BencodeException("the reply is not a dictionary", space + 1);
    @SuppressWarnings("unchecked")
    Map<String, Object> dict = (Map<String, Object>) m;
    return new NgReply(new String(b, 0, space, java.nio.charset.StandardCharsets.ISO_8859_1), dict);
  }

  /** The request datagram: {@code cookie}, a space, the bencoded {@code command}. */
  public static Buffer request(String cookie, Map<String, Object> command) {
    Buffer out = Buffer.buffer(cookie.length() + 256).appendString(cookie).appendByte((byte) ' ');
    Bencode.write(out, command);
    return out;
  }

  /** {@code ok}, {@code pong}, {@code error} ... or null when the reply has none. */
  public String result() { return string("result"); }

  public boolean isError() { return "error".equals(result()); }

  /** Why rtpengine refused the command, for an error reply. */
  public String errorReason() {
    String r = string("error-reason");
    return r != null ? r : "no reason given";
  }

  /** The rewritten SDP of an offer or answer, or null. */
  public String sdp() { return string("sdp"); }

  /** A string member, or null when absent or not a string. */
  public String string(String key) { return dictionary.get(key) instanceof String s ? s : null; }

  /** A dictionary member, or an empty map when absent or not a dictionary. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> dictionary(String key) {
    return dictionary.get(key) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
