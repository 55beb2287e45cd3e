package io.sipgw.transport;

import io.sipgw.sip.SipMessage;

/** A parsed message and the flow it arrived on, as it travels the event bus to its routing loop. */
public record InboundMessage(SipMessage message, Flow flow) { }
