package io.sipgw.proxy;

import io.sipgw.sip.HeaderField;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.MessageEdit;
import io.sipgw.sip.SipRequest;
import java.util.ArrayList;
import java.util.List;

/** The header changes the route rules asked for (add, set, remove), applied to every copy forwarded, in order. */
final class HeaderEdits {
  static final HeaderEdits NONE = new HeaderEdits(List.of());

  private record Op(boolean removeFirst, String name, String value) { }

  private final List<Op> ops;

  private HeaderEdits(List<Op> ops) { this.ops = ops; }

  HeaderEdits add(String name, String value) { return with(new Op(false, name, value)); }

  HeaderEdits set(String name, String value) { return with(new Op(true, name, value)); }

  HeaderEdits remove(String name) { return with(new Op(true, name, null)); }

  private HeaderEdits with(Op op) {
    List<Op> more = new ArrayList<>(ops);
    more.add(op);
    return new HeaderEdits(List.copyOf(more));
  }

  /**
   * Applies the changes in order, as their net effect: a set or a remove takes away every field of
   * the header so far, those of the request and those an earlier add or set of the rules put in.
   */
  void applyTo(SipRequest req, MessageEdit edit) {
    if (ops.isEmpty()) return;
    List<Op> appended = new ArrayList<>(ops.size());
    for (Op op : ops) {
      if (op.removeFirst) {
        HeaderName known = HeaderName.lookup(op.name);
        for (HeaderField f : req.headers()) {
          if (known != null ? f.known() == known : f.known() == null && f.isNamed(op.name)) edit.remove(f);
        }
        appended.removeIf(a -> sameHeader(a.name, known, op.name));
      }
      if (op.value != null) appended.add(op);
    }
    for (Op a : appended) edit.append(a.name, a.value);
  }

  /** Whether header name {@code a} names the header {@code known} (by any of its forms), or {@code name} when that is not a known one. */
  private static boolean sameHeader(String a, HeaderName known, String name) {
    return known != null ? HeaderName.lookup(a) == known : a.equalsIgnoreCase(name);
  }
}
