package io.sipgw.proxy;

import io.sipgw.sip.SipRequest;
import io.sipgw.transaction.ServerTransaction;
import io.sipgw.transport.Flow;

/**
 * A request being handled: where it came from and the server transaction that answers it — null
 * for what is answered or forwarded without state (ACK, REGISTER, a CANCEL that matches nothing).
 */
record IncomingRequest(SipRequest req, Flow flow, ServerTransaction tx) {
  String callId() { return req.callId(); }
}
