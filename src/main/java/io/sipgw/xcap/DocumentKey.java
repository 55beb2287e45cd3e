package io.sipgw.xcap;

/**
 * A document of the users tree (RFC 4825 §6.2): {@code <auid>/users/<xui>/<name>}, its user named
 * {@code user@domain} (the XUI's SIP URI without scheme).
 */
public record DocumentKey(String auid, String user, String name) {
  @Override
  public String toString() { return auid + "/" + user + "/" + name; }
}
