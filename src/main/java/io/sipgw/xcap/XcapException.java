package io.sipgw.xcap;

/**
 * An XCAP request refused: its HTTP status, and for a 409 the child of {@code <xcap-error>} that says
 * why (RFC 4825 §11), already written as XML. No stack trace: these are expected protocol errors.
 */
final class XcapException extends Exception {
  private final int status;
  private final String conflict;

  private XcapException(int status, String conflict, String why) {
    super(why, null, false, false);
    this.status = status;
    this.conflict = conflict;
  }

  static XcapException status(int status, String why) { return new XcapException(status, null, why); }

  /** A 409 whose {@code <xcap-error>} holds {@code element} (an XML fragment in the xcap-error namespace). */
  static XcapException conflict(String element, String why) { return new XcapException(409, element, why); }

  static XcapException conflictPhrase(String tag, String why) {
    return conflict("<" + tag + " phrase=\"" + escape(why) + "\"/>", why);
  }

  int status() { return status; }

  /** The 409 body (application/xcap-error+xml), or null. */
  String body() {
    return conflict == null ? null
        : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xcap-error xmlns=\"urn:ietf:params:xml:ns:xcap-error\">" + conflict + "</xcap-error>";
  }

  static String escape(String s) { return io.sipgw.sip.XmlBody.escape(s); }
}
