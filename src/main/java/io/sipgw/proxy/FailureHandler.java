package io.sipgw.proxy;

/**
 * What a route rule's {@code failureRoute} does when a forwarded request ends in failure: it gets
 * the context and the best status so far, and must then call {@link ResponseContext#retarget},
 * {@link ResponseContext#answer} or {@link ResponseContext#giveUp} (at once or later).
 */
interface FailureHandler {
  void failed(ResponseContext context, int status);
}
