package io.sipgw.xcap;

/** A stored XCAP document: its bytes (UTF-8 XML) and its entity tag (RFC 4825 §7.10). */
public record XcapDocument(byte[] body, String etag) { }
