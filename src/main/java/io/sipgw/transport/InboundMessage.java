package io.sipgw.transport;

import io.sipgw.sip.SipMessage;

/**
 * A parsed message and the flow it arrived on, as it travels the event bus to its routing loop, with
 * the time it was parsed ({@link System#nanoTime}): the routing loop sees how long it waited.
 */
public record InboundMessage(SipMessage message, Flow flow, long parsedNanos) { }
