package io.sipgw.media;

import io.sipgw.config.MediaConfig;
import io.sipgw.config.MediaConfig.Address;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A client of rtpengine's ng control protocol over UDP: each request is a unique cookie, a space and
 * a bencoded dictionary; the reply carries the same cookie. A request unanswered after
 * {@code media.timeout} ms is sent again with the same cookie (rtpengine answers a repeated cookie
 * from its cache rather than running the command twice), {@code media.retries} times; then the
 * instance is marked down for {@code media.downTime} ms and the next instance of {@code media.rtpengine}
 * is tried. A call sticks to the instance that took its first command, so its answer and delete go
 * there. Everything runs on the context the client was created on (one routing event loop): plain
 * maps, no locks, nothing blocks.
 */
public final class NgClient {
  private static final Logger LOG = Logger.getLogger("sipgw.media");
  /** Calls remembered per client; past it the oldest is forgotten (a call that never ended). */
  static final int MAX_CALLS = 100_000;
  private static final int RECEIVE_BUFFER = 65_536;

  private final Vertx vertx;
  private final Context context;
  private final Supplier<MediaConfig> config;
  private final String cookiePrefix = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + "_";
  private long cookies;
  private final Map<String, Pending> pending = new HashMap<>();
  private final Map<Address, Long> downUntil = new HashMap<>();
  private final Map<String, Address> calls = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Address> eldest) { return size() > MAX_CALLS; }
  };
  private Future<DatagramSocket> ipv4;
  private Future<DatagramSocket> ipv6;
  private boolean closed;
  private volatile CommandObserver observer;

  private NgClient(Vertx vertx, Context context, Supplier<MediaConfig> config) {
    this.vertx = vertx;
    this.context = context;
    this.config = config;
  }

  /** A client on the caller's context (or a new one, off a Vert.x thread), reading its settings from {@code config} on every command. */
  public static NgClient create(Vertx vertx, Supplier<MediaConfig> config) {
    return new NgClient(vertx, vertx.getOrCreateContext(), config);
  }

  /**
   * Sends {@code command} for the call {@code callId}: to the instance the call is on, else to the
   * first instance not marked down, failing over to the next when one does not answer. Fails with
   * an {@link NgException}: unreachable when no instance answered, refused on an error reply.
   */
  public Future<NgReply> call(String callId, Map<String, Object> command) {
    CommandObserver o = observer;
    if (o == null) return callOnContext(callId, command);
    long start = System.nanoTime();
    return callOnContext(callId, command).andThen(ar -> o.command(String.valueOf(command.get("command")), System.nanoTime() - start,
        ar.succeeded() ? null : ar.cause() instanceof NgException e && !e.unreachable() ? "refused" : "unreachable"));
  }

  /** What learns of every {@link #call}: its command, how long it took (retries and failover included), how it failed. */
  @FunctionalInterface
  public interface CommandObserver {
    /** {@code error}: null when it succeeded, {@code unreachable} or {@code refused}. */
    void command(String command, long nanos, String error);
  }

  /** Reports every {@link #call} to {@code o} (the node's metrics); set once, before the first call. */
  public void observe(CommandObserver o) { this.observer = o; }

  private Future<NgReply> callOnContext(String callId, Map<String, Object> command) {
    return onContext(() -> {
      Address on = calls.get(callId);
      if (on != null) return exchange(on, command).compose(NgClient::checked);
      MediaConfig c = config.get();
      long now = System.currentTimeMillis();
      List<Address> up = new ArrayList<>(c.rtpengine().size());
      for (Address a : c.rtpengine()) if (downUntil.getOrDefault(a, 0L) <= now) up.add(a);
      if (c.rtpengine().isEmpty()) return Future.failedFuture(NgException.unreachable("no rtpengine configured"));
      if (up.isEmpty()) return Future.failedFuture(NgException.unreachable("every rtpengine is marked down"));
      return failover(callId, command, up, 0);
    });
  }

  /** Sends {@code command} to {@code address} only (with its retries), and hands back the reply, an error reply included. */
  public Future<NgReply> send(Address address, Map<String, Object> command) {
    return onContext(() -> exchange(address, command));
  }

  /** Whether a command of {@code callId} has gone to an instance, and the call not been forgotten since. */
  public boolean knows(String callId) { return calls.containsKey(callId); }

  /** The instance {@code callId} is on, or null. */
  public Address instanceOf(String callId) { return calls.get(callId); }

  /** Forgets which instance {@code callId} is on (it was deleted). */
  public void forget(String callId) { calls.remove(callId); }

  /** Closes the sockets; commands waiting for a reply fail. */
  public Future<Void> close() {
    return onContext(() -> {
      closed = true;
      for (Pending p : new ArrayList<>(pending.values())) p.fail(NgException.unreachable("ng client closed"));
      List<Future<Void>> done = new ArrayList<>(2);
      for (Future<DatagramSocket> s : new ArrayList<>(java.util.Arrays.asList(ipv4, ipv6))) {
        if (s != null) done.add(s.compose(DatagramSocket::close, e -> Future.<Void>succeededFuture()));
      }
      return Future.join(done).mapEmpty();
    });
  }

  private Future<NgReply> failover(String callId, Map<String, Object> command, List<Address> up, int i) {
    Address a = up.get(i);
    return exchange(a, command).transform(ar -> {
      if (ar.succeeded()) {
        calls.put(callId, a);
        return checked(ar.result());
      }
      if (ar.cause() instanceof NgException e && e.unreachable() && !closed) {
        int down = config.get().downTime();
        downUntil.put(a, System.currentTimeMillis() + down);
        LOG.warning("rtpengine " + a + " did not answer " + command.get("command") + "; passed over for " + down + " ms (Call-ID " + callId + ")");
        if (i + 1 < up.size()) return failover(callId, command, up, i + 1);
      }
      return Future.failedFuture(ar.cause());
    });
  }

  private static Future<NgReply> checked(NgReply reply) {
    if (reply.isError()) return Future.failedFuture(NgException.refused(reply.errorReason()));
    return Future.succeededFuture(reply);
  }

  /** One request and its reply, sent again after each timeout, {@code retries} times. */
  private Future<NgReply> exchange(Address a, Map<String, Object> command) {
    if (closed) return Future.failedFuture(NgException.unreachable("ng client closed"));
    MediaConfig c = config.get();
    String cookie = cookiePrefix + (++cookies);
    Buffer datagram = NgReply.request(cookie, command);
    Pending p = new Pending(cookie, a, datagram, c.timeout(), c.retries());
    pending.put(cookie, p);
    p.attempt();
    return p.promise.future();
  }

  private Future<DatagramSocket> socketFor(Address a) {
    boolean v6 = a.host().indexOf(':') >= 0;
    Future<DatagramSocket> s = v6 ? ipv6 : ipv4;
    if (s == null) {
      DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(v6).setReceiveBufferSize(RECEIVE_BUFFER));
      socket.handler(packet -> received(packet.data()));
      s = socket.listen(0, v6 ? "::" : "0.0.0.0");
      if (v6) ipv6 = s;
      else ipv4 = s;
    }
    return s;
  }

  private void received(Buffer data) {
    NgReply reply;
    try {
      reply = NgReply.parse(data);
    } catch (BencodeException e) {
      LOG.info("dropped an ng reply that is not one: " + e.getMessage());
      return;
    }
    Pending p = pending.get(reply.cookie());
    if (p != null) p.done(reply); // else a late answer to a retransmission: already served
  }

  private <T> Future<T> onContext(Supplier<Future<T>> work) {
    if (Vertx.currentContext() == context) return work.get();
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(p));
    return p.future();
  }

  /** A request waiting for its reply. */
  private final class Pending {
    final String cookie;
    final Address address;
    final Buffer datagram;
    final int timeout;
    int retriesLeft;
    long timer = -1;
    final Promise<NgReply> promise = Promise.promise();

    Pending(String cookie, Address address, Buffer datagram, int timeout, int retries) {
      this.cookie = cookie;
      this.address = address;
      this.datagram = datagram;
      this.timeout = timeout;
      this.retriesLeft = retries;
    }

    void attempt() {
      timer = vertx.setTimer(timeout, id -> timedOut());
      socketFor(address).compose(s -> s.send(datagram, address.port(), address.host())).onFailure(e -> {
        // no socket, or the send failed (an unresolvable host, no route): as good as no answer
        LOG.fine(() -> "cannot send to rtpengine " + address + ": " + e.getMessage());
      });
    }

    void timedOut() {
      timer = -1;
      if (!pending.containsKey(cookie)) return;
      if (retriesLeft-- > 0) {
        attempt();
        return;
      }
      fail(NgException.unreachable("rtpengine " + address + " did not answer in " + timeout + " ms"));
    }

    void done(NgReply reply) {
      end();
      promise.tryComplete(reply);
    }

    void fail(NgException e) {
      end();
      promise.tryFail(e);
    }

    private void end() {
      pending.remove(cookie);
      if (timer >= 0) vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
