package io.sipgw.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An XCAP client of the tests (RFC 4825) over real HTTP: GET, PUT and DELETE of a path below
 * {@code /xcap-root/}, answering a digest challenge (RFC 7616, MD5, qop=auth) as {@code user} with
 * {@code password} when it has them.
 */
final class XcapClient {
  private static final Pattern PARAM = Pattern.compile("([A-Za-z-]+)=(?:\"([^\"]*)\"|([^,\\s]+))");
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String user;
  private final String password;
  private int nc;

  /** {@code user}: null for a client without credentials. */
  XcapClient(int port, String user, String password) {
    this.base = "http://" + FreePorts.IPV4_LOOPBACK + ":" + port;
    this.user = user;
    this.password = password;
  }

  HttpResponse<String> get(String path, String... headers) { return send("GET", path, null, null, headers); }

  HttpResponse<String> put(String path, String type, String body, String... headers) { return send("PUT", path, type, body, headers); }

  HttpResponse<String> delete(String path, String... headers) { return send("DELETE", path, null, null, headers); }

  /** {@code path} below the XCAP root, already percent-encoded where it must be. */
  HttpResponse<String> send(String method, String path, String type, String body, String... headers) {
    String target = "/xcap-root/" + path;
    HttpResponse<String> r = once(method, target, type, body, null, headers);
    if (r.statusCode() == 401 && user != null) {
      r = once(method, target, type, body, authorization(r.headers().allValues("WWW-Authenticate").stream()
          .filter(v -> v.contains("algorithm=MD5")).findFirst().orElseThrow(), method, target), headers);
    }
    return r;
  }

  private HttpResponse<String> once(String method, String target, String type, String body, String authorization, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + target)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (type != null) b.header("Content-Type", type);
    if (authorization != null) b.header("Authorization", authorization);
    for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("XCAP " + method + " " + target + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private String authorization(String challenge, String method, String uri) {
    Map<String, String> c = new HashMap<>();
    Matcher m = PARAM.matcher(challenge.replaceFirst("^\\s*Digest\\s+", ""));
    while (m.find()) c.put(m.group(1).toLowerCase(), m.group(2) != null ? m.group(2) : m.group(3));
    String nonceCount = String.format("%08x", ++nc);
    String cnonce = "x" + System.nanoTime();
    String ha1 = DigestClient.hex("MD5", user + ":" + c.get("realm") + ":" + password);
    String ha2 = DigestClient.hex("MD5", method + ":" + uri);
    String response = DigestClient.hex("MD5", ha1 + ":" + c.get("nonce") + ":" + nonceCount + ":" + cnonce + ":auth:" + ha2);
    return "Digest username=\"" + user + "\", realm=\"" + c.get("realm") + "\", nonce=\"" + c.get("nonce") + "\", uri=\"" + uri
        + "\", response=\"" + response + "\", algorithm=MD5, qop=auth, nc=" + nonceCount + ", cnonce=\"" + cnonce + "\"";
  }

  /** A node selector step's text percent-encoded as a path needs ({@code [ ] " } and spaces). */
  static String encode(String selector) {
    return selector.replace("%", "%25").replace("[", "%5B").replace("]", "%5D").replace("\"", "%22").replace(" ", "%20");
  }
}
