package io.sipgw.transaction;

import io.sipgw.sip.SipParseException;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipResponse;
import io.sipgw.sip.Via;
import java.util.Locale;

/** The keys transactions are matched by (RFC 3261 §17.1.3 and §17.2.3). */
public final class TransactionKey {
  private TransactionKey() { }

  /**
   * The server transaction a request belongs to, as if its method were {@code method} (an ACK and a
   * CANCEL are matched to their INVITE with {@code "INVITE"}). With an RFC 3261 branch: branch,
   * sent-by and method. From an RFC 2543 peer: Request-URI, From tag, Call-ID, CSeq number, top Via
   * sent-by and method (§17.2.3); the To tag is left out so that the ACK of a non-2xx, which carries
   * the tag of our response, matches its INVITE.
   */
  public static String server(SipRequest req, String method) throws SipParseException {
    Via v = req.topVia();
    String sentBy = v.host().toLowerCase(Locale.ROOT) + ":" + v.port();
    if (v.hasRfc3261Branch()) return v.branch() + ' ' + sentBy + ' ' + method;
    String branch = v.branch() == null ? "" : v.branch();
    return "2543 " + req.requestUriText() + ' ' + req.from().tag() + ' ' + req.callId() + ' ' + req.cseq().number()
        + ' ' + sentBy + ' ' + branch + ' ' + method;
  }

  /** The client transaction a request we send belongs to: our branch and the method (§17.1.3). */
  public static String client(String branch, String method) { return branch + ' ' + method; }

  /** The client transaction a response answers: its top Via branch and its CSeq method (§17.1.3). */
  public static String client(SipResponse resp) throws SipParseException {
    String branch = resp.topVia().branch();
    return branch == null ? null : client(branch, resp.cseq().method());
  }
}
