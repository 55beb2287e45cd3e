package io.sipgw.media;

import java.util.List;
import java.util.Map;

/**
 * What the SDP that rtpengine writes for one side of a call must offer or accept: a browser gets
 * ICE, DTLS-SRTP and RTP/RTCP multiplexing, as WebRTC requires (ICE RFC 8445,
 * DTLS-SRTP RFC 5764, rtcp-mux RFC 5761; RFC 8834 §5.1.1); a plain phone gets RTP/AVP with RTCP on its own port and no
 * ICE. Either way rtpengine puts its own address in o= and c= (RFC 4566 §5.2, §5.7).
 */
public enum MediaProfile {
  /** Toward a WebRTC browser (a WS or WSS side). */
  WEBRTC,
  /** Toward a plain SIP phone: RTP/AVP. */
  RTP;

  /**
   * Adds this profile's ng keys to an offer ({@code offer} true) or answer dictionary. rtcp-mux: a
   * browser is offered multiplexing and accepts it in an answer; a phone gets RTCP demultiplexed.
   */
  void addTo(Map<String, Object> command, boolean offer) {
    command.put("replace", List.of("origin", "session-connection"));
    command.put("SDES", List.of("off"));
    if (this == WEBRTC) {
      command.put("ICE", "force");
      // Offering to a browser, rtpengine takes the passive role (the browser, answering, is the DTLS
      // client). Answering a browser's offer (setup:actpass), it is left its default, active: rtpengine
      // already began the handshake as client when the offer came, and an answer of setup:passive then
      // leaves Chromium's DTLS stuck in "connecting" (no ClientHello is ever sent), so no media flows.
      if (offer) command.put("DTLS", "passive");
      command.put("transport-protocol", "UDP/TLS/RTP/SAVPF");
      command.put("rtcp-mux", List.of(offer ? "offer" : "accept"));
    } else {
      command.put("ICE", "remove");
      command.put("DTLS", "off");
      command.put("transport-protocol", "RTP/AVP");
      command.put("rtcp-mux", List.of("demux"));
    }
  }
}
