package io.sipgw.dns;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A NAPTR record (RFC 3403 §4.1). {@code flags} and {@code services} are lower-cased (they compare
 * case-insensitively); {@code replacement} is a domain name without the trailing dot, empty for the
 * root ("." : no replacement, the regexp applies instead).
 */
public record NaptrRecord(int order, int preference, String flags, String services, String regexp, String replacement) {

  /** Whether {@code flags} holds {@code flag} (one letter). */
  public boolean hasFlag(char flag) { return flags.indexOf(Character.toLowerCase(flag)) >= 0; }

  /** A terminal record ends the rewriting (RFC 3403 §4.1: the flags "s", "a", "u" and "p" are terminal). */
  public boolean terminal() { return hasFlag('s') || hasFlag('a') || hasFlag('u') || hasFlag('p'); }

  /**
   * Decodes the RDATA between {@code rdata}'s reader and writer index: ORDER and PREFERENCE (16 bits
   * each), FLAGS, SERVICES and REGEXP as character-strings (a length octet, then that many octets),
   * then REPLACEMENT as a domain name (RFC 3403 says uncompressed; a pointer into the message is
   * followed all the same when the buffer is the whole message).
   *
   * @throws IllegalArgumentException when the RDATA is truncated or malformed
   */
  public static NaptrRecord decode(ByteBuf rdata) {
    ByteBuf in = rdata.duplicate();
    try {
      int order = in.readUnsignedShort();
      int preference = in.readUnsignedShort();
      String flags = characterString(in).toLowerCase(Locale.ROOT);
      String services = characterString(in).toLowerCase(Locale.ROOT);
      String regexp = characterString(in);
      String replacement = DnsNames.decode(in);
      return new NaptrRecord(order, preference, flags, services, regexp, replacement);
    } catch (IndexOutOfBoundsException | io.netty.handler.codec.CorruptedFrameException e) {
      throw new IllegalArgumentException("malformed NAPTR RDATA: " + e.getMessage(), e);
    }
  }

  /** RFC 1035 §3.3 <character-string>; UTF-8 (RFC 3402 §3.2 allows it in the regexp). */
  private static String characterString(ByteBuf in) {
    int len = in.readUnsignedByte();
    if (len > in.readableBytes()) throw new IndexOutOfBoundsException("character-string of " + len + " octets past the end");
    String s = in.toString(in.readerIndex(), len, StandardCharsets.UTF_8);
    in.skipBytes(len);
    return s;
  }
}
