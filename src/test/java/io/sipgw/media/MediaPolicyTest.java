package io.sipgw.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.config.MediaMode;
import io.sipgw.media.MediaPolicy.Bridge;
import io.sipgw.sip.Transport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediaPolicyTest {
  private static final Bridge TO_BROWSER = new Bridge(MediaProfile.WEBRTC, MediaProfile.RTP);
  private static final Bridge TO_PHONE = new Bridge(MediaProfile.RTP, MediaProfile.WEBRTC);
  private static final Bridge PLAIN = new Bridge(MediaProfile.RTP, MediaProfile.RTP);

  @Test
  void webrtcModeBridgesOnlyCallsThatCrossBetweenWebSocketAndTheRest() {
    assertEquals(TO_PHONE, MediaPolicy.decide(MediaMode.WEBRTC, Transport.WS, Transport.UDP));
    assertEquals(TO_PHONE, MediaPolicy.decide(MediaMode.WEBRTC, Transport.WSS, Transport.TLS));
    assertEquals(TO_BROWSER, MediaPolicy.decide(MediaMode.WEBRTC, Transport.UDP, Transport.WS));
    assertEquals(TO_BROWSER, MediaPolicy.decide(MediaMode.WEBRTC, Transport.TCP, Transport.WSS));
    assertNull(MediaPolicy.decide(MediaMode.WEBRTC, Transport.WS, Transport.WSS));
    assertNull(MediaPolicy.decide(MediaMode.WEBRTC, Transport.UDP, Transport.UDP));
    assertNull(MediaPolicy.decide(MediaMode.WEBRTC, Transport.UDP, Transport.TCP));
  }

  @Test
  void alwaysModeBridgesEveryCallPlainUnlessASideIsAWebSocket() {
    assertEquals(PLAIN, MediaPolicy.decide(MediaMode.ALWAYS, Transport.UDP, Transport.UDP));
    assertEquals(PLAIN, MediaPolicy.decide(MediaMode.ALWAYS, Transport.TLS, Transport.TCP));
    assertEquals(TO_BROWSER, MediaPolicy.decide(MediaMode.ALWAYS, Transport.UDP, Transport.WS));
    assertEquals(TO_PHONE, MediaPolicy.decide(MediaMode.ALWAYS, Transport.WS, Transport.UDP));
    assertEquals(new Bridge(MediaProfile.WEBRTC, MediaProfile.WEBRTC), MediaPolicy.decide(MediaMode.ALWAYS, Transport.WS, Transport.WSS));
  }

  @Test
  void neverModeBridgesNothing() {
    assertNull(MediaPolicy.decide(MediaMode.NEVER, Transport.WS, Transport.UDP));
    assertNull(MediaPolicy.decide(MediaMode.NEVER, Transport.UDP, Transport.UDP));
  }

  @Test
  void onlyMediaOverUdpIsRtpenginesBusinessNotAnMsrpSession() {
    String head = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";
    String msrp = "m=message 2855 TCP/MSRP *\r\na=accept-types:text/plain\r\na=path:msrp://127.0.0.1:2855/s1;tcp\r\n";
    assertFalse(MediaPolicy.hasRelayableMedia(head + msrp));
    assertFalse(MediaPolicy.hasRelayableMedia(head + "m=message 443 TCP/TLS/MSRP *\r\n" + "m=message 9 TCP/WSS/MSRP *\r\n"));
    assertFalse(MediaPolicy.hasRelayableMedia(head));
    assertTrue(MediaPolicy.hasRelayableMedia(head + "m=audio 4000 RTP/AVP 0\r\n"));
    assertTrue(MediaPolicy.hasRelayableMedia(head + msrp + "m=audio 4000 RTP/AVP 0\r\n"), "audio beside the chat");
    assertTrue(MediaPolicy.hasRelayableMedia(head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"));
    assertTrue(MediaPolicy.hasRelayableMedia(head + "m=image 4002 udptl t38\n"), "T.38, and bare LF line ends");
  }

  @Test
  void anOfferTowardABrowserAsksForIceDtlsAndRtcpMux() {
    Map<String, Object> c = NgCommands.offer("cid", "ft", "v=0\r\n", MediaProfile.WEBRTC);
    assertEquals(Map.ofEntries(Map.entry("command", "offer"), Map.entry("call-id", "cid"), Map.entry("from-tag", "ft"),
        Map.entry("sdp", "v=0\r\n"), Map.entry("replace", List.of("origin", "session-connection")), Map.entry("ICE", "force"),
        Map.entry("DTLS", "passive"), Map.entry("SDES", List.of("off")), Map.entry("transport-protocol", "UDP/TLS/RTP/SAVPF"),
        Map.entry("rtcp-mux", List.of("offer"))), c);
  }

  @Test
  void anAnswerTowardABrowserAcceptsRtcpMuxAndLeavesRtpengineTheActiveDtlsRole() {
    Map<String, Object> c = NgCommands.answer("cid", "ft", "tt", "v=0\r\n", MediaProfile.WEBRTC);
    assertEquals(Map.ofEntries(Map.entry("command", "answer"), Map.entry("call-id", "cid"), Map.entry("from-tag", "ft"),
        Map.entry("to-tag", "tt"), Map.entry("sdp", "v=0\r\n"), Map.entry("replace", List.of("origin", "session-connection")),
        Map.entry("ICE", "force"), Map.entry("SDES", List.of("off")),
        Map.entry("transport-protocol", "UDP/TLS/RTP/SAVPF"), Map.entry("rtcp-mux", List.of("accept"))), c);
  }

  @Test
  void towardAPhoneIceAndDtlsAreRemovedAndRtcpDemultiplexed() {
    Map<String, Object> expected = Map.of("replace", List.of("origin", "session-connection"), "ICE", "remove", "DTLS", "off",
        "SDES", List.of("off"), "transport-protocol", "RTP/AVP", "rtcp-mux", List.of("demux"));
    Map<String, Object> offer = NgCommands.offer("cid", "ft", "s", MediaProfile.RTP);
    Map<String, Object> answer = NgCommands.answer("cid", "ft", "tt", "s", MediaProfile.RTP);
    for (Map<String, Object> c : List.of(offer, answer)) {
      for (var e : expected.entrySet()) assertEquals(e.getValue(), c.get(e.getKey()), e.getKey());
    }
  }

  @Test
  void deleteIsImmediate() {
    assertEquals(Map.of("command", "delete", "call-id", "cid", "from-tag", "ft", "delete-delay", 0), NgCommands.delete("cid", "ft"));
  }
}
