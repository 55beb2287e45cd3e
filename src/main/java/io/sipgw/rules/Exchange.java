package io.sipgw.rules;

import io.sipgw.config.Failover;
import io.sipgw.config.MediaMode;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipUri;
import io.sipgw.transport.Flow;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * One request going through the route rules, and what the rules can do with it: the proxy's
 * operations, as Kamailio's script functions are. Used on the request's routing event loop only.
 * The operations that send something ({@code forward}, {@code reply} …) say whether they ended the
 * routing; those that find nowhere to send it leave the request to the next action.
 */
public interface Exchange {
  SipRequest request();

  /** Where the request came from (transport, source address, connection). */
  Flow flow();

  default String callId() { return request().callId(); }

  /** The Request-URI as the rules have made it so far (after {@code rewrite}). */
  SipUri requestUri();

  void requestUri(SipUri uri);

  /** Adds a header field to every copy forwarded. */
  void addHeader(String name, String value);

  /** Replaces every field of a header (or adds it) in every copy forwarded. */
  void setHeader(String name, String value);

  /** Removes every field of a header from every copy forwarded. */
  void removeHeader(String name);

  /** Whether this request gets a Record-Route (default: {@code proxy.recordRoute}). */
  void recordRoute(boolean on);

  /** Which calls of this request have their SDP through rtpengine (default: {@code media.mode}). */
  void mediaMode(MediaMode mode);

  /** Whether the request's credentials were checked and good (by {@code authenticate}). */
  boolean authenticated();

  /** Whether {@code host} is one of this server's domains (or its own address). */
  boolean isLocalDomain(String host);

  /** Whether {@code uri} is for one of this server's domains: by name, or by its own address and port. */
  boolean isLocal(SipUri uri);

  /** In a failure route, the best final status of the request so far; 0 elsewhere. */
  int failureStatus();

  /** The block to run when the request, once forwarded, gets no better than a failure (>= 300). */
  void failureRoute(Action block);

  /** Values a step leaves for a later one (custom actions and conditions). */
  Map<String, Object> attributes();

  /** Checks credentials as {@code auth} says: true to go on, false when answered (401, 407, 403). */
  Future<Boolean> authenticate();

  /** Forwards along the Route set or the dialog's Record-Route (RFC 3261 §16.4, §16.6 step 6); true when it did. */
  boolean looseRoute();

  /** A REGISTER for one of this server's domains goes to the registrar; true when it did. */
  boolean save();

  /** A PUBLISH or SUBSCRIBE the presence server takes is answered by it; true when it was. */
  Future<Boolean> presence();

  /** A request for the server itself (no user part, one of its domains): OPTIONS answered, the rest 404; true when so. */
  boolean options();

  /** A request for a user of one of this server's domains goes to its bindings (or 404, 480, 302); true when so. */
  boolean lookup();

  /** Forwards to {@code to} (a next hop; null: where the Request-URI leads), destinations tried in turn as {@code failover} says. */
  void forward(SipUri to, Failover failover);

  /** Forwards to a destination of a dispatcher set; false when none is up. */
  boolean dispatch(String set);

  /** Forwards to the gateways of the least-cost route for the Request-URI; false when no rule matches. */
  boolean lcr();

  /** Looks the Request-URI's number up in ENUM (RFC 6116) and forwards to the URI found; false when none is. */
  Future<Boolean> enumRoute(String suffix);

  /** Answers with a redirect (3xx) to {@code contacts}. */
  void redirect(int status, List<SipUri> contacts);

  /** Answers {@code status} (a final one) with {@code reason} (null: the standard phrase). */
  void reply(int status, String reason);

  /** Sends nothing: the request is dropped. */
  void drop();
}
