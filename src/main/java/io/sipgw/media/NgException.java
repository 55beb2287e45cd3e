package io.sipgw.media;

/**
 * An ng command that did not succeed: no rtpengine answered it ({@link #unreachable()}), or one
 * answered with an error. An expected outcome, so it carries no stack trace.
 */
public final class NgException extends Exception {
  private final boolean unreachable;

  private NgException(String message, boolean unreachable) {
    super(message, null, false, false);
    this.unreachable = unreachable;
  }

  static NgException unreachable(String message) { return new NgException(message, true); }

  static NgException refused(String message) { return new NgException(message, false); }

  /** True when no instance answered; false when one answered with an error or a reply that makes no sense. */
  public boolean unreachable() { return unreachable; }
}
