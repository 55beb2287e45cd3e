package io.sipgw.sip;

/** Method names (RFC 3261 §7.1 and extensions). Methods are case-sensitive. */
public final class Methods {
  public static final String INVITE = "INVITE";
  public static final String ACK = "ACK";
  public static final String BYE = "BYE";
  public static final String CANCEL = "CANCEL";
  public static final String REGISTER = "REGISTER";
  public static final String OPTIONS = "OPTIONS";
  public static final String PRACK = "PRACK";
  public static final String SUBSCRIBE = "SUBSCRIBE";
  public static final String NOTIFY = "NOTIFY";
  public static final String PUBLISH = "PUBLISH";
  public static final String INFO = "INFO";
  public static final String REFER = "REFER";
  public static final String MESSAGE = "MESSAGE";
  public static final String UPDATE = "UPDATE";

  private static final String[] KNOWN = {INVITE, ACK, BYE, CANCEL, REGISTER, OPTIONS, PRACK, SUBSCRIBE, NOTIFY,
      PUBLISH, INFO, REFER, MESSAGE, UPDATE};

  private Methods() { }

  /** The shared String for a known method at {@code buf[from, to)}, or a new one. */
  static String intern(byte[] buf, int from, int to) {
    int len = to - from;
    for (String m : KNOWN) {
      if (m.length() == len && sameBytes(m, buf, from)) return m;
    }
    return Text.of(buf, from, to);
  }

  private static boolean sameBytes(String m, byte[] buf, int from) {
    for (int i = 0; i < m.length(); i++) if (m.charAt(i) != buf[from + i]) return false;
    return true;
  }

}
