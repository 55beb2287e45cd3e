package io.sipgw.media;

import io.sipgw.config.MediaMode;
import io.sipgw.sip.Transport;
import java.util.Locale;

/**
 * Whether the SDP of a call leg goes through rtpengine, and with which profile toward each side. A
 * side is WebRTC when its transport is WS or WSS (RFC 7118); the offer is rewritten for the side it
 * goes to (the callee), the answer for the side that made the offer (the caller).
 */
public final class MediaPolicy {
  /** The profiles of one bridged leg: what the callee gets in the offer and the caller in the answer. */
  public record Bridge(MediaProfile towardCallee, MediaProfile towardCaller) { }

  private MediaPolicy() { }

  /**
   * The bridge for a request from a {@code caller} side to a {@code callee} side under {@code mode},
   * or null when the SDP is left alone: mode {@code never}; in mode {@code webrtc}, a call between two
   * browsers or two phones.
   */
  public static Bridge decide(MediaMode mode, Transport caller, Transport callee) {
    boolean fromBrowser = isWebSocket(caller);
    boolean toBrowser = isWebSocket(callee);
    if (mode == MediaMode.NEVER || (mode == MediaMode.WEBRTC && fromBrowser == toBrowser)) return null;
    return new Bridge(profileOf(toBrowser), profileOf(fromBrowser));
  }

  /**
   * Whether {@code sdp} has a media stream rtpengine can relay: one over UDP ({@code RTP/AVP},
   * {@code RTP/SAVPF}, {@code UDP/TLS/RTP/SAVPF}, {@code udptl} …). An SDP of TCP streams only, such as
   * an MSRP session ({@code m=message 2855 TCP/MSRP *}, RFC 4975 §8), is none of its business and
   * goes through as it is: rtpengine would rewrite it (a c= line added to each section) for media it
   * does not carry, and MSRP goes through the MSRP relay instead.
   */
  public static boolean hasRelayableMedia(String sdp) {
    int at = 0;
    while (at < sdp.length()) {
      int end = sdp.indexOf('\n', at);
      if (end < 0) end = sdp.length();
      if (sdp.startsWith("m=", at)) {
        String[] fields = sdp.substring(at + 2, end).trim().split(" +");
        if (fields.length >= 3) {
          String proto = fields[2].toUpperCase(Locale.ROOT);
          if (proto.startsWith("RTP/") || proto.startsWith("UDP")) return true;
        }
      }
      at = end + 1;
    }
    return false;
  }

  private static boolean isWebSocket(Transport t) { return t == Transport.WS || t == Transport.WSS; }

  private static MediaProfile profileOf(boolean browser) { return browser ? MediaProfile.WEBRTC : MediaProfile.RTP; }
}
