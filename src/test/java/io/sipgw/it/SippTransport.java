package io.sipgw.it;

/** The transports the tests drive SIPp over, with SIPp's mode (one socket for all calls). */
public enum SippTransport {
  UDP("u1", "udp"), TCP("t1", "tcp");

  private final String mode;
  private final String uriParam;

  SippTransport(String mode, String uriParam) {
    this.mode = mode;
    this.uriParam = uriParam;
  }

  /** The value of SIPp's {@code -t}. */
  public String mode() { return mode; }

  /** The value of a SIP URI {@code transport=} parameter. */
  public String uriParam() { return uriParam; }

  public boolean stream() { return this == TCP; }
}
