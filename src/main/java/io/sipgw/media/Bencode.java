package io.sipgw.media;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bencoding (BEP 3), the encoding of rtpengine's ng control protocol: integers {@code i42e}, byte
 * strings {@code 4:spam}, lists {@code l...e} and dictionaries {@code d...e} with keys sorted as raw
 * bytes. A byte string is held in a Java String as ISO-8859-1, one char per byte, so an SDP body goes
 * through unchanged whatever its charset; integers are {@code Long}, lists {@code List<Object>},
 * dictionaries {@code Map<String, Object>} in the order received.
 */
public final class Bencode {
  private Bencode() { }

  /** The encoding of {@code value}: a String, byte[], Integer or Long, List, or Map with String keys. */
  public static Buffer encode(Object value) {
    Buffer out = Buffer.buffer(256);
    write(out, value);
    return out;
  }

  /** Appends the encoding of {@code value} to {@code out}. */
  public static void write(Buffer out, Object value) {
    if (value instanceof String s) {
      byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
      out.appendString(Integer.toString(b.length)).appendByte((byte) ':').appendBytes(b);
    } else if (value instanceof byte[] b) {
      out.appendString(Integer.toString(b.length)).appendByte((byte) ':').appendBytes(b);
    } else if (value instanceof Integer || value instanceof Long) {
      out.appendByte((byte) 'i').appendString(value.toString()).appendByte((byte) 'e');
    } else if (value instanceof List<?> list) {
      out.appendByte((byte) 'l');
      for (Object o : list) write(out, o);
      out.appendByte((byte) 'e');
    } else if (value instanceof Map<?, ?> map) {
      List<String> keys = new ArrayList<>(map.size());
      for (Object k : map.keySet()) {
        if (!(k instanceof String s)) throw new IllegalArgumentException("bencode dictionary key is not a string: " + k);
        keys.add(s);
      }
      keys.sort(null); // ISO-8859-1 chars compare as their unsigned bytes: BEP 3 raw-byte order
      out.appendByte((byte) 'd');
      for (String k : keys) {
        write(out, k);
        write(out, map.get(k));
      }
      out.appendByte((byte) 'e');
    } else {
      throw new IllegalArgumentException("cannot bencode " + (value == null ? "null" : value.getClass().getSimpleName()));
    }
  }

  /** The one value in {@code data[from, to)}; anything before its end that is not part of it, or after it, is an error. */
  public static Object decode(byte[] data, int from, int to) throws BencodeException {
    return new BencodeReader(data, from, to).readWhole();
  }

  public static Object decode(byte[] data) throws BencodeException { return decode(data, 0, data.length); }
}
