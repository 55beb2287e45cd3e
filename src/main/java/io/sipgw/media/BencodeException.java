package io.sipgw.media;

/** Bytes that are not one well-formed bencoded value; the message names the fault and its byte offset. */
public final class BencodeException extends Exception {
  private final int offset;

  BencodeException(String problem, int offset) {
    super(problem + " at byte " + offset);
    this.offset = offset;
  }

  /** Where in the input the fault was found. */
  public int offset() { return offset; }
}
