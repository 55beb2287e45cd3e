package io.sipgw.proxy;

/**
 * The states of one INVITE dialog of a local user as its answers go upstream (RFC 4235 §3.7.1):
 * trying when forwarded, early at a provisional answer with a To tag, confirmed at a 2xx,
 * terminated at a final failure. Each state is reported once.
 */
final class DialogReport {
  private final DialogEvents events;
  private final String callId;
  private final String callerAor;
  private final String calleeAor;
  private final String fromTag;
  private String last;

  DialogReport(DialogEvents events, String callId, String callerAor, String calleeAor, String fromTag) {
    this.events = events;
    this.callId = callId;
    this.callerAor = callerAor;
    this.calleeAor = calleeAor;
    this.fromTag = fromTag;
    report("trying", null);
  }

  void answered(int status, String toTag) {
    if (status == 100) return;
    if (status < 200) {
      if (toTag != null && last.equals("trying")) report("early", toTag);
    } else if (status < 300) {
      if (!last.equals("confirmed")) report("confirmed", toTag);
    } else if (!last.equals("confirmed")) {
      report("terminated", toTag);
    }
  }

  private void report(String state, String toTag) {
    last = state;
    events.state(callId, callerAor, calleeAor, state, fromTag, toTag);
  }
}
