package io.sipgw.sip;

import static io.sipgw.sip.Messages.crlf;
import static io.sipgw.sip.Messages.datagram;
import static io.sipgw.sip.Messages.invite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The checks of RFC 3261 §8.2 / §16.3 step 1, each with the reason phrase that names the fault. */
class MessageValidatorTest {

  private static String refused(String text) throws SipParseException {
    SipMessage m = datagram(text);
    SipParseException e = assertThrows(SipParseException.class, () -> MessageValidator.validate(m));
    assertEquals(400, e.status());
    return e.reason();
  }

  private static String without(String header) {
    String all = invite();
    int s = all.indexOf("\r\n" + header + ":") + 2;
    return all.substring(0, s) + all.substring(all.indexOf("\r\n", s) + 2);
  }

  @Test
  void minimalInviteIsValid() throws Exception {
    SipMessage m = datagram(invite("Contact: <sip:alice@192.0.2.1>", "Route: <sip:p.example.com;lr>"));
    MessageValidator.validate(m);
    assertEquals("sip:alice@192.0.2.1", m.addresses(HeaderName.CONTACT).get(0).uri().toString());
  }

  @Test
  void validResponse() throws Exception {
    SipMessage m = datagram(crlf("SIP/2.0 200 OK", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "From: <sip:a@b>;tag=1", "To: <sip:a@b>;tag=2",
        "Call-ID: c", "CSeq: 1 INVITE", ""));
    MessageValidator.validate(m);
    assertEquals(1, m.cseq().number());
  }

  @Test
  void eachMandatoryHeaderMissingIsNamed() throws Exception {
    assertEquals("missing Via", refused(without("Via")));
    assertEquals("missing Call-ID", refused(without("Call-ID")));
    assertEquals("missing From", refused(without("From")));
    assertEquals("missing To", refused(without("To")));
    assertEquals("missing CSeq", refused(without("CSeq")));
  }

  @Test
  void duplicateSingletonsAreRefused() throws Exception {
    assertEquals("more than one Call-ID", refused(invite("i: other")));
    assertEquals("more than one Max-Forwards", refused(invite("Max-Forwards: 70")));
    assertEquals("more than one Expires", refused(invite("Expires: 1", "Expires: 2")));
  }

  @Test
  void emptyCallIdIsRefused() throws Exception {
    assertEquals("empty Call-ID", refused(invite().replace("Call-ID: 3848276298220188511@192.0.2.1", "Call-ID:")));
  }

  @Test
  void cseqMethodMustMatch() throws Exception {
    assertEquals("CSeq method BYE does not match INVITE", refused(invite().replace("CSeq: 1 INVITE", "CSeq: 1 BYE")));
  }

  @Test
  void malformedCSeqIsRefused() throws Exception {
    assertEquals("malformed CSeq: sequence number expected", refused(invite().replace("CSeq: 1 INVITE", "CSeq: one INVITE")));
  }

  @Test
  void malformedMaxForwardsIsRefused() throws Exception {
    assertEquals("malformed Max-Forwards", refused(invite().replace("Max-Forwards: 70", "Max-Forwards: -1")));
  }

  @Test
  void requestUriWithHeadersIsRefused() throws Exception {
    assertEquals("Request-URI must not carry headers", refused(invite().replace("sip:bob@example.com SIP", "sip:bob@example.com?Route=x SIP")));
  }

  @Test
  void malformedRequestUriIsRefused() throws Exception {
    assertEquals("malformed URI: no scheme in 'bob.example.com'", refused(invite().replace("sip:bob@example.com SIP", "bob.example.com SIP")));
  }

  @Test
  void malformedViaIsRefused() throws Exception {
    assertEquals("malformed Via: protocol is not SIP", refused(invite().replace("Via: SIP/2.0/UDP", "Via: SIPS/2.0/UDP")));
  }

  @Test
  void malformedFromIsRefused() throws Exception {
    assertEquals("malformed From: '>' expected", refused(invite().replace("<sip:alice@example.com>", "<sip:alice@example.com")));
  }

  @Test
  void wildcardContactIsAccepted() throws Exception {
    MessageValidator.validate(datagram(invite("Contact: *")));
    assertEquals("*", datagram(invite("Contact: *")).header(HeaderName.CONTACT));
  }

  @Test
  void malformedContactIsRefused() throws Exception {
    assertEquals("malformed Contact: '>' expected", refused(invite("Contact: <sip:a@b")));
  }

  @Test
  void malformedRouteIsRefused() throws Exception {
    assertEquals("malformed Route: '>' expected", refused(invite("Route: <sip:p;lr")));
  }

  @Test
  void dateNotInGmtIsRefused() throws Exception {
    assertEquals("malformed Date: not in GMT", refused(invite("Date: Fri, 01 Jan 2010 16:00:00 EST")));
  }
}
