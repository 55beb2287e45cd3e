package io.sipgw.sip;

/** delta-seconds (RFC 3261 §25.1): a non-negative count of seconds, clamped at 2**32-1 (§20.19). */
public final class DeltaSeconds {
  public static final long MAX = 0xFFFFFFFFL;

  private DeltaSeconds() { }

  public static long parse(String v, String what) throws SipParseException {
    String s = v.trim();
    if (s.isEmpty() || !Text.isDigits(s)) {
      throw new SipParseException("malformed " + what + ": '" + (s.length() > 20 ? s.substring(0, 20) + "…" : s) + "' is not delta-seconds");
    }
    if (s.length() > 10) return MAX;
    return Math.min(Long.parseLong(s), MAX);
  }
}
