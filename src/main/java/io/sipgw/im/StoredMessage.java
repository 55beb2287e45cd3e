package io.sipgw.im;

import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * A MESSAGE kept for a user who was offline: what its delivery needs to say who sent it, when and
 * what, and when it is dropped undelivered.
 *
 * @param id orders the messages of a user: later ones have greater ids (compared as strings)
 * @param aor the recipient, {@code user@domain}
 * @param from the sender's From, as a name-addr without its tag
 * @param date the Date of the original MESSAGE (RFC 3261 §20.17), or the time it was stored
 * @param contentType null when the MESSAGE had no body
 * @param stored when it was stored, epoch milliseconds
 * @param expires when it is dropped undelivered, epoch milliseconds
 */
public record StoredMessage(String id, String aor, String from, String date, String contentType, byte[] body, long stored,
    long expires) {

  /** As kept in Redis: a JSON object, the body in base64. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("aor", aor).put("from", from).put("date", date).put("contentType", contentType)
        .put("body", Base64.getEncoder().encodeToString(body)).put("stored", stored).put("expires", expires);
  }

  public static StoredMessage fromJson(JsonObject o) {
    return new StoredMessage(o.getString("id"), o.getString("aor"), o.getString("from"), o.getString("date"), o.getString("contentType"),
        Base64.getDecoder().decode(o.getString("body", "")), o.getLong("stored"), o.getLong("expires"));
  }
}
