package io.sipgw.registrar;

import io.sipgw.nat.NatDetection;
import io.sipgw.store.Binding;
import io.sipgw.store.BindingChange;
import io.sipgw.store.LocationStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * What a node does at start with the bindings saved through it before it (re)started, read back from
 * a shared store by its node name: a binding that only its connection of the last run reached (a
 * WebSocket, an RFC 5626 outbound flow) died with that connection and is removed (RFC 5626 §5.3: a
 * failed flow's binding is no longer a target; the client registers a new flow), and a UDP binding
 * behind NAT is handed to the NAT pinger, which keeps its pinhole open from now on. Bindings that
 * this run saved meanwhile are left alone. An unreachable store is tried again until it answers.
 */
public final class NodeRestart {
  private static final Logger LOG = Logger.getLogger("sipgw.registrar");
  /** AORs updated at once; the next slice starts when one has finished. */
  static final int SLICE = 64;
  static final long RETRY_MILLIS = 5_000;

  /** Keeps the pinholes of bindings open: the NAT pinger. */
  public interface Pinger {
    /** Pings the bindings of {@code aor} named by {@code keys} from now on; {@code bindings} are all its current ones. */
    void adopt(String aor, List<Binding> bindings, Set<String> keys);
  }

  /** An AOR after the removal: its bindings, and how many were removed. */
  private record Left(List<Binding> bindings, int removed) { }

  private final Vertx vertx;
  private final LocationStore store;
  private final String nodeName;
  private final String run;
  private final Pinger pinger;
  private final AtomicInteger aors = new AtomicInteger();
  private final AtomicInteger pinged = new AtomicInteger();
  private final AtomicInteger removed = new AtomicInteger();

  /**
   * @param run this run's node id, {@code <nodeName>#<random>}
   * @param pinger told of the AORs with bindings of this node that need keep-alives
   */
  public NodeRestart(Vertx vertx, LocationStore store, String nodeName, String run, Pinger pinger) {
    this.vertx = vertx;
    this.store = store;
    this.nodeName = nodeName;
    this.run = run;
    this.pinger = pinger;
  }

  /** Looks after the bindings of the last run; the future completes when all have been seen to. */
  public Future<Void> start() {
    return store.aorsOf(nodeName).recover(e -> {
      LOG.warning("the bindings saved through " + nodeName + " before this start cannot be read yet (" + e.getMessage()
          + "); trying again every " + RETRY_MILLIS / 1000 + " s");
      return retry();
    }).compose(list -> slice(list, 0)).onSuccess(v -> {
      if (aors.get() > 0) {
        LOG.info("node " + nodeName + " restarted: " + aors + " AOR(s) had bindings saved through it before; " + pinged
            + " UDP binding(s) behind NAT pinged again, " + removed + " removed (their connections closed with the last run)");
      }
    });
  }

  private Future<List<String>> retry() {
    return Future.<Void>future(p -> vertx.setTimer(RETRY_MILLIS, id -> p.complete()))
        .compose(v -> store.aorsOf(nodeName))
        .recover(e -> retry());
  }

  private Future<Void> slice(List<String> list, int from) {
    if (from >= list.size()) return Future.succeededFuture();
    List<Future<Void>> done = new ArrayList<>(SLICE);
    for (String aor : list.subList(from, Math.min(list.size(), from + SLICE))) done.add(recover(aor));
    return Future.join(done).transform(x -> slice(list, from + SLICE));
  }

  private Future<Void> recover(String aor) {
    return store.update(aor, this::withoutDeadFlows).map(left -> {
      aors.incrementAndGet();
      removed.addAndGet(left.removed);
      Set<String> mine = new HashSet<>();
      for (Binding b : left.bindings) if (lastRunsOwn(b) && NatDetection.needsKeepalive(b)) mine.add(b.key());
      if (!mine.isEmpty()) {
        pinged.addAndGet(mine.size());
        pinger.adopt(aor, left.bindings, mine);
      }
      if (left.removed > 0) {
        LOG.fine(() -> "removed " + left.removed + " binding(s) of " + aor + ": their connection closed with the last run of " + nodeName);
      }
      return (Void) null;
    }).onFailure(e -> LOG.warning("bindings of " + aor + " saved through " + nodeName + " before its restart not seen to: "
        + e.getMessage()));
  }

  private BindingChange<Left> withoutDeadFlows(List<Binding> current) {
    List<Binding> kept = new ArrayList<>(current.size());
    for (Binding b : current) if (!(lastRunsOwn(b) && FlowBindings.boundToFlow(b))) kept.add(b);
    int gone = current.size() - kept.size();
    return gone == 0 ? BindingChange.unchanged(new Left(current, 0)) : new BindingChange<>(kept, new Left(kept, gone));
  }

  /** Whether {@code b} was saved through this node before this run. */
  private boolean lastRunsOwn(Binding b) {
    Binding.Source s = b.source();
    return s != null && !s.onNode(run) && nodeName.equals(s.nodeName());
  }
}
