package io.sipgw.proxy;

import io.sipgw.media.MediaPolicy;
import io.sipgw.transaction.ClientTransaction;
import io.sipgw.transaction.Scheduler;

/** One branch of a proxied request (RFC 3261 §16.6): its target, its client transaction and its state. */
final class ProxyBranch {
  final BranchTarget target;
  /** Null while the target is being resolved. */
  ClientTransaction tx;
  /** A provisional response came: the branch may be cancelled now (§9.1). */
  boolean provisional;
  /** Cancel as soon as that is allowed (before a provisional, §9.1) or resolved. */
  boolean cancelWanted;
  boolean cancelSent;
  /** Timer C fired: whatever final response comes counts as 408 (§16.8). */
  boolean timedOut;
  /** The final status this branch ended with; 0 while it is pending. */
  int finalStatus;
  long timerC = Scheduler.NONE;
  long cancelGuard = Scheduler.NONE;
  /** The next hops its target resolved to (RFC 3263), tried in turn; the one in use. */
  java.util.List<NextHop> hops = java.util.List.of();
  int hop;
  /** No response at all in the failover timeout: the next hop, or 408. */
  long noAnswer = Scheduler.NONE;
  /** Counted as a call on its target's load. */
  boolean counted;
  /** How this branch's SDP goes through the media relay; null when it goes unchanged. */
  MediaPolicy.Bridge media;

  ProxyBranch(BranchTarget target) { this.target = target; }

  boolean pending() { return finalStatus == 0; }

  /** Whether another hop of the target is left to try. */
  boolean hasNextHop() { return hop + 1 < hops.size(); }
}
