package io.sipgw.it;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A digest client of the tests' own (RFC 2617, RFC 7616/8760), for what SIPp 3.6 and sipsak cannot
 * do: answer a SHA-256 or SHA-512-256 challenge. It picks the challenge of the algorithm asked for
 * from a 401/407 and writes the Authorization / Proxy-Authorization line of the retried request.
 */
public final class DigestClient {
  private static final Pattern PARAM = Pattern.compile("([A-Za-z-]+)=(?:\"([^\"]*)\"|([^,\\s]+))");

  private DigestClient() { }

  /** The challenge parameters of each WWW-/Proxy-Authenticate of {@code challenge}, in order. */
  public static List<Map<String, String>> challenges(SipMessageText challenge) {
    String header = challenge.status() == 407 ? "Proxy-Authenticate" : "WWW-Authenticate";
    return challenge.headers(header).stream().map(DigestClient::params).toList();
  }

  private static Map<String, String> params(String value) {
    Map<String, String> out = new HashMap<>();
    Matcher m = PARAM.matcher(value.replaceFirst("^\\s*Digest\\s+", ""));
    while (m.find()) out.put(m.group(1).toLowerCase(), m.group(2) != null ? m.group(2) : m.group(3));
    return out;
  }

  /**
   * The header line (with CRLF) answering {@code challenge}'s {@code algorithm} challenge for
   * {@code method uri} as {@code user} with {@code password}, qop=auth, nc 1.
   */
  public static String answer(SipMessageText challenge, String algorithm, String method, String uri, String user, String password) {
    Map<String, String> c = challenges(challenge).stream().filter(p -> algorithm.equalsIgnoreCase(p.get("algorithm")))
        .findFirst().orElseThrow(() -> new AssertionError("no " + algorithm + " challenge in\n" + challenge));
    String realm = c.get("realm");
    String nonce = c.get("nonce");
    String cnonce = "it" + System.nanoTime();
    String nc = "00000001";
    String ha1 = hex(algorithm, user + ":" + realm + ":" + password);
    String ha2 = hex(algorithm, method + ":" + uri);
    String response = hex(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
    String name = challenge.status() == 407 ? "Proxy-Authorization" : "Authorization";
    return name + ": Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri
        + "\", response=\"" + response + "\", algorithm=" + algorithm + ", qop=auth, nc=" + nc + ", cnonce=\"" + cnonce + "\"\r\n";
  }

  static String hex(String algorithm, String text) {
    String jca = switch (algorithm.toUpperCase()) {
      case "MD5" -> "MD5";
      case "SHA-256" -> "SHA-256";
      case "SHA-512-256" -> "SHA-512/256";
      default -> throw new IllegalArgumentException(algorithm);
    };
    try {
      StringBuilder sb = new StringBuilder();
      for (byte b : MessageDigest.getInstance(jca).digest(text.getBytes(StandardCharsets.UTF_8))) sb.append(String.format("%02x", b));
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
