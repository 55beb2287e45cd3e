package io.sipgw.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sipgw.sip.NameAddr;
import io.sipgw.sip.SipParseException;
import org.junit.jupiter.api.Test;

/** The expiry, q-value and key of one Contact of a REGISTER (RFC 3261 §10.3 step 6, RFC 5626 §6). */
class ContactRequestTest {

  private static ContactRequest of(String contact, long headerExpires) throws SipParseException {
    return ContactRequest.of(NameAddr.parse(contact, "Contact"), headerExpires, 3600);
  }

  private static String refused(String contact) {
    return assertThrows(SipParseException.class, () -> of(contact, -1)).reason();
  }

  @Test
  void contactExpiresParamBeatsExpiresHeader() throws Exception {
    assertEquals(120, of("<sip:a@192.0.2.1>;expires=120", 600).expires());
  }

  @Test
  void expiresHeaderBeatsDefault() throws Exception {
    assertEquals(600, of("<sip:a@192.0.2.1>", 600).expires());
  }

  @Test
  void defaultWhenNeitherIsGiven() throws Exception {
    assertEquals(3600, of("<sip:a@192.0.2.1>", -1).expires());
  }

  @Test
  void expiresZeroInTheParamIsKept() throws Exception {
    assertEquals(0, of("<sip:a@192.0.2.1>;expires=0", 600).expires());
  }

  @Test
  void malformedExpiresParamFallsBackToTheDefault() throws Exception {
    // RFC 4475 §3.1.2.4
    assertEquals(3600, of("<sip:a@192.0.2.1>;expires=thirty", 600).expires());
  }

  @Test
  void qDefaultsToOne() throws Exception {
    assertEquals(1.0f, of("<sip:a@192.0.2.1>", -1).q());
  }

  @Test
  void qIsParsed() throws Exception {
    assertEquals(0.5f, of("<sip:a@192.0.2.1>;q=0.5", -1).q());
    assertEquals(0.0f, of("<sip:a@192.0.2.1>;q=0", -1).q());
    assertEquals(1.0f, of("<sip:a@192.0.2.1>;q=1.000", -1).q());
  }

  @Test
  void badQIsRefused() {
    assertEquals("malformed Contact q-value 'high'", refused("<sip:a@192.0.2.1>;q=high"));
    assertEquals("Contact q-value out of range: 2", refused("<sip:a@192.0.2.1>;q=2"));
    assertEquals("Contact q-value out of range: -0.1", refused("<sip:a@192.0.2.1>;q=-0.1"));
    assertEquals("Contact q-value out of range: 0.12345", refused("<sip:a@192.0.2.1>;q=0.12345"));
  }

  @Test
  void keyIsTheUriWithoutAnInstance() throws Exception {
    ContactRequest c = of("<sip:a@192.0.2.1;transport=tcp>;expires=60", -1);
    assertNull(c.instanceId());
    assertEquals(0, c.regId());
    assertEquals("sip:a@192.0.2.1;transport=tcp", c.key());
  }

  @Test
  void keyIsInstanceAndRegId() throws Exception {
    ContactRequest c = of("<sip:a@192.0.2.1;transport=tcp>;+sip.instance=\"<urn:uuid:f81d4fae>\";reg-id=2", -1);
    assertEquals("\"<urn:uuid:f81d4fae>\"", c.instanceId());
    assertEquals(2, c.regId());
    assertEquals("\"<urn:uuid:f81d4fae>\"/2", c.key());
  }

  @Test
  void instanceWithoutRegIdHasRegIdZero() throws Exception {
    assertEquals("\"<urn:uuid:f81d4fae>\"/0", of("<sip:a@192.0.2.1>;+sip.instance=\"<urn:uuid:f81d4fae>\"", -1).key());
  }

  @Test
  void malformedRegIdIsRefused() {
    assertEquals("malformed reg-id 'one'", refused("<sip:a@192.0.2.1>;+sip.instance=\"<urn:uuid:1>\";reg-id=one"));
  }
}
