package io.sipgw.lb;

import io.sipgw.sip.SipUri;

/**
 * One destination of a dispatcher set, as {@link DestinationSets#select} hands it out. Safe to use
 * from any thread: its state is the set's, shared by every routing event loop.
 */
public interface Destination {
  /** Where requests for it go (the configured URI). */
  SipUri uri();

  /** Whether it takes requests: not marked down by its probes. */
  boolean up();

  /** Counts a call sent to it (for {@code leastCalls}): call once when a call (INVITE) is forwarded to it. */
  void callStarted();

  /** Counts that call as ended: its INVITE failed, or its dialog ended. Once per {@link #callStarted}. */
  void callEnded();

  /** Calls in progress: started and not yet ended. */
  int activeCalls();
}
