package io.sipgw.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The digest computations against the RFCs' own examples, and the parsing of credentials. */
class DigestTest {
  @Test
  void rfc2617Example() {
    // RFC 2617 §3.5
    DigestAlgorithm md5 = DigestAlgorithm.MD5;
    String ha1 = md5.ha1("Mufasa", "testrealm@host.com", "Circle Of Life");
    DigestResponse d = new DigestResponse(Map.of("nonce", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "uri", "/dir/index.html", "qop", "auth",
        "nc", "00000001", "cnonce", "0a4f113b"));
    assertEquals("6629fae49393a05397450978507c4ef1", Authenticator.expected(md5, ha1, d, "GET"));
  }

  @Test
  void rfc7616ExamplesForMd5AndSha256() {
    // RFC 7616 §3.9.1 (the algorithms RFC 8760 brings to SIP)
    DigestResponse d = new DigestResponse(Map.of("nonce", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "uri", "/dir/index.html",
        "qop", "auth", "nc", "00000001", "cnonce", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"));
    for (var c : Map.of(DigestAlgorithm.MD5, "8ca523f5e9506fed4657c9700eebdbec",
        DigestAlgorithm.SHA_256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1").entrySet()) {
      String ha1 = c.getKey().ha1("Mufasa", "http-auth@example.org", "Circle of Life");
      assertEquals(c.getValue(), Authenticator.expected(c.getKey(), ha1, d, "GET"), c.getKey().token());
    }
  }

  @Test
  void sha512t256IsTheTruncatedSha512WithItsOwnInitialValues() {
    // FIPS 180-4 SHA-512/256 of "abc"
    assertEquals("53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23", DigestAlgorithm.SHA_512_256.hex("abc"));
  }

  @Test
  void tokensAreCaseInsensitiveAndUnknownOnesNull() {
    assertEquals(DigestAlgorithm.SHA_512_256, DigestAlgorithm.of("sha-512-256"));
    assertNull(DigestAlgorithm.of("MD5-sess"));
  }

  @Test
  void credentialsParse() {
    DigestResponse d = DigestResponse.parse("Digest username=\"bob\", realm=\"localhost\",nonce=\"n\\\"x\", uri=\"sip:localhost\","
        + " response=\"0123\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"c\"");
    assertEquals("bob", d.username());
    assertEquals("n\"x", d.nonce());
    assertEquals("auth", d.get("qop"));
    assertEquals("00000001", d.get("nc"));
    assertNull(DigestResponse.parse("Basic dXNlcjpwYXNz"));
    assertNull(DigestResponse.parse("Digest username=\"unterminated"));
    assertNull(DigestResponse.parse("Digest realm=\"a\", realm=\"b\""), "a parameter twice");
    assertNull(DigestResponse.parse("Digest    "), "no parameters at all");
  }
}
