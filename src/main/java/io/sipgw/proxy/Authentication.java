package io.sipgw.proxy;

import io.sipgw.auth.Authenticator;
import io.sipgw.ban.SourceGuard;
import io.sipgw.config.AuthConfig;
import io.sipgw.sip.ResponseBuilder;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipUri;
import io.sipgw.transport.Flow;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Which requests must prove who sends them, and the identity checks after (as Kamailio's default
 * script does with auth_check()): with {@code auth.enabled}, a REGISTER for a local domain is
 * challenged with 401 and must then be for the authenticated AOR (To); a request that starts
 * something ({@code auth.methods}, no To tag) from a user of a local domain (From) is challenged with
 * 407 and must then come from the authenticated user, unless it arrives from a trusted address; a
 * PUBLISH to a local user, which sets that user's state (RFC 3903 §6), is challenged whoever From
 * names and must be published by that user. ACK and CANCEL never are (RFC 3261 §22.1). The realm is
 * the domain of the request.
 */
public final class Authentication {
  private static final Logger LOG = Logger.getLogger("sipgw.auth");

  private final Supplier<AuthConfig> settings;
  private final Authenticator authenticator;
  private final SourceGuard guard;
  private final Predicate<Flow> internal;

  /**
   * {@code authenticator} null: no credentials to check against (auth is off and stays off until a
   * restart); {@code guard} (null: none) counts failed authentications towards a ban of their source.
   */
  public Authentication(Supplier<AuthConfig> settings, Authenticator authenticator, SourceGuard guard) {
    this(settings, authenticator, guard, flow -> false);
  }

  /** {@code internal}: the flows of this node's own requests (stored messages delivered), never challenged. */
  public Authentication(Supplier<AuthConfig> settings, Authenticator authenticator, SourceGuard guard, Predicate<Flow> internal) {
    this.settings = settings;
    this.authenticator = authenticator;
    this.guard = guard;
    this.internal = internal;
  }

  /** The answer that stops a request: its status and the response. */
  public record Refusal(int status, Buffer response) { }

  /** What {@link #check} gives for a request whose credentials were checked and good. */
  static final Refusal AUTHENTICATED = new Refusal(0, null);

  /**
   * The answer that stops {@code req} (401 or 407 with challenges, 403); {@link #AUTHENTICATED} when
   * its credentials are good; null when it may go on unchecked.
   */
  Future<Refusal> check(SipRequest req, Flow flow, LocalDomains domains) {
    AuthConfig cfg = settings.get();
    if (!cfg.enabled() || authenticator == null || !Authenticator.challengeable(req.method())) return Future.succeededFuture();
    if (!cfg.methods().contains(req.method()) || cfg.trusts(flow.remoteHost()) || internal.test(flow)) return Future.succeededFuture();
    boolean register = req.isMethod("REGISTER");
    boolean publish;
    SipUri identity;
    try {
      if (!register && req.to().tag() != null) return Future.succeededFuture(); // in a dialog: along its Record-Route
      SipUri target = req.isMethod("PUBLISH") ? req.requestUri() : null;
      publish = target != null && target.isSip() && domains.isLocal(target.host());
      identity = register ? req.to().uri() : publish ? target : req.from().uri();
    } catch (SipParseException e) {
      return Future.succeededFuture(); // validated before: not reached
    }
    if (!identity.isSip() || !domains.isLocal(identity.host())) return Future.succeededFuture();
    String realm = domains.canonical(identity.host());
    if (!cfg.domains().isEmpty() && cfg.domains().stream().noneMatch(d -> d.equalsIgnoreCase(realm))) return Future.succeededFuture();
    return authenticator.check(req, realm).map(o -> {
      if (!o.authenticated()) {
        if (o.failed() && guard != null) guard.authFailed(flow.remoteHost());
        LOG.fine(() -> req.method() + " from " + flow + " challenged (" + o.status() + "): " + o.why() + " (Call-ID " + req.callId() + ")");
        ResponseBuilder rb = ResponseBuilder.of(req, o.status());
        for (String c : o.challenges()) rb.header(o.header(), c);
        return new Refusal(o.status(), rb.toBuffer());
      }
      String claimed = identity.user() == null ? "" : identity.user();
      if (!claimed.equals(o.user())) {
        // RFC 3261 §10.3 step 3 for REGISTER; for the rest, no one speaks (or publishes) as another local user
        String what = register ? "To" : publish ? "Request-URI" : "From";
        LOG.info(req.method() + " from " + flow + " refused with 403: authenticated as " + o.user() + "@" + realm + " but " + what + " is "
            + claimed + "@" + realm + " (Call-ID " + req.callId() + ")");
        return new Refusal(403, ResponseBuilder.of(req, 403, "Forbidden (" + what + " is not the authenticated user)").toBuffer());
      }
      return AUTHENTICATED;
    });
  }
}
