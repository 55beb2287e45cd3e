package io.sipgw.proxy;

import io.sipgw.config.BanConfig;
import io.sipgw.config.TransactionConfig;
import io.sipgw.dns.SipResolver;
import io.sipgw.lb.DestinationSets;
import io.sipgw.media.NgClient;
import io.sipgw.metrics.Metrics;
import io.sipgw.media.RtpengineRelay;
import io.sipgw.registrar.Registrar;
import io.sipgw.sip.SipRequest;
import io.sipgw.sip.SipResponse;
import io.sipgw.store.LocationStore;
import io.sipgw.transaction.ContextScheduler;
import io.sipgw.transaction.TransactionTable;
import io.sipgw.transport.InboundMessage;
import io.sipgw.transport.Transports;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One routing instance on one event loop. The dispatcher sends it every message whose Call-ID hashes
 * to its address, so the messages of a call are handled in order, on one thread, without locks; its
 * transaction table is its own.
 */
public final class RoutingVerticle extends VerticleBase {
  /**
   * What every routing instance shares; {@code ownRequests} takes the responses to requests the
   * gateway sent of its own accord (NAT keep-alives), which go nowhere.
   */
  public record Shared(Transports transports, Supplier<RoutingSettings> settings, Registrar registrar, LocationStore store,
      SipResolver resolver, Supplier<TransactionConfig> transactions, Supplier<BanConfig> bans, int instances,
      Predicate<SipResponse> ownRequests, Authentication authentication, OfflineStorage offline, PresenceService presence,
      DialogEvents dialogs, DestinationSets destinations) { }

  private final String address;
  private final Shared shared;
  private TransactionTable table;
  private ContextScheduler scheduler;
  private MessageConsumer<InboundMessage> consumer;
  private RtpengineRelay media;

  public RoutingVerticle(String address, Shared shared) {
    this.address = address;
    this.shared = shared;
  }

  @Override
  public Future<?> start() {
    scheduler = new ContextScheduler(context);
    Metrics metrics = shared.transports().metrics();
    table = new TransactionTable(scheduler, shared.transactions(), shared.bans(), shared.instances(), metrics);
    metrics.track(table);
    // one ng client per routing loop: the calls it bridges are this loop's Call-IDs, kept without locks
    NgClient ng = NgClient.create(vertx, () -> shared.settings().get().media());
    if (metrics.enabled()) ng.observe(metrics::rtpengineCommand);
    media = new RtpengineRelay(ng);
    RequestRouter requests = new RequestRouter(shared.transports(), shared.settings(), shared.registrar(), shared.store(),
        shared.resolver(), table, media, shared.authentication(), shared.offline(), shared.presence(), shared.dialogs(),
        new RouteTargets(shared));
    ResponseRouter responses = new ResponseRouter(shared.transports(), table, shared.ownRequests());
    consumer = vertx.eventBus().localConsumer(address, msg -> {
      InboundMessage in = msg.body();
      if (in.message() instanceof SipRequest r) requests.route(r, in.flow(), in.parsedNanos());
      else responses.forward((SipResponse) in.message(), in.flow());
    });
    return consumer.completion();
  }

  /** This loop's transactions: {server, client} counts, read on its own event loop. */
  public Future<int[]> transactionCounts() {
    if (context == null) return Future.succeededFuture(new int[2]);
    io.vertx.core.Promise<int[]> p = io.vertx.core.Promise.promise();
    context.runOnContext(v -> p.complete(table == null ? new int[2] : new int[] {table.serverCount(), table.clientCount()}));
    return p.future();
  }

  @Override
  public Future<?> stop() {
    scheduler.close();
    shared.transports().metrics().untrack(table);
    return consumer.unregister().transform(x -> media.close());
  }
}
