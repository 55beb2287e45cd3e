package io.sipgw.sip;

import java.util.List;

/**
 * The checks every element makes before acting on a message (RFC 3261 §8.2, §16.3 step 1, §18.1.2):
 * mandatory headers present once, and the headers that routing reads well formed. A failed check
 * throws with the status and a reason phrase naming the fault.
 */
public final class MessageValidator {
  private static final HeaderName[] SINGLETONS = {HeaderName.CALL_ID, HeaderName.CSEQ, HeaderName.FROM, HeaderName.TO,
      HeaderName.MAX_FORWARDS, HeaderName.CONTENT_TYPE, HeaderName.EXPIRES};

  private MessageValidator() { }

  public static void validate(SipMessage m) throws SipParseException {
    if (m instanceof SipRequest r) validateRequest(r);
    else validateResponse((SipResponse) m);
  }

  public static void validateRequest(SipRequest r) throws SipParseException {
    common(r);
    SipUri uri = r.requestUri();
    if (uri.headers() != null) {
      // RFC 4475 §3.1.2.11: escaped headers in a Request-URI are never turned into headers; refuse.
      throw new SipParseException("Request-URI must not carry headers");
    }
    CSeq cseq = r.cseq();
    if (!cseq.method().equals(r.method())) {
      throw new SipParseException("CSeq method " + cseq.method() + " does not match " + r.method());
    }
    r.maxForwards();
    if (r.has(HeaderName.CONTACT)) {
      HeaderField c = r.field(HeaderName.CONTACT);
      if (!(r.count(HeaderName.CONTACT) == 1 && c.value().equals("*"))) {
        for (HeaderField f : r.fields(HeaderName.CONTACT)) {
          for (String part : f.value().split(",")) {
            // §10.2.2: "*" stands alone, only in a REGISTER that removes every binding.
            if (part.trim().equals("*")) throw new SipParseException("Contact * mixed with other contacts");
          }
        }
        r.addresses(HeaderName.CONTACT);
      }
    }
    r.addresses(HeaderName.ROUTE);
  }

  public static void validateResponse(SipResponse r) throws SipParseException {
    common(r);
    r.cseq();
  }

  private static void common(SipMessage m) throws SipParseException {
    if (!m.has(HeaderName.VIA)) throw new SipParseException("missing Via");
    if (m.callId() == null) throw new SipParseException("missing Call-ID");
    if (!m.has(HeaderName.FROM)) throw new SipParseException("missing From");
    if (!m.has(HeaderName.TO)) throw new SipParseException("missing To");
    if (!m.has(HeaderName.CSEQ)) throw new SipParseException("missing CSeq");
    for (HeaderName h : SINGLETONS) {
      if (m.count(h) > 1) throw new SipParseException("more than one " + h.canonical());
    }
    if (m.callId().isEmpty()) throw new SipParseException("empty Call-ID");
    List<Via> vias = m.vias();
    if (vias.isEmpty()) throw new SipParseException("missing Via");
    m.from();
    m.to();
    String date = m.header(HeaderName.DATE);
    if (date != null && !date.endsWith(" GMT")) {
      // §20.17: SIP-date is always in GMT (RFC 4475 §3.1.2.12).
      throw new SipParseException("malformed Date: not in GMT");
    }
  }
}
