package io.sipgw.proxy;

/** Where the calls sent to a destination are counted (a dispatcher set's least-calls algorithm). */
interface CallLoad {
  /** A request went to the destination. */
  void started();

  /** It failed, or its call ended (BYE). */
  void ended();
}
