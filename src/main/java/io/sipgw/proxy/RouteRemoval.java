package io.sipgw.proxy;

import io.sipgw.sip.HeaderField;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.MessageEdit;
import io.sipgw.sip.NameAddr;
import io.sipgw.sip.SipMessage;
import io.sipgw.sip.SipParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Removes chosen values of the Route header (the leading ones that name this proxy, §16.4; the last
 * one when a strict router put our URI in the Request-URI), rewriting only the lines that change.
 */
final class RouteRemoval {
  private final SipMessage msg;
  private final Set<Integer> removed;

  RouteRemoval(SipMessage msg, Set<Integer> removed) {
    this.msg = msg;
    this.removed = removed;
  }

  boolean isEmpty() { return removed.isEmpty(); }

  void applyTo(MessageEdit edit) throws SipParseException {
    if (removed.isEmpty()) return;
    int index = 0;
    for (HeaderField f : msg.fields(HeaderName.ROUTE)) {
      List<NameAddr> values = NameAddr.parseList(f.value(), "Route");
      List<String> kept = new ArrayList<>(values.size());
      for (NameAddr v : values) {
        if (!removed.contains(index)) kept.add(v.toString());
        index++;
      }
      if (kept.size() == values.size()) continue;
      if (kept.isEmpty()) edit.remove(f);
      else edit.replace(f, String.join(", ", kept));
    }
  }
}
