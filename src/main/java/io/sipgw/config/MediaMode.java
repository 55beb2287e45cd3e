package io.sipgw.config;

import java.util.Locale;

/**
 * Which calls have their SDP rewritten through rtpengine ({@code media.mode}): those that cross
 * between a WebSocket side and a non-WebSocket side ({@code webrtc}), every INVITE with SDP
 * ({@code always}), or none ({@code never}).
 */
public enum MediaMode {
  WEBRTC, ALWAYS, NEVER;

  /** The config spelling, e.g. {@code webrtc}. */
  public String configName() { return name().toLowerCase(Locale.ROOT); }

  public static MediaMode parse(String s) {
    for (MediaMode m : values()) if (m.configName().equalsIgnoreCase(s)) return m;
    return null;
  }
}
