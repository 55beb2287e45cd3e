package io.sipgw.dns;

import io.netty.buffer.ByteBuf;

/**
 * An SRV record (RFC 2782). {@code target} is without the trailing dot; empty for "." (the service is
 * decidedly not available at this domain).
 */
public record SrvRecord(int priority, int weight, int port, String target) {

  /**
   * Decodes the RDATA at {@code rdata}'s reader index: PRIORITY, WEIGHT, PORT (16 bits each) and
   * TARGET, a domain name that may be compressed against the rest of the message.
   */
  public static SrvRecord decode(ByteBuf rdata) {
    ByteBuf in = rdata.duplicate();
    try {
      return new SrvRecord(in.readUnsignedShort(), in.readUnsignedShort(), in.readUnsignedShort(), DnsNames.decode(in));
    } catch (IndexOutOfBoundsException | io.netty.handler.codec.CorruptedFrameException e) {
      throw new IllegalArgumentException("malformed SRV RDATA: " + e.getMessage(), e);
    }
  }
}
