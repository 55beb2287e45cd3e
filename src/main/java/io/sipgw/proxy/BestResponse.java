package io.sipgw.proxy;

import io.sipgw.sip.HeaderField;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.MessageEdit;
import io.sipgw.sip.ResponseBuilder;
import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipResponse;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The best final response of a response context's branches so far, and what goes up when they have
 * all ended (RFC 3261 §16.7 steps 6 and 7): a 6xx first, else the lowest class, the first of equals
 * kept; a 503 from downstream goes up as 500; a 401 or 407 carries the challenges of every 401 and
 * 407; an answer of the proxy's own (408 after Timer C, 487, 404 for an unresolvable target …) is
 * written from the request.
 */
final class BestResponse {
  private int status;
  private SipResponse response;
  private String reason;
  private List<SipResponse> challenges = List.of();

  /** A branch ended with {@code status} (300..699): a received {@code response}, or null and our {@code reason}. */
  void consider(int newStatus, SipResponse received, String ownReason) {
    if (received != null && (newStatus == 401 || newStatus == 407)) {
      if (challenges.isEmpty()) challenges = new ArrayList<>(2);
      challenges.add(received);
    }
    boolean better = status == 0
        || (newStatus >= 600 && status < 600)
        || (status < 600 && newStatus / 100 < status / 100);
    if (!better) return;
    status = newStatus;
    response = received;
    reason = ownReason;
  }

  /** The best status so far, 0 for none. */
  int status() { return status; }

  /** The status that goes up: a 503 received goes up as 500; with no answer at all, 408. */
  int statusToSend() { return status == 503 && response != null ? 500 : status == 0 ? 408 : status; }

  /** Forgets everything (a failure route starts the search again). */
  void clear() {
    status = 0;
    response = null;
    reason = null;
    challenges = List.of();
  }

  /** The response that goes up for {@code request}, our Via removed from a received one. */
  Buffer toSend(SipRequest request) throws SipParseException {
    int send = statusToSend();
    if (response == null || send != status) return ResponseBuilder.of(request, send, response == null ? reason : null).toBuffer();
    MessageEdit edit = response.edit().removeFirstValue(HeaderName.VIA, response.topVia().toString());
    if (status == 401 || status == 407) {
      for (SipResponse r : challenges) {
        if (r == response) continue;
        for (HeaderName h : new HeaderName[] {HeaderName.WWW_AUTHENTICATE, HeaderName.PROXY_AUTHENTICATE}) {
          for (HeaderField f : r.fields(h)) edit.append(h.canonical(), f.value());
        }
      }
    }
    return edit.toBuffer();
  }
}
