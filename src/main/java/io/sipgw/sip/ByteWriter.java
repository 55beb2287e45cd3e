package io.sipgw.sip;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * Writes a message into one growable byte array: received bytes copied as they are, text written
 * one byte per char (sipgw's text is ISO-8859-1 throughout, see {@link Text}). The array becomes the
 * Buffer without another copy.
 */
final class ByteWriter {
  private byte[] buf;
  private int len;

  ByteWriter(int capacity) { buf = new byte[Math.max(64, capacity)]; }

  ByteWriter bytes(byte[] src, int from, int length) {
    ensure(length);
    System.arraycopy(src, from, buf, len, length);
    len += length;
    return this;
  }

  ByteWriter ascii(CharSequence s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) buf[len++] = (byte) s.charAt(i);
    return this;
  }

  Buffer toBuffer() { return Buffer.buffer(len).appendBytes(buf, 0, len); }

  private void ensure(int more) {
    if (len + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
  }
}
