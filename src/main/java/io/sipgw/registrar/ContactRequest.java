package io.sipgw.registrar;

import io.sipgw.sip.DeltaSeconds;
import io.sipgw.sip.NameAddr;
import io.sipgw.sip.SipParseException;

/**
 * One Contact of a REGISTER with the expiry it asks for (contact {@code expires} parameter, else the
 * Expires header, else the registrar's default: RFC 3261 §10.3 step 6) and its q-value.
 */
record ContactRequest(NameAddr contact, long expires, float q, String instanceId, int regId) {

  static ContactRequest of(NameAddr contact, long headerExpires, long defaultExpires) throws SipParseException {
    String e = contact.param("expires");
    long expires;
    if (e != null) {
      try {
        expires = DeltaSeconds.parse(e, "Contact expires");
      } catch (SipParseException bad) {
        // RFC 4475 §3.1.2.4: a malformed expiry may be taken as the default.
        expires = defaultExpires;
      }
    } else {
      expires = headerExpires >= 0 ? headerExpires : defaultExpires;
    }
    float q = 1.0f;
    String qs = contact.param("q");
    if (qs != null) {
      try {
        q = Float.parseFloat(qs);
      } catch (NumberFormatException ex) {
        throw new SipParseException("malformed Contact q-value '" + qs + "'");
      }
      if (!(q >= 0f && q <= 1f) || qs.length() > 5) throw new SipParseException("Contact q-value out of range: " + qs);
    }
    String instance = contact.param("+sip.instance");
    int regId = 0;
    String rid = contact.param("reg-id");
    if (rid != null) {
      try {
        regId = Integer.parseInt(rid);
      } catch (NumberFormatException ex) {
        throw new SipParseException("malformed reg-id '" + rid + "'");
      }
    }
    return new ContactRequest(contact, expires, q, instance, regId);
  }

  /** The binding key: RFC 5626 instance and reg-id when given, else the Contact URI. */
  String key() { return instanceId != null ? instanceId + "/" + regId : contact.uri().toString(); }
}
