package io.sipgw.proxy;

/**
 * What the proxy sees of the INVITE dialogs of local users, for their dialog-info (RFC 4235, busy
 * lamps, as Kamailio's pua_dialoginfo): each state change of a call, for the local user on either
 * side. Called on the routing loop of the call: quick, never blocking, never throwing.
 */
public interface DialogEvents {
  DialogEvents NONE = new DialogEvents() {
    @Override
    public boolean wanted() { return false; }

    @Override
    public void state(String callId, String callerAor, String calleeAor, String state, String fromTag, String toTag) { }
  };

  /** Whether the proxy reports at all (checked per call, so reporting costs nothing when off). */
  boolean wanted();

  /**
   * The call {@code callId} between {@code callerAor} and {@code calleeAor} (null: not a local user)
   * is now {@code state}: {@code trying}, {@code early}, {@code confirmed} or {@code terminated}.
   */
  void state(String callId, String callerAor, String calleeAor, String state, String fromTag, String toTag);
}
