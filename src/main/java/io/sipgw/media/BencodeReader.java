package io.sipgw.media;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one bencoded value from a byte range. Strict: integers without leading zeros or "-0",
 * string lengths that fit the input, dictionary keys that are strings and not repeated, nesting at
 * most {@value #MAX_DEPTH} deep. Every fault is a {@link BencodeException} naming its offset.
 */
final class BencodeReader {
  static final int MAX_DEPTH = 32;

  private final byte[] in;
  private final int end;
  private int pos;

  BencodeReader(byte[] in, int from, int to) {
    if (from < 0 || to > in.length || from > to) throw new IndexOutOfBoundsException(from + ".." + to + " of " + in.length);
    this.in = in;
    this.pos = from;
    this.end = to;
  }

  Object readWhole() throws BencodeException {
    Object v = value(0);
    if (pos != end) throw new BencodeException((end - pos) + " byte(s) after the value", pos);
    return v;
  }

  private Object value(int depth) throws BencodeException {
    if (depth > MAX_DEPTH) throw new BencodeException("nesting deeper than " + MAX_DEPTH, pos);
    byte b = peek("a value");
    if (b == 'i') return integer();
    if (b >= '0' && b <= '9') return string();
    if (b == 'l') return list(depth);
    if (b == 'd') return dictionary(depth);
    throw new BencodeException("unexpected '" + printable(b) + "' where a value starts", pos);
  }

  private Long integer() throws BencodeException {
    int start = pos++;
    boolean negative = pos < end && in[pos] == '-';
    if (negative) pos++;
    int digits = pos;
    long n = 0;
    while (peek("the end 'e' of an integer") != 'e') {
      byte d = in[pos];
      if (d < '0' || d > '9') throw new BencodeException("'" + printable(d) + "' in an integer", pos);
      if (n > (Long.MAX_VALUE - (d - '0')) / 10) throw new BencodeException("integer out of range", start);
      n = n * 10 + (d - '0');
      pos++;
    }
    int count = pos - digits;
    if (count == 0) throw new BencodeException("integer without digits", start);
    if (in[digits] == '0' && (count > 1 || negative)) throw new BencodeException("integer with a leading zero or -0", start);
    pos++; // 'e'
    return negative ? -n : n;
  }

  private String string() throws BencodeException {
    int start = pos;
    long len = 0;
    while (peek("the ':' of a string length") != ':') {
      byte d = in[pos];
      if (d < '0' || d > '9') throw new BencodeException("'" + printable(d) + "' in a string length", pos);
      len = len * 10 + (d - '0');
      if (len > end) throw new BencodeException("string length past the end of the input", start);
      pos++;
    }
    if (pos - start > 1 && in[start] == '0') throw new BencodeException("string length with a leading zero", start);
    pos++; // ':'
    if (len > end - pos) throw new BencodeException("string of " + len + " bytes but only " + (end - pos) + " left", start);
    String s = new String(in, pos, (int) len, StandardCharsets.ISO_8859_1);
    pos += (int) len;
    return s;
  }

  private List<Object> list(int depth) throws BencodeException {
    pos++; // 'l'
    List<Object> out = new ArrayList<>();
    while (peek("the end 'e' of a list") != 'e') out.add(value(depth + 1));
    pos++;
    return out;
  }

  private Map<String, Object> dictionary(int depth) throws BencodeException {
    pos++; // 'd'
    Map<String, Object> out = new LinkedHashMap<>();
    while (peek("the end 'e' of a dictionary") != 'e') {
      int at = pos;
      byte b = in[pos];
      if (b < '0' || b > '9') throw new BencodeException("dictionary key is not a string", at);
      String key = string();
      if (out.containsKey(key)) throw new BencodeException("repeated dictionary key \"" + key + "\"", at);
      out.put(key, value(depth + 1));
    }
    pos++;
    return out;
  }

  private byte peek(String expected) throws BencodeException {
    if (pos >= end) throw new BencodeException("input ends where " + expected + " was expected", pos);
    return in[pos];
  }

  private static String printable(byte b) {
    return b >= 0x20 && b < 0x7f ? Character.toString((char) b) : String.format("\\x%02x", b & 0xff);
  }
}
