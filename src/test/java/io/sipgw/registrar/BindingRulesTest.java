package io.sipgw.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sipgw.store.Binding;
import io.sipgw.store.BindingChange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 3261 §10.3 steps 6-7 as {@link BindingRules} applies them. */
class BindingRulesTest {
  private static final Binding.Source SRC = new Binding.Source("udp", "udp0", "192.0.2.10", 5062, 0);

  static Binding binding(String contact, long expiresAt, String callId, long cseq) {
    return new Binding("alice@example.com", contact, expiresAt, 1.0f, callId, cseq, SRC, List.of(), null, 0, null);
  }

  static Binding instance(String contact, String instanceId, int regId, String callId, long cseq) {
    return new Binding("alice@example.com", contact, 100_000, 1.0f, callId, cseq, SRC, List.of(), instanceId, regId, null);
  }

  private static void assertRefused(BindingChange<RegistrationOutcome> c, int status, String reason) {
    assertNull(c.bindings(), "a refused update stores nothing");
    assertTrue(c.result().refused());
    assertEquals(status, c.result().status());
    assertEquals(reason, c.result().reason());
  }

  @Test
  void addsToAnEmptyAor() {
    Binding b = binding("sip:a@192.0.2.10:5062", 60_000, "c1", 1);
    BindingChange<RegistrationOutcome> c = BindingRules.apply(List.of(), List.of(b), 10);
    assertEquals(List.of(b), c.bindings());
    assertFalse(c.result().refused());
    assertEquals(200, c.result().status());
    assertEquals(List.of(b), c.result().bindings());
  }

  @Test
  void addsBesideOtherBindingsInOrder() {
    Binding old = binding("sip:a@192.0.2.10:5062", 60_000, "c1", 1);
    Binding add = binding("sip:a@192.0.2.11:5062", 60_000, "c2", 1);
    assertEquals(List.of(old, add), BindingRules.apply(List.of(old), List.of(add), 10).bindings());
  }

  @Test
  void refreshWithSameCallIdAndHigherCSeqReplaces() {
    Binding old = binding("sip:a@192.0.2.10:5062", 60_000, "c1", 1);
    Binding refresh = binding("sip:a@192.0.2.10:5062", 120_000, "c1", 2);
    assertEquals(List.of(refresh), BindingRules.apply(List.of(old), List.of(refresh), 10).bindings());
  }

  @Test
  void sameCallIdWithEqualCSeqIsARetransmissionThatChangesNothing() {
    Binding old = binding("sip:a@192.0.2.10:5062", 60_000, "c1", 5);
    BindingChange<RegistrationOutcome> c =
        BindingRules.apply(List.of(old), List.of(binding("sip:a@192.0.2.10:5062", 120_000, "c1", 5)), 10);
    assertEquals(List.of(old), c.bindings());
    assertEquals(200, c.result().status());
    assertEquals(List.of(old), c.result().bindings());
  }

  @Test
  void sameCallIdWithLowerCSeqIsRefused() {
    Binding old = binding("sip:a@192.0.2.10:5062", 60_000, "c1", 5);
    assertRefused(BindingRules.apply(List.of(old), List.of(binding("sip:a@192.0.2.10:5062", 120_000, "c1", 4)), 10),
        400, "Bad Request (CSeq out of order)");
  }

  @Test
  void outOfOrderContactAbortsTheWholeUpdate() {
    Binding old = binding("sip:a@192.0.2.10:5062", 60_000, "c1", 5);
    Binding fresh = binding("sip:a@192.0.2.99:5062", 60_000, "c1", 3);
    Binding stale = binding("sip:a@192.0.2.10:5062", 0, "c1", 3);
    assertRefused(BindingRules.apply(List.of(old), List.of(fresh, stale), 10), 400, "Bad Request (CSeq out of order)");
  }

  @Test
  void differentCallIdReplacesWhateverItsCSeq() {
    Binding old = binding("sip:a@192.0.2.10:5062", 60_000, "c1", 50);
    Binding other = binding("sip:a@192.0.2.10:5062", 90_000, "c2", 1);
    assertEquals(List.of(other), BindingRules.apply(List.of(old), List.of(other), 10).bindings());
  }

