package io.sipgw.sip;

import java.util.ArrayList;
import java.util.List;

/** Ordered parameters ({@code ;name=value}, value null for a flag); names compare case-insensitively. */
public final class Params {
  private static final List<String> NONE = List.of();

  // Most values carry no parameters or one or two: the lists are made on the first add.
  private List<String> names = NONE;
  private List<String> values = NONE;

  public void add(String name, String value) {
    if (names == NONE) {
      names = new ArrayList<>(4);
      values = new ArrayList<>(4);
    }
    names.add(name);
    values.add(value);
  }

  public boolean has(String name) { return indexOf(name) >= 0; }

  /** The value, or null if absent or a flag. */
  public String get(String name) {
    int i = indexOf(name);
    return i < 0 ? null : values.get(i);
  }

  public void set(String name, String value) {
    int i = indexOf(name);
    if (i < 0) add(name, value);
    else values.set(i, value);
  }

  public void remove(String name) {
    int i = indexOf(name);
    if (i >= 0) {
      names.remove(i);
      values.remove(i);
    }
  }

  public int size() { return names.size(); }

  public String name(int i) { return names.get(i); }

  public String value(int i) { return values.get(i); }

  private int indexOf(String name) {
    for (int i = 0; i < names.size(); i++) if (names.get(i).equalsIgnoreCase(name)) return i;
    return -1;
  }

  /** Writes {@code ;a=b;c} as it would appear on the wire. */
  public void appendTo(StringBuilder sb) {
    for (int i = 0; i < names.size(); i++) {
      sb.append(';').append(names.get(i));
      if (values.get(i) != null) sb.append('=').append(values.get(i));
    }
  }

  public Params copy() {
    Params p = new Params();
    for (int i = 0; i < names.size(); i++) p.add(names.get(i), values.get(i));
    return p;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    appendTo(sb);
    return sb.toString();
  }
}
