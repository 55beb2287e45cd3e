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
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * The SDP of one proxied INVITE through the media relay (RFC 3264 offer/answer): the offer in the
 * INVITE is rewritten for each branch's side (once per profile, so a fork to several phones costs one
 * offer), the answer in a 18x or 2xx for the caller's side, and the media deleted when an initial
 * INVITE fails. Re-INVITEs with SDP go the same way: rtpengine takes a new offer for a call it knows
 * (same Call-ID and From tag) as a re-offer.
 *
 * <p>A late offer (an initial INVITE without SDP: the offer in the 18x/2xx, the answer in the ACK,
 * RFC 3261 §13.2.1) goes the other way round: the callee's SDP is offered to the relay for the
 * caller's side, with the callee's tag as the offerer's, and the ACK's SDP is its answer. A re-INVITE
 * without SDP is left alone, and so is an offer with no media over UDP (an MSRP session: TCP).
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
  /** A late offer: the INVITE had no SDP. */
  private final boolean late;
  /** Where a late offer's leg waits for its ACK, by Call-ID (the routing loop's). */
  private final BiConsumer<String, MediaLeg> awaitAck;
  /** The tag and the profile of the callee whose late offer went up in a 2xx: the ACK answers it. */
  private String lateOfferer;
  private MediaProfile lateTowardCallee;
  /** Whether the relay was given anything: then a failed INVITE deletes it. */
  private boolean relayed;
  private final Map<MediaProfile, Future<String>> offers = new EnumMap<>(MediaProfile.class);
  private final Map<String, Answer> answers = new HashMap<>(2);
  private final Map<String, Bridge> bridgeOfToTag = new HashMap<>(2);
  private boolean deleted;

  private MediaLeg(MediaRelay relay, MediaConfig config, SipRequest req, String fromTag, String sdp, Transport caller, boolean initial,
      BiConsumer<String, MediaLeg> awaitAck) {
    this.relay = relay;
    this.late = sdp == null;
    this.awaitAck = awaitAck;
    this.config = config;
    this.callId = req.callId();
    this.fromTag = fromTag;
    this.sdp = sdp;
    this.caller = caller;
    this.initial = initial;
  }

  /**
   * The media leg of {@code in}, or null when its SDP is none of the relay's business: no relay or
   * bridging off, not an INVITE, or a re-INVITE without SDP. A late offer's leg hands itself to
   * {@code awaitAck} when its 2xx has gone up, for the ACK's answer ({@link #ackAnswer}).
   */
  static MediaLeg of(MediaRelay relay, MediaConfig config, IncomingRequest in, BiConsumer<String, MediaLeg> awaitAck) {
    SipRequest req = in.req();
    if (relay == null || !config.enabled() || !req.isMethod(Methods.INVITE)) return null;
    String body = sdpOf(req);
    try {
      boolean initial = req.to().tag() == null;
      if (body == null && !initial) return null;
      if (body != null && !MediaPolicy.hasRelayableMedia(body)) return null; // an MSRP session, say
      String fromTag = req.from().tag();
      if (fromTag == null) return null; // an RFC 2543 caller: no tag to name its side by
      return new MediaLeg(relay, config, req, fromTag, body, in.flow().transport(), initial, awaitAck);
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
    if (late) return Future.succeededFuture(new Offer(bridge, null)); // the offer comes in the answer
    relayed = true;
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
    if (late && !MediaPolicy.hasRelayableMedia(body)) return Future.succeededFuture(); // a late offer of MSRP, say
    Bridge b = bridge != null ? bridge : bridgeOfToTag.get(toTag);
    if (b == null) return Future.succeededFuture();
    boolean success = response.status() >= 200 && response.status() < 300;
    Answer done = answers.get(toTag);
    if (done != null && done.received().equals(body)) { // a retransmission, or a 2xx with the SDP of its 18x
      if (late && success) expectAck(toTag, b);
      return Future.succeededFuture(done.rewritten());
    }
    bridgeOfToTag.put(toTag, b);
    relayed = true;
    // a late offer's SDP in a response is the callee's offer; the callee's tag names the offerer
    Future<String> rewritten = late ? relay.offer(callId, toTag, body, b.towardCaller())
        : relay.answer(callId, fromTag, toTag, body, b.towardCaller());
    return rewritten.transform(ar -> {
      if (ar.succeeded()) {
        answers.put(toTag, new Answer(body, ar.result()));
        if (late && success) expectAck(toTag, b);
        return Future.succeededFuture(ar.result());
      }
      LOG.warning("media relay did not take the " + (late ? "offer" : "answer") + " in a " + response.status() + ": "
          + ar.cause().getMessage() + "; forwarded with its own SDP (Call-ID " + callId + ")");
      return Future.succeededFuture();
    });
  }

  /** A late offer went up in the 2xx of {@code toTag}'s dialog: its ACK brings the answer. */
  private void expectAck(String toTag, Bridge b) {
    if (lateOfferer != null) return;
    lateOfferer = toTag;
    lateTowardCallee = b.towardCallee();
    awaitAck.accept(callId, this);
  }

  /**
   * The SDP of the ACK that answers a late offer, rewritten for the callee; null when it stays as it
   * is (no SDP, another dialog's ACK, or the relay failed: logged).
   */
  Future<String> ackAnswer(SipRequest ack) {
    String body = sdpOf(ack);
    String toTag;
    try {
      toTag = ack.to().tag();
    } catch (SipParseException e) {
      return Future.succeededFuture();
    }
    if (body == null || lateOfferer == null || !lateOfferer.equals(toTag)) return Future.succeededFuture();
    return relay.answer(callId, lateOfferer, fromTag, body, lateTowardCallee).transform(ar -> {
      if (ar.succeeded()) return Future.succeededFuture(ar.result());
      LOG.warning("media relay did not take the answer in the ACK: " + ar.cause().getMessage()
          + "; forwarded with its own SDP (Call-ID " + callId + ")");
      return Future.succeededFuture();
    });
  }

  /** The INVITE failed (a final answer of 300 or more, 487 after CANCEL included): an initial one's media goes. */
  void failed() {
    if (initial && relayed) relay.delete(callId, fromTag);
  }

  /**
   * A 2xx came from a branch that was not bridged (a fork to a browser and a desk phone, answered by
   * the phone): the offers made for the other branches are of no use, and the relay lets them go now
   * rather than at its own timeout. A 2xx whose dialog was answered through the relay changes nothing.
   */
  void answeredDirectly(SipResponse response) {
    if (!initial || !relayed || deleted || !bridgeOfToTag.isEmpty()) return;
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
