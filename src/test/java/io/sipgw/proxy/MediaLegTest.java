package io.sipgw.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sipgw.config.MediaConfig;
import io.sipgw.config.MediaMode;
import io.sipgw.media.MediaProfile;
import io.sipgw.media.MediaRelay;
import io.sipgw.sip.MessageParser;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipResponse;
import io.sipgw.sip.Transport;
import io.sipgw.transport.Flow;
import io.sipgw.transport.Listener;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which ng commands one INVITE's media leg sends, against a relay that records them (no rtpengine). */
class MediaLegTest {
  private static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
  /** An MSRP session (RFC 4975 §8): TCP only, nothing for rtpengine. */
  private static final String MSRP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
      + "m=message 2855 TCP/MSRP *\r\na=accept-types:text/plain\r\na=path:msrp://127.0.0.1:2855/s1;tcp\r\n";
  private static final Listener UDP = new Listener("udp:127.0.0.1:5060", Transport.UDP, "127.0.0.1", 5060, "127.0.0.1", 5060);

  /** Records every command; offers and answers come back as "rewritten". */
  private static final class RecordingRelay implements MediaRelay {
    final List<String> commands = new ArrayList<>();

    @Override
    public Future<String> offer(String callId, String fromTag, String sdp, MediaProfile toward) {
      commands.add("offer " + toward);
      return Future.succeededFuture("rewritten");
    }

    @Override
    public Future<String> answer(String callId, String fromTag, String toTag, String sdp, MediaProfile toward) {
      commands.add("answer " + toTag);
      return Future.succeededFuture("rewritten");
    }

    @Override
    public void delete(String callId, String tag) { commands.add("delete " + tag); }
  }

  private final RecordingRelay relay = new RecordingRelay();
  private final MediaConfig config = new MediaConfig(List.of(new MediaConfig.Address("127.0.0.1", 2223)), 1000, 1, 30_000, MediaMode.WEBRTC);

  private MediaLeg leg() throws Exception { return leg(SDP, config); }

  /** The leg of an initial INVITE from a phone with {@code sdp} (none when empty), every call bridged (mode {@code always}). */
  private MediaLeg bridged(String sdp) throws Exception {
    return leg(sdp, new MediaConfig(config.rtpengine(), 1000, 1, 30_000, MediaMode.ALWAYS));
  }

  private MediaLeg leg(String sdp, MediaConfig settings) throws Exception {
    String invite = "INVITE sip:bob@localhost SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
        + "From: <sip:alice@localhost>;tag=a1\r\nTo: <sip:bob@localhost>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n"
        + "Max-Forwards: 70\r\n" + (sdp.isEmpty() ? "" : "Content-Type: application/sdp\r\n") + "Content-Length: " + sdp.length()
        + "\r\n\r\n" + sdp;
    byte[] b = invite.getBytes(StandardCharsets.US_ASCII);
    SipRequest req = (SipRequest) MessageParser.parse(b, 0, b.length, true);
    return MediaLeg.of(relay, settings, new IncomingRequest(req, new Flow(Transport.UDP, UDP, "127.0.0.1", 5070, 0), null), (c, l) -> { });
  }

  private static SipResponse ok(String toTag, boolean sdp) throws Exception { return ok(toTag, sdp ? SDP : ""); }

  private static SipResponse ok(String toTag, String body) throws Exception {
    boolean sdp = !body.isEmpty();
    String r = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\nFrom: <sip:alice@localhost>;tag=a1\r\n"
        + "To: <sip:bob@localhost>;tag=" + toTag + "\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n"
        + (sdp ? "Content-Type: application/sdp\r\n" : "") + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    byte[] b = r.getBytes(StandardCharsets.US_ASCII);
    return (SipResponse) MessageParser.parse(b, 0, b.length, true);
  }

  @Test
  void aForkAnsweredByThePhoneLetsTheBrowsersOfferGo() throws Exception {
    MediaLeg leg = leg();
    leg.offerToward(Transport.WS);  // the browser's branch: bridged
    leg.offerToward(Transport.UDP); // the desk phone's branch: phone to phone, left alone
    leg.answeredDirectly(ok("phone", true));
    leg.answeredDirectly(ok("phone", true)); // its retransmission
    assertEquals(List.of("offer WEBRTC", "delete a1"), relay.commands);
  }

  @Test
  void aCallAnsweredThroughTheRelayKeepsItsMedia() throws Exception {
    MediaLeg leg = leg();
    MediaLeg.Offer offer = leg.offerToward(Transport.WS).result();
    leg.answer(ok("browser", true), offer.bridge());
    leg.answeredDirectly(ok("browser", true)); // a 2xx retransmitted after the branch was let go
    assertEquals(List.of("offer WEBRTC", "answer browser"), relay.commands);
  }

  @Test
  void nothingWasOfferedNothingIsDeleted() throws Exception {
    MediaLeg leg = leg();
    leg.offerToward(Transport.UDP);
    leg.answeredDirectly(ok("phone", true));
    assertEquals(List.of(), relay.commands);
  }

  @Test
  void anMsrpOfferIsLeftAloneEvenWhenEveryCallIsBridged() throws Exception {
    assertNull(bridged(MSRP), "an SDP of TCP/MSRP only has no media leg: it goes through as it is");
    assertEquals(List.of(), relay.commands);
  }

  @Test
  void aLateOfferOfMsrpIsLeftAloneToo() throws Exception {
    MediaLeg leg = bridged("");
    MediaLeg.Offer offer = leg.offerToward(Transport.UDP).result();
    assertNull(leg.answer(ok("phone", MSRP), offer.bridge()).result(), "the 200's MSRP offer is not rewritten");
    assertEquals(List.of(), relay.commands);
  }
}
