package io.sipgw.config;

import io.sipgw.sip.Hosts;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 address block, {@code 10.0.0.0/8} or {@code 2001:db8::/32}; an address alone is /32 or /128. */
public record Cidr(byte[] network, int bits, String text) {
  public static Cidr parse(String s) {
    String t = s.trim();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    String bare = Hosts.bare(addr);
    if (!Hosts.isIpv4(bare) && !Hosts.isIpv6(bare)) throw new IllegalArgumentException("not an IP address or CIDR block: \"" + s + "\"");
    byte[] net = bytes(bare);
    int bits = net.length * 8;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in \"" + s + "\"");
      }
      if (bits < 0 || bits > net.length * 8) throw new IllegalArgumentException("prefix length out of range in \"" + s + "\"");
    }
    return new Cidr(net, bits, t);
  }

  private static byte[] bytes(String literal) {
    try {
      return InetAddress.getByName(literal).getAddress(); // a literal: no name lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: \"" + literal + "\"");
    }
  }

  /** Whether the address {@code ip} (a literal) is in this block; false for a name or the other family. */
  public boolean contains(String ip) {
    String bare = Hosts.bare(ip);
    if (!Hosts.isIpv4(bare) && !Hosts.isIpv6(bare)) return false;
    byte[] a = bytes(bare);
    if (a.length != network.length) return false;
    int full = bits / 8;
    for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
    int rest = bits % 8;
    if (rest == 0) return true;
    int mask = 0xff << (8 - rest) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }

  @Override
  public String toString() { return text; }

  @Override
  public boolean equals(Object o) { return o instanceof Cidr c && c.text.equals(text); }

  @Override
  public int hashCode() { return text.hashCode(); }
}
