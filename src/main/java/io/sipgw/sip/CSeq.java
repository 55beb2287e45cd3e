package io.sipgw.sip;

/** The CSeq header (RFC 3261 §20.16): a 32-bit sequence number and a method. */
public record CSeq(long number, String method) {
  private static final long MAX = 0xFFFFFFFFL;

  public static CSeq parse(String value) throws SipParseException {
    ValueScanner sc = new ValueScanner(value, "CSeq");
    sc.skipLws();
    String digits = sc.consumeUntil(" \t\r\n");
    if (digits.isEmpty() ||  !Text.isDigits(digits)) {
      throw sc.fail("sequence number expected");
    }
    int z = 0;
    while (z < digits.length() - 1 && digits.charAt(z) == '0') z++; // leading zeros are allowed (RFC 4475 §3.1.1.1)
    String significant = digits.substring(z);
    long n = significant.length() > 10 ? MAX + 1 : Long.parseLong(significant);
    if (n > MAX) throw sc.fail("sequence number larger than 2**32-1");
    sc.skipLws();
    String method = sc.expectToken("method");
    sc.skipLws();
    if (!sc.atEnd()) throw sc.fail("unexpected text after method");
    return new CSeq(n, method);
  }

  @Override
  public String toString() { return number + " " + method; }
}
