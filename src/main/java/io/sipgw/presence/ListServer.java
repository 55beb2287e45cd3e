package io.sipgw.presence;

import io.sipgw.sip.HeaderField;
import io.sipgw.sip.HeaderName;
import io.sipgw.sip.SipRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The resource list server (RFC 4662, as Kamailio's rls): a subscription to a list service is kept
 * with a record per local member under that member (event {@link PresenceServer#MEMBER}), so that a
 * member's change reaches the list; its NOTIFYs are multipart/related RLMI bodies ({@link Rlmi}),
 * each member shown as its own rules treat the list's subscriber (§6), full state at first and after
 * a list change, partial state when one member changes.
 */
final class ListServer {
  private final PresenceStore store;
  private final UserDocuments documents;
  private final Function<String, String> localAor;
  private final Presentities presentities;
  private final Notifier notifier;
  private final LongSupplier clock;
  private final Consumer<Subscription> gone;

  /** {@code gone}: told of a list subscription whose subscriber is gone. */
  ListServer(PresenceStore store, UserDocuments documents, Function<String, String> localAor, Presentities presentities, Notifier notifier,
      LongSupplier clock, Consumer<Subscription> gone) {
    this.store = store;
    this.documents = documents;
    this.localAor = localAor;
    this.presentities = presentities;
    this.notifier = notifier;
    this.clock = clock;
    this.gone = gone;
  }

  /** Whether the request's Supported lists {@code option}. */
  static boolean supports(SipRequest req, String option) {
    for (HeaderField f : req.fields(HeaderName.SUPPORTED)) {
      for (String o : f.value().split(",")) if (o.trim().equalsIgnoreCase(option)) return true;
    }
    return false;
  }

  /**
   * Keeps (or, {@code gone}, removes) a record per local member of {@code list} under that member,
   * so that a change of the member reaches the list's subscription; a record of a member that left
   * the list goes at its first change.
   */
  Future<Void> members(Subscription list, boolean ended) {
    return documents.listMembers(list.entity()).compose(members -> {
      List<Future<?>> done = new ArrayList<>();
      for (UserDocuments.Member m : members == null ? List.<UserDocuments.Member>of() : members) {
        String aor = localAor.apply(m.uri());
        if (aor == null) continue;
        String id = list.id() + "|" + aor;
        done.add(ended ? store.removeSubscription(id)
            : store.put(new Subscription(id, PresenceServer.MEMBER, aor, list.callId(), list.watcher(), list.remoteTag(), list.localTag(),
                list.id(), List.of(), 0, list.expires())));
      }
      return Future.join(done).mapEmpty();
    });
  }

  /** A list member's state changed: its list's subscription (the record's target) gets a partial NOTIFY. */
  void memberChanged(Subscription member, long now) {
    store.subscription(member.target(), now).onSuccess(list -> {
      if (list == null) store.removeSubscription(member.id()); // the list's subscription ended
      else notify(list, null, member.entity());
    });
  }

  /** The lists of {@code services} changed: each subscription to them is told their full state. */
  void listsChanged(java.util.Set<String> services) {
    long now = clock.getAsLong();
    for (String service : services) {
      store.watchers(service, now).onSuccess(subs -> {
        for (Subscription s : subs) {
          if (s.event().equals(PresenceServer.LIST)) members(s, false).onSuccess(x -> notify(s, null, null));
        }
      });
    }
  }

  /**
   * A NOTIFY of a list's subscription: full state ({@code only} null), or the state of the member
   * {@code only}; a service that is gone ends the subscription (noresource).
   */
  void notify(Subscription list, String terminated, String only) {
    documents.listMembers(list.entity()).onSuccess(found -> {
      if (found == null && terminated == null) {
        store.removeSubscription(list.id()).onSuccess(removed -> {
          if (removed) send(list, "noresource", List.of(), true);
        });
        return;
      }
      List<UserDocuments.Member> members = found == null ? List.of() : found;
      if (only == null) {
        send(list, terminated, members, true);
        return;
      }
      List<UserDocuments.Member> told = members.stream().filter(m -> only.equals(localAor.apply(m.uri()))).toList();
      if (told.isEmpty()) store.removeSubscription(list.id() + "|" + only); // it left the list
      else send(list, terminated, told, false);
    });
  }

  private void send(Subscription list, String terminated, List<UserDocuments.Member> members, boolean full) {
    long now = clock.getAsLong();
    String start = "rlmi." + list.localTag() + "@" + list.entity().substring(list.entity().lastIndexOf('@') + 1);
    notifier.send(list, terminated, false, Rlmi.contentType(start), "Require: eventlist\r\n", seq -> {
      List<Future<Rlmi.Resource>> resources = new ArrayList<>();
      for (UserDocuments.Member m : members) resources.add(resource(list, m, now));
      return Future.all(resources).map(all -> Rlmi.body("sip:" + list.entity(), start, seq - 1, full, all.list()));
    }, gone);
  }

  /** A member as the list's subscriber sees it: as the member's rules treat the subscriber (RFC 4662 §6). */
  private Future<Rlmi.Resource> resource(Subscription list, UserDocuments.Member m, long now) {
    String aor = localAor.apply(m.uri());
    if (aor == null) return Future.succeededFuture(new Rlmi.Resource(m.uri(), m.name(), null, null, null, null));
    String instance = Integer.toHexString((list.id() + "|" + aor).hashCode());
    return Future.all(presentities.document(aor, now), presentities.rules(aor)).map(both -> {
      String handling = presentities.handling(both.resultAt(1), aor, list.watcher(), now);
      return switch (handling) {
        case "block" -> new Rlmi.Resource(m.uri(), m.name(), instance, "terminated", "rejected", null);
        case "confirm" -> new Rlmi.Resource(m.uri(), m.name(), instance, "pending", null, null);
        case "polite-block" -> new Rlmi.Resource(m.uri(), m.name(), instance, "active", null, Pidf.basic("sip:" + aor, "blocked", false, null));
        default -> new Rlmi.Resource(m.uri(), m.name(), instance, "active", null, both.resultAt(0));
      };
    });
  }
}
