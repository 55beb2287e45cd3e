package io.sipgw.xcap;

/**
 * One step of an XCAP element selector (RFC 4825 §6.3): a name ({@code *} for any element), and a
 * position among the siblings of that name, an attribute test, or both (position first).
 *
 * @param namespace the namespace the name is in (the application usage's default one when unprefixed)
 * @param position 1-based, 0 when the step has none
 * @param attribute the attribute tested (no namespace), or null
 */
record Step(String namespace, String name, int position, String attribute, String value) {
  boolean any() { return name.equals("*"); }

  /** Whether {@code e}'s name is this step's (the position and attribute tests aside). */
  boolean names(org.w3c.dom.Element e) {
    return any() || name.equals(e.getLocalName()) && namespace.equals(e.getNamespaceURI() == null ? "" : e.getNamespaceURI());
  }

  /** Whether {@code e} passes the attribute test (when there is one). */
  boolean attributeHolds(org.w3c.dom.Element e) {
    return attribute == null || e.hasAttributeNS(null, attribute) && e.getAttributeNS(null, attribute).equals(value);
  }

  @Override
  public String toString() {
    return name + (position > 0 ? "[" + position + "]" : "") + (attribute != null ? "[@" + attribute + "=\"" + value + "\"]" : "");
  }
}
