package io.sipgw.dns;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import java.util.Locale;

/** Domain names in DNS messages. */
final class DnsNames {
  private DnsNames() { }

  /**
   * Reads a domain name at {@code in}'s reader index (RFC 1035 §3.1; compression pointers §4.1.4
   * resolved against the whole message, which {@code in} must be a view of) and moves past it.
   * Returns it lower-cased without the trailing dot; the root is the empty string.
   */
  static String decode(ByteBuf in) {
    String name = DefaultDnsRecordDecoder.decodeName(in);
    return normalize(name);
  }

  /** Lower case without a trailing dot; "." becomes "". */
  static String normalize(String name) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    return n.toLowerCase(Locale.ROOT);
  }
}
