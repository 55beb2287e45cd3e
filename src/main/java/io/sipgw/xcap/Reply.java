package io.sipgw.xcap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What an XCAP request is answered: status, a body of {@code type}, the document's entity tag, and
 * more header fields as name, value pairs; {@code why} for the log.
 */
record Reply(int status, String why, String type, String etag, byte[] body, List<String> headers) {
  static Reply status(int status, String why) { return new Reply(status, why, null, null, null, new ArrayList<>()); }

  static Reply body(int status, String type, String etag, byte[] body) { return new Reply(status, null, type, etag, body, new ArrayList<>()); }

  static Reply of(XcapException e) {
    String body = e.body();
    return body == null ? status(e.status(), e.getMessage())
        : new Reply(e.status(), e.getMessage(), "application/xcap-error+xml", null, body.getBytes(StandardCharsets.UTF_8), new ArrayList<>());
  }

  Reply withEtag(String tag) { return new Reply(status, why, type, tag, body, headers); }
}
