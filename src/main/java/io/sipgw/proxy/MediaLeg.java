package io.sipgw.proxy;

import io.sipgw.config.MediaConfig;
import io.sipgw.media.MediaPolicy;
import io.sipgw.media.MediaPolicy.Bridge;
import io.sipgw.media.MediaProfile;
import io.sipgw.media.MediaRelay;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.Methods;
import io.sipgw.sip.SipMessage;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipResponse;
import io.sipgw.sip.Text;
import io.sipgw.sip.Transport;
import io.vertx.core.Future;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The SDP of one proxied INVITE through the media relay (RFC 3264 offer/answer): the offer in the
 * INVITE is rewritten for each branch's side (once per profile, so a fork to several phones costs one
 * offer), the answer in a 18x or 2xx for the caller's side, and the media deleted when an initial
 * INVITE fails. Re-INVITEs with SDP go the same way: rtpengine takes a new offer for a call it knows
 * (same Call-ID and From tag) as a re-offer.
 *
 * <p>Limit: a late offer (an INVITE without SDP, the offer in the 2xx and the answer in the ACK,
 * RFC 3264 §4 and RFC 3261 §13.2.1) is not bridged; its SDP goes through unchanged.
 */
final class MediaLeg {
  private static final Logger LOG = Logger.getLogger("sipgw.proxy");

  /** An offer as a branch sends it: the bridge it was made for, and the rewritten SDP. */
  record Offer(Bridge bridge, String sdp) { }

  private record Answer(String received, String rewritten) { }

  private final MediaRelay relay;
  private final MediaConfig config;
  private final String callId;
  private final String fromTag;
  private final String sdp;
  private final Transport caller;
  private final boolean initial;
  private final Map<MediaProfile, Future<String>> offers = new EnumMap<>(MediaProfile.class);
  private final Map<String, Answer> answers = new HashMap<>(2);
  private final Map<String, Bridge> bridgeOfToTag = new HashMap<>(2);
  private boolean deleted;

  private MediaLeg(MediaRelay relay, MediaConfig config, SipRequest req, String fromTag, String sdp, Transport caller, boolean initial) {
    this.relay = relay;
    this.config = config;
    this.callId = req.callId();
    this.fromTag = fromTag;
    this.sdp = sdp;
    this.caller = caller;
    this.initial = initial;
  }

  /**
   * The media leg of {@code in}, or null when its SDP is none of the relay's business: no relay or
   * bridging off, not an INVITE, or no SDP body (a late offer).
   */
  static MediaLeg of(MediaRelay relay, MediaConfig config, IncomingRequest in) {
    SipRequest req = in.req();
    if (relay == null || !config.enabled() || !req.isMethod(Methods.INVITE)) return null;
    String body = sdpOf(req);
    if (body == null) return null;
    try {
      String fromTag = req.from().tag();
      if (fromTag == null) return null; // an RFC 2543 caller: no tag to name its side by
      return new MediaLeg(relay, config, req, fromTag, body, in.flow().transport(), req.to().tag() == null);
    } catch (SipParseException e) {
      return null; // From and To were validated before (§16.3): cannot happen
    }
  }

  /**
   * The offer for a branch toward a {@code callee} side: null when this branch's SDP stays as it is;
   * fails with the relay's {@link io.sipgw.media.NgException} when it cannot be rewritten.
   */
  Future<Offer> offerToward(Transport callee) {
    Bridge bridge = MediaPolicy.decide(config.mode(), caller, callee);
    if (bridge == null) return Future.succeededFuture();
    return offers.computeIfAbsent(bridge.towardCallee(), p -> relay.offer(callId, fromTag, sdp, p))
        .map(rewritten -> new Offer(bridge, rewritten));
  }

  /**
   * The SDP of a response for the caller: null when it stays as it is (no SDP, a branch that was
   * not bridged, or the relay failed: logged). {@code bridge} is the branch's, null for a 2xx
   * retransmitted after the branch was let go (then the one its To tag was answered with).
   */
  Future<String> answer(SipResponse response, Bridge bridge) {
    String body = sdpOf(response);
    String toTag;
    try {
      toTag = response.to().tag();
    } catch (SipParseException e) {
      return Future.succeededFuture();
    }
    if (body == null || toTag == null) return Future.succeededFuture();
    Bridge b = bridge != null ? bridge : bridgeOfToTag.get(toTag);
    if (b == null) return Future.succeededFuture();
    Answer done = answers.get(toTag);
    if (done != null && done.received().equals(body)) return Future.succeededFuture(done.rewritten()); // a retransmission
    bridgeOfToTag.put(toTag, b);
    return relay.answer(callId, fromTag, toTag, body, b.towardCaller()).transform(ar -> {
      if (ar.succeeded()) {
        answers.put(toTag, new Answer(body, ar.result()));
        return Future.succeededFuture(ar.result());
      }
      LOG.warning("media relay did not take the answer in a " + response.status() + ": " + ar.cause().getMessage()
          + "; forwarded with its own SDP (Call-ID " + callId + ")");
      return Future.succeededFuture();
    });
  }

  /** The INVITE failed (a final answer of 300 or more, 487 after CANCEL included): an initial one's media goes. */
  void failed() {
    if (initial && !offers.isEmpty()) relay.delete(callId, fromTag);
  }

  /**
   * A 2xx came from a branch that was not bridged (a fork to a browser and a desk phone, answered by
   * the phone): the offers made for the other branches are of no use, and the relay lets them go now
   * rather than at its own timeout. A 2xx whose dialog was answered through the relay changes nothing.
   */
  void answeredDirectly(SipResponse response) {
    if (!initial || offers.isEmpty() || deleted || !bridgeOfToTag.isEmpty()) return;
    try {
      String toTag = response.to().tag();
      if (toTag == null) return;
    } catch (SipParseException e) {
      return;
    }
    deleted = true;
    relay.delete(callId, fromTag);
  }

  /** The body of an {@code application/sdp} message as text (one char per byte), or null. */
  static String sdpOf(SipMessage m) {
    String type = m.header(HeaderName.CONTENT_TYPE);
    if (type == null || m.bodyLength() == 0) return null;
    int semi = type.indexOf(';');
    String media = (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    if (!media.equals("application/sdp")) return null;
    byte[] b = m.body();
    return Text.of(b, 0, b.length);
  }
}
