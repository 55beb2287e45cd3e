package io.sipgw.presence;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Dialog information documents (RFC 4235) as busy-lamp fields read them: one {@code <dialog>} per
 * call of the user, kept as a publication of {@code dialog:<user>@<domain>} whose entity-tag is the
 * Call-ID, and the full document made of them.
 */
final class DialogInfo {
  static final String CONTENT_TYPE = "application/dialog-info+xml";
  static final String NS = "urn:ietf:params:xml:ns:dialog-info";

  private DialogInfo() { }

  /** Where a user's dialogs are kept in the presence store. */
  static String key(String aor) { return "dialog:" + aor; }

  static String dialog(String callId, String direction, String state, String localTag, String remoteTag) {
    StringBuilder sb = new StringBuilder(256).append("<dialog id=\"").append(Pidf.escape(callId)).append("\" call-id=\"").append(Pidf.escape(callId))
        .append('"');
    if (localTag != null) sb.append(" local-tag=\"").append(Pidf.escape(localTag)).append('"');
    if (remoteTag != null) sb.append(" remote-tag=\"").append(Pidf.escape(remoteTag)).append('"');
    return sb.append(" direction=\"").append(direction).append("\"><state>").append(state).append("</state></dialog>").toString();
  }

  /** A kept {@code <dialog>} with another state. */
  static String withState(byte[] dialog, String state) {
    return new String(dialog, StandardCharsets.UTF_8).replaceFirst("<state>[^<]*</state>", "<state>" + state + "</state>");
  }

  /** The direction a kept {@code <dialog>} says. */
  static String direction(byte[] dialog) {
    return new String(dialog, StandardCharsets.UTF_8).contains("direction=\"initiator\"") ? "initiator" : "recipient";
  }

  static String full(String entity, List<Publication> dialogs, long version) {
    StringBuilder sb = new StringBuilder(256 + 256 * dialogs.size())
        .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<dialog-info xmlns=\"").append(NS).append("\" version=\"").append(version)
        .append("\" state=\"full\" entity=\"").append(Pidf.escape(entity)).append("\">");
    for (Publication d : dialogs) sb.append(new String(d.body(), StandardCharsets.UTF_8));
    return sb.append("</dialog-info>").toString();
  }
}
