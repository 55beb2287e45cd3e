package io.sipgw.nat;

import io.sipgw.store.Binding;

/**
 * One binding the pinger keeps reachable: the binding as last saved, when it is pinged next, and the
 * sequence numbers (the CSeq) of the last ping sent and of the highest one answered. Owned by the
 * pinger's event loop.
 */
final class PingedBinding {
  final long id;
  Binding binding;
  long nextPingAt;
  long sent;
  long answered;
  int missed;

  PingedBinding(long id, Binding binding, long nextPingAt) {
    this.id = id;
    this.binding = binding;
    this.nextPingAt = nextPingAt;
  }

  /** A REGISTER of the binding is as good as an answer: the client is there. */
  void refreshed(Binding b) {
    binding = b;
    answered = sent;
    missed = 0;
  }
}
