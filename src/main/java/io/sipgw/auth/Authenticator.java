package io.sipgw.auth;

import io.sipgw.config.AuthConfig;
import io.sipgw.sip.HeaderField;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.Hex;
import io.sipgw.sip.SipRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Checks a request's digest credentials (RFC 3261 §22.4, RFC 2617 §3.2.2, RFC 8760) against the
 * credential store, for one realm: the domain of the request. What it answers never tells an unknown
 * user from a wrong password or a user without a password for that algorithm: each gets a fresh
 * challenge from the same generator (no user enumeration).
 */
public final class Authenticator {
  /**
   * What became of a request: authenticated as {@code user}, or to be answered {@code status} with
   * {@code challenges} (the WWW-/Proxy-Authenticate values, one per algorithm offered).
   */
  public record Outcome(String user, int status, String header, List<String> challenges, String why, boolean failed) {
    public boolean authenticated() { return user != null; }
  }

  private final Supplier<AuthConfig> settings;
  private final CredentialStore store;
  private final Nonces nonces;

  public Authenticator(Supplier<AuthConfig> settings, CredentialStore store, Nonces nonces) {
    this.settings = settings;
    this.store = store;
    this.nonces = nonces;
  }

  /**
   * Checks {@code req} in {@code realm}: a REGISTER against its Authorization (401), anything else
   * against its Proxy-Authorization (407).
   */
  public Future<Outcome> check(SipRequest req, String realm) {
    boolean register = req.isMethod("REGISTER");
    HeaderName name = register ? HeaderName.AUTHORIZATION : HeaderName.PROXY_AUTHORIZATION;
    List<String> values = new ArrayList<>();
    for (HeaderField f : req.fields(name)) values.add(f.value());
    return verify(req.method(), null, values, realm, register);
  }

  /**
   * Checks an HTTP request (RFC 7616, as XCAP uses it, RFC 4825 §5.4) in {@code realm} against its
   * Authorization values: a failure is a 401 with WWW-Authenticate challenges. The digest's
   * {@code uri} must be the request's own, so that credentials for one resource open no other.
   */
  public Future<Outcome> checkHttp(String method, String requestUri, List<String> authorization, String realm) {
    return verify(method, requestUri, authorization, realm, true);
  }

  /** {@code register}: a failure is a 401 with WWW-Authenticate, else a 407 with Proxy-Authenticate. */
  private Future<Outcome> verify(String method, String requestUri, List<String> values, String realm, boolean register) {
    DigestResponse d = credentialsFor(values, realm);
    if (d == null) return Future.succeededFuture(challenge(register, realm, false, "no credentials for realm " + realm));
    List<String> offered = settings.get().algorithms();
    DigestAlgorithm alg = DigestAlgorithm.of(d.get("algorithm") == null ? "MD5" : d.get("algorithm"));
    if (alg == null || !offered.contains(alg.token())) {
      return Future.succeededFuture(challenge(register, realm, false, "algorithm " + d.get("algorithm") + " not offered"));
    }
    Nonces.Check nonce = nonces.check(d.nonce(), realm);
    if (nonce == Nonces.Check.INVALID) return Future.succeededFuture(challenge(register, realm, false, "a nonce this server did not make"));
    if (nonce == Nonces.Check.STALE) return Future.succeededFuture(challenge(register, realm, true, "stale nonce"));
    String username = d.username();
    String uri = d.get("uri");
    String response = d.get("response");
    if (username == null || uri == null || response == null) {
      return Future.succeededFuture(challenge(register, realm, false, "incomplete credentials"));
    }
    if (requestUri != null && !uri.equals(requestUri)) {
      return Future.succeededFuture(challenge(register, realm, false, "credentials for " + uri + ", not " + requestUri));
    }
    // a client that sends user@domain as its username is checked against HA1B (MD5 only)
    int at = username.indexOf('@');
    boolean b = at > 0 && alg == DigestAlgorithm.MD5;
    String user = b ? username.substring(0, at) : username;
    String userDomain = b ? username.substring(at + 1).toLowerCase(Locale.ROOT) : realm;
    return store.find(user, userDomain).map(c -> {
      String ha1 = c == null ? null : b ? c.ha1b() : c.ha1().get(alg);
      // compared in constant time: how long the check takes tells nothing about the right response
      if (ha1 == null || !Hex.constantTimeEquals(expected(alg, ha1, d, method), response.toLowerCase(Locale.ROOT))) {
        return failed(challenge(register, realm, false, "wrong credentials for " + username));
      }
      String qop = d.get("qop");
      if (qop != null) {
        long nc;
        try {
          nc = Long.parseLong(d.get("nc"), 16);
        } catch (NumberFormatException | NullPointerException e) {
          return challenge(register, realm, false, "bad nonce count");
        }
        if (!nonces.freshCount(d.nonce(), nc)) {
          return failed(challenge(register, realm, false, "nonce count " + d.get("nc") + " used before (replay)"));
        }
      }
      return new Outcome(user, 200, null, List.of(), null, false);
    });
  }

  /** RFC 2617 §3.2.2.1: request-digest, with qop=auth or without qop (RFC 2069 clients). */
  static String expected(DigestAlgorithm alg, String ha1, DigestResponse d, String method) {
    String ha2 = alg.hex(method + ":" + d.get("uri"));
    String qop = d.get("qop");
    if (qop == null) return alg.hex(ha1 + ":" + d.nonce() + ":" + ha2);
    return alg.hex(ha1 + ":" + d.nonce() + ":" + d.get("nc") + ":" + d.get("cnonce") + ":" + qop + ":" + ha2);
  }

  private static DigestResponse credentialsFor(List<String> values, String realm) {
    for (String v : values) {
      DigestResponse d = DigestResponse.parse(v);
      if (d != null && realm.equalsIgnoreCase(d.realm())) return d;
    }
    return null;
  }

  private Outcome challenge(boolean register, String realm, boolean stale, String why) {
    List<String> values = new ArrayList<>();
    for (String a : settings.get().algorithms()) {
      values.add("Digest realm=\"" + realm + "\", nonce=\"" + nonces.create(realm) + "\", algorithm=" + a + ", qop=\"auth\""
          + (stale ? ", stale=true" : ""));
    }
    return new Outcome(null, register ? 401 : 407, register ? HeaderName.WWW_AUTHENTICATE.canonical() : HeaderName.PROXY_AUTHENTICATE.canonical(),
        values, why, false);
  }

  /** The same challenge, for credentials that were given and did not check out (they count towards a ban). */
  private static Outcome failed(Outcome o) {
    return new Outcome(o.user(), o.status(), o.header(), o.challenges(), o.why(), true);
  }

  /** Whether a request of {@code method} is ever challenged: never ACK or CANCEL (RFC 3261 §22.1). */
  public static boolean challengeable(String method) { return !method.equals("ACK") && !method.equals("CANCEL"); }

  /** Stops watching the credentials. */
  public Future<Void> close() { return store.close(); }

  /** Whether {@code user@domain} has credentials. */
  public Future<Boolean> knows(String user, String domain) { return store.find(user, domain).map(c -> c != null); }
}
