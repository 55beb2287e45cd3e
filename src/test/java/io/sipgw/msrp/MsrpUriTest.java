package io.sipgw.msrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** MSRP URIs (RFC 4975 §6 and §9, RFC 7977 §4). */
class MsrpUriTest {
  /** The URI, then what it reads as: secure, host, port, session, transport, authority() and toString(). */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "msrp://relay.example.com:2855/s1;tcp            | false | relay.example.com | 2855  | s1  | tcp | relay.example.com:2855;tcp   | msrp://relay.example.com:2855/s1;tcp",
      "msrps://bob.example.com:12763/kjhd37s2s20w2a;tcp | true  | bob.example.com   | 12763 | kjhd37s2s20w2a | tcp | bob.example.com:12763;tcp;s | msrps://bob.example.com:12763/kjhd37s2s20w2a;tcp",
      "MSRPS://Relay.Example.COM:1/AbC;TCP             | true  | relay.example.com | 1     | AbC | tcp | relay.example.com:1;tcp;s    | msrps://relay.example.com:1/AbC;tcp",
      "msrp://df7jal23ls0d.invalid/2s93i93idj;ws       | false | df7jal23ls0d.invalid | 2855 | 2s93i93idj | ws | df7jal23ls0d.invalid:2855;ws | msrp://df7jal23ls0d.invalid:2855/2s93i93idj;ws",
      "msrp://[::1]:2855/abc;tcp                       | false | ::1               | 2855  | abc | tcp | [::1]:2855;tcp               | msrp://[::1]:2855/abc;tcp",
      "msrps://[2001:DB8::7]/abc;ws                    | true  | 2001:db8::7       | 2855  | abc | ws  | [2001:db8::7]:2855;ws;s      | msrps://[2001:db8::7]:2855/abc;ws",
      "msrp://192.0.2.1:65535/x-y_z.9;tcp              | false | 192.0.2.1         | 65535 | x-y_z.9 | tcp | 192.0.2.1:65535;tcp      | msrp://192.0.2.1:65535/x-y_z.9;tcp",
      "msrp://alice@atlanta.example.com:7654/jshA7we;tcp | false | atlanta.example.com | 7654 | jshA7we | tcp | atlanta.example.com:7654;tcp | msrp://atlanta.example.com:7654/jshA7we;tcp",
      "msrp://relay.example.com:2855;tcp               | false | relay.example.com | 2855  | ''  | tcp | relay.example.com:2855;tcp   | msrp://relay.example.com:2855;tcp",
      "msrp://relay.example.com;tcp                    | false | relay.example.com | 2855  | ''  | tcp | relay.example.com:2855;tcp   | msrp://relay.example.com:2855;tcp",
      "msrp://h.example:9/s1;tcp;foo=bar               | false | h.example         | 9     | s1  | tcp | h.example:9;tcp              | msrp://h.example:9/s1;tcp",
      "msrp://h.example:9/a+b=c/d;tcp                  | false | h.example         | 9     | a+b=c/d | tcp | h.example:9;tcp          | msrp://h.example:9/a+b=c/d;tcp",
  })
  void parses(String text, boolean secure, String host, int port, String session, String transport, String authority, String string) {
    MsrpUri u = MsrpUri.parse(text);
    assertEquals(new MsrpUri(secure, host, port, session, transport), u, text);
    assertEquals(authority, u.authority());
    assertEquals(string, u.toString());
    assertEquals(u, MsrpUri.parse(u.toString()), "toString reads back the same");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "msrp://",
      "msrp://;tcp",
      "sip:alice@example.com",
      "http://h.example:80/s;tcp",
      "msrp:h.example:80/s;tcp",
      "msrp://h.example:2855/s",            // no transport
      "msrp://h.example:2855/s;",
      "msrp://h.example:2855/s;udp",
      "msrp://h.example:2855/s;sctp",
      "msrp://:2855/s;tcp",                 // no host
      "msrp://alice@:2855/s;tcp",
      "msrp://h.example:/s;tcp",            // no port after the colon
      "msrp://h.example:0/s;tcp",
      "msrp://h.example:65536/s;tcp",
      "msrp://h.example:-1/s;tcp",
      "msrp://h.example:+80/s;tcp",
      "msrp://h.example:8o/s;tcp",
      "msrp://h.example:99999999999/s;tcp",
      "msrp://[::1/s;tcp",                  // unclosed bracket
      "msrp://[::1]x2855/s;tcp",            // no colon after the bracket
      "msrp://[::1]:/s;tcp",
      "msrp://[]:2855/s;tcp",
      "msrp://[nope]:2855/s;tcp",
      "msrp://::1:2855/s;tcp",              // IPv6 without brackets
      "msrp://a b:2855/s;tcp",
      "msrp://h.example:2855:1/s;tcp",
  })
  void notAnMsrpUri(String text) {
    assertNull(MsrpUri.parse(text), text);
  }
}