  @Test
  void expiresZeroRemovesTheBinding() {
    Binding keep = binding("sip:a@192.0.2.11:5062", 60_000, "c2", 1);
    Binding old = binding("sip:a@192.0.2.10:5062", 60_000, "c1", 1);
    BindingChange<RegistrationOutcome> c = BindingRules.apply(List.of(keep, old), List.of(binding("sip:a@192.0.2.10:5062", 0, "c1", 2)), 10);
    assertEquals(List.of(keep), c.bindings());
    assertEquals(List.of(keep), c.result().bindings());
  }

  @Test
  void expiresZeroForAnUnknownContactAddsNothing() {
    BindingChange<RegistrationOutcome> c = BindingRules.apply(List.of(), List.of(binding("sip:a@192.0.2.10:5062", 0, "c1", 1)), 10);
    assertEquals(List.of(), c.bindings());
    assertEquals(200, c.result().status());
  }

  @Test
  void moreThanMaxContactsIsRefused() {
    Binding a = binding("sip:a@192.0.2.1", 60_000, "c1", 1);
    Binding b = binding("sip:a@192.0.2.2", 60_000, "c2", 1);
    Binding c = binding("sip:a@192.0.2.3", 60_000, "c3", 1);
    assertRefused(BindingRules.apply(List.of(a, b), List.of(c), 2), 403, "Forbidden (more than 2 contacts)");
  }

  @Test
  void replacingAtMaxContactsIsAllowed() {
    Binding a = binding("sip:a@192.0.2.1", 60_000, "c1", 1);
    Binding b = binding("sip:a@192.0.2.2", 60_000, "c2", 1);
    Binding b2 = binding("sip:a@192.0.2.2", 90_000, "c2", 2);
    assertEquals(List.of(a, b2), BindingRules.apply(List.of(a, b), List.of(b2), 2).bindings());
  }

  @Test
  void removeAllClearsEveryBinding() {
    Binding a = binding("sip:a@192.0.2.1", 60_000, "c1", 7);
    Binding b = binding("sip:a@192.0.2.2", 60_000, "c2", 1);
    BindingChange<RegistrationOutcome> c = BindingRules.removeAll(List.of(a, b), "c1", 8);
    assertEquals(List.of(), c.bindings());
    assertEquals(List.of(), c.result().bindings());
    assertEquals(200, c.result().status());
  }

  @Test
  void removeAllWithAnOutOfOrderCSeqIsRefused() {
    Binding a = binding("sip:a@192.0.2.1", 60_000, "c1", 7);
    assertRefused(BindingRules.removeAll(List.of(a), "c1", 7), 400, "Bad Request (CSeq out of order)");
  }

  @Test
  void removeAllFromAnotherCallIdIgnoresCSeq() {
    Binding a = binding("sip:a@192.0.2.1", 60_000, "c1", 7);
    assertEquals(List.of(), BindingRules.removeAll(List.of(a), "c9", 1).bindings());
  }

  @Test
  void instanceAndRegIdAreTheKey() {
    // RFC 5626 §6: a new Contact URI from the same instance and reg-id replaces the old binding.
    Binding old = instance("sip:a@192.0.2.10:5062;transport=tcp", "\"<urn:uuid:1>\"", 1, "c1", 1);
    Binding moved = instance("sip:a@198.51.100.7:40000;transport=tcp", "\"<urn:uuid:1>\"", 1, "c2", 1);
    assertEquals(List.of(moved), BindingRules.apply(List.of(old), List.of(moved), 10).bindings());
  }

  @Test
  void sameInstanceWithAnotherRegIdIsAnotherBinding() {
    Binding flow1 = instance("sip:a@192.0.2.10:5062;transport=tcp", "\"<urn:uuid:1>\"", 1, "c1", 1);
    Binding flow2 = instance("sip:a@192.0.2.10:5062;transport=tcp", "\"<urn:uuid:1>\"", 2, "c2", 1);
    assertEquals(List.of(flow1, flow2), BindingRules.apply(List.of(flow1), List.of(flow2), 10).bindings());
  }
}
