package io.sipgw.lb;

import io.sipgw.config.DispatcherConfig;
import io.sipgw.transport.Dispatcher;
import io.sipgw.transport.LocalClient;
import io.sipgw.transport.Transports;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Probes the destinations of every set that asks for it ({@code probe.interval} > 0) with OPTIONS,
 * as Kamailio's dispatcher does ({@code ds_ping_interval}, {@code ds_probing_threshold},
 * {@code ds_inactive_threshold}): each {@code interval} seconds every destination of the set gets
 * {@code OPTIONS <uri>} with {@code Route: <uri;lr>}, sent through routing like any request
 * ({@link LocalClient}). A final response below 500 other than 408 is an answer; 408, 5xx, 6xx, or
 * none before the next probe, a failure. {@code failures} failures in a row take an up destination
 * down, {@code successes} answers in a row bring a down one up; each change is logged once.
 *
 * <p>A verticle: its timers, its client and the probe counts are its event loop's. A reload of the
 * sets ({@link DestinationSets#reload}) starts the timers again with the new intervals.
 */
public final class Prober extends VerticleBase {
  private static final Logger LOG = Logger.getLogger("sipgw.lb");

  private final Transports transports;
  private final Dispatcher dispatcher;
  private final DestinationSets sets;
  private final List<Long> timers = new ArrayList<>();
  private LocalClient client;
  /** Probes sent so far: each one's number tells its answer from that of an earlier probe given up. */
  private long probes;

  public Prober(Transports transports, Dispatcher dispatcher, DestinationSets sets) {
    this.transports = transports;
    this.dispatcher = dispatcher;
    this.sets = sets;
  }

  @Override
  public Future<?> start() {
    Context here = context;
    client = new LocalClient(vertx, transports, dispatcher, "lb");
    sets.onReload(() -> here.runOnContext(v -> schedule()));
    schedule();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    cancel();
    return Future.succeededFuture();
  }

  private void cancel() {
    for (long id : timers) vertx.cancelTimer(id);
    timers.clear();
  }

  /** A periodic timer per set that probes, with that set's interval. */
  private void schedule() {
    cancel();
    for (Pool p : sets.pools().values()) {
      DispatcherConfig.Probe probe = p.config.probe();
      if (!probe.enabled()) continue;
      String name = p.config.name();
      long every = probe.interval() * 1000L;
      timers.add(vertx.setPeriodic(every, id -> probeSet(name)));
    }
  }

  /** One round: the probe of the last round still unanswered fails, and each destination gets a new one. */
  private void probeSet(String name) {
    Pool p = sets.pools().get(name);
    if (p == null || !p.config.probe().enabled()) return;
    for (Member m : p.members) {
      if (m.health.pending != 0) {
        m.health.pending = 0;
        failed(name, m, 408, "no answer within " + p.config.probe().interval() + " s");
      }
      long probe = ++probes;
      m.health.pending = probe;
      send(m).onComplete(ar -> {
        if (m.health.pending != probe) return; // given up before its answer came
        m.health.pending = 0;
        int status = ar.succeeded() ? ar.result() : 500;
        if (status < 500 && status != 408) answered(name, m, status);
        else failed(name, m, status, ar.succeeded() ? null : ar.cause().getMessage());
      });
    }
  }

  private void failed(String set, Member m, int status, String why) {
    DispatcherConfig.Probe probe = probeOf(set);
    if (probe == null) return; // the set went, or its probing, in a reload
    if (m.health.probeFailed(probe.failures())) {
      LOG.info("dispatcher set " + set + ": " + m.uri() + " down (" + plural(probe.failures(), "probe") + " failed: " + status
          + (why == null ? "" : ", " + why) + ")");
    } else {
      LOG.fine(() -> "dispatcher set " + set + ": probe of " + m.uri() + " failed: " + status + (why == null ? "" : ", " + why));
    }
  }

  private void answered(String set, Member m, int status) {
    DispatcherConfig.Probe probe = probeOf(set);
    if (probe == null) return;
    if (m.health.probeAnswered(probe.successes())) {
      LOG.info("dispatcher set " + set + ": " + m.uri() + " up (" + plural(probe.successes(), "probe") + " answered: " + status + ")");
    }
  }

  private DispatcherConfig.Probe probeOf(String set) {
    Pool p = sets.pools().get(set);
    return p == null || !p.config.probe().enabled() ? null : p.config.probe();
  }

  private static String plural(int n, String word) { return n + " " + word + (n == 1 ? "" : "s"); }

  /** Sends one OPTIONS to {@code m} through routing; its final status. */
  private Future<Integer> send(Member m) {
    String id = client.nextId();
    String uri = m.uri().toString();
    String route = m.uri().isLooseRouter() ? uri : uri + ";lr";
    String head = "OPTIONS " + uri + " SIP/2.0\r\n"
        + "Via: SIP/2.0/TCP " + client.sentBy() + ";branch=z9hG4bK-" + id + "\r\n"
        + "Route: <" + route + ">\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:dispatcher@" + client.sentBy() + ">;tag=" + id + "\r\n"
        + "To: <" + uri + ">\r\n"
        + "Call-ID: " + id + "@" + client.host() + "\r\n"
        + "CSeq: 1 OPTIONS\r\n"
        + "Accept: application/sdp\r\n";
    return client.send(head, new byte[0]);
  }
}
