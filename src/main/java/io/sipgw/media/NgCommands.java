package io.sipgw.media;

import java.util.HashMap;
import java.util.Map;

/**
 * The dictionaries of rtpengine's ng commands. A call is named by its Call-ID; its sides by the
 * From tag (the offerer) and the To tag (the answerer).
 */
public final class NgCommands {
  private NgCommands() { }

  public static Map<String, Object> ping() { return command("ping"); }

  /** The offer of {@code fromTag}'s side, rewritten for the side it goes to ({@code toward}). */
  public static Map<String, Object> offer(String callId, String fromTag, String sdp, MediaProfile toward) {
    Map<String, Object> c = call("offer", callId, fromTag);
    c.put("sdp", sdp);
    toward.addTo(c, true);
    return c;
  }

  /** The answer of {@code toTag}'s side, rewritten for the offerer ({@code toward}). */
  public static Map<String, Object> answer(String callId, String fromTag, String toTag, String sdp, MediaProfile toward) {
    Map<String, Object> c = call("answer", callId, fromTag);
    c.put("to-tag", toTag);
    c.put("sdp", sdp);
    toward.addTo(c, false);
    return c;
  }

  /**
   * Deletes the call at once ({@code delete-delay} 0: the signalling is over, nothing will come back
   * for its media). Either side's tag names the call.
   */
  public static Map<String, Object> delete(String callId, String fromTag) {
    Map<String, Object> c = call("delete", callId, fromTag);
    c.put("delete-delay", 0);
    return c;
  }

  /** The call's state and packet counters. */
  public static Map<String, Object> query(String callId) {
    Map<String, Object> c = command("query");
    c.put("call-id", callId);
    return c;
  }

  private static Map<String, Object> call(String name, String callId, String fromTag) {
    Map<String, Object> c = command(name);
    c.put("call-id", callId);
    c.put("from-tag", fromTag);
    return c;
  }

  private static Map<String, Object> command(String name) {
    Map<String, Object> c = new HashMap<>(16);
    c.put("command", name);
    return c;
  }
}
