package io.sipgw.bench;

import io.sipgw.msrp.MsrpFramer;
import io.sipgw.msrp.MsrpHead;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load for the MSRP relay (bench/msrp.sh), one process on loopback, against a relay without auth:
 * <ul>
 *   <li>{@code throughput PORT SESSIONS MB}: SESSIONS pairs of clients, each sender sending MB
 *       megabytes in 64 KB chunks ({@code Failure-Report: partial}: no 200 per chunk) through the
 *       relay to its receiver as fast as the connections take them; prints the MB/s through the relay
 *       from the first byte sent to the last received;</li>
 *   <li>{@code idle PORT N}: N connections, each with a session (AUTH), held until the process is
 *       killed; prints {@code held N} once all are up.</li>
 * </ul>
 * Every wait is bounded (120 s).
 */
public final class MsrpLoad {
  private static final int CHUNK = 64 * 1024;
  private static final long BOUND_SECONDS = 120;

  private MsrpLoad() { }

  /** A client connection: its socket, its URI, the session URI AUTH gave it, what its framer reads. */
  private static final class Client implements MsrpFramer.Handler {
    final NetSocket socket;
    final String uri;
    final MsrpFramer framer = new MsrpFramer(this, 32 * 1024);
    Promise<String> auth = Promise.promise();
    /** Body bytes received, counted for all receivers together. */
    AtomicLong received = new AtomicLong();
    Runnable onBytes = () -> { };

    Client(NetSocket socket, int n) {
      this.socket = socket;
      this.uri = "msrp://127.0.0.1:" + socket.localAddress().port() + "/c" + n + ";tcp";
      socket.handler(framer::feed);
    }

    @Override
    public void head(MsrpHead head) {
      if (head.isResponse() && head.status() == 200 && head.header("Use-Path") != null) auth.tryComplete(head.header("Use-Path"));
      else if (head.isResponse() && head.status() >= 300) auth.tryFail("AUTH got " + head);
    }

    @Override
    public void data(Buffer bytes) {
      received.addAndGet(bytes.length());
      onBytes.run();
    }

    @Override
    public void end(char flag) { }

    @Override
    public void fail(String why) { auth.tryFail(why); }

    Future<String> auth(String relay) {
      String tid = "auth" + Long.toHexString(System.nanoTime());
      socket.write("MSRP " + tid + " AUTH\r\nTo-Path: " + relay + "\r\nFrom-Path: " + uri + "\r\n-------" + tid + "$\r\n");
      return auth.future();
    }
  }

  private static Future<Client> client(NetClient net, int port, int n, String relay) {
    return net.connect(port, "127.0.0.1").compose(s -> {
      Client c = new Client(s, n);
      return c.auth(relay).map(x -> c);
    });
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int port = Integer.parseInt(args[1]);
    int n = Integer.parseInt(args[2]);
    String relay = "msrp://127.0.0.1:" + port + ";tcp";
    Vertx vertx = Vertx.vertx();
    NetClient net = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(10_000));
    try {
      if (mode.equals("idle")) {
        List<Future<Client>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          all.add(client(net, port, i, relay));
          if (i % 500 == 499) Future.join(all).toCompletionStage().toCompletableFuture().get(BOUND_SECONDS, TimeUnit.SECONDS);
        }
        Future.all(all).toCompletionStage().toCompletableFuture().get(BOUND_SECONDS, TimeUnit.SECONDS);
        System.out.println("held " + n);
        Thread.sleep(TimeUnit.SECONDS.toMillis(BOUND_SECONDS * 5)); // killed by the script long before
        return;
      }
      long megabytes = Long.parseLong(args[3]);
      long perSession = megabytes * 1024 * 1024;
      List<Future<Client>> senders = new ArrayList<>();
      List<Future<Client>> receivers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        senders.add(client(net, port, 2 * i, relay));
        receivers.add(client(net, port, 2 * i + 1, relay));
      }
      Future.all(senders).toCompletionStage().toCompletableFuture().get(BOUND_SECONDS, TimeUnit.SECONDS);
      Future.all(receivers).toCompletionStage().toCompletableFuture().get(BOUND_SECONDS, TimeUnit.SECONDS);
      AtomicLong received = new AtomicLong();
      long total = perSession * n;
      Promise<Long> done = Promise.promise();
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        Client s = senders.get(i).result();
        Client r = receivers.get(i).result();
        r.received = received;
        r.onBytes = () -> {
          if (received.get() >= total) done.tryComplete(System.nanoTime());
        };
        String path = s.auth.future().result() + " " + r.auth.future().result() + " " + r.uri;
        vertx.runOnContext(v -> pump(s, path, perSession, 0));
      }
      long end = done.future().toCompletionStage().toCompletableFuture().get(BOUND_SECONDS, TimeUnit.SECONDS);
      double seconds = (end - start) / 1e9;
      System.out.printf("throughput sessions=%d bytes=%d seconds=%.3f MBps=%.1f%n", n, total, seconds, total / 1048576.0 / seconds);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static final Buffer PAYLOAD = Buffer.buffer(new byte[CHUNK]);

  /** Sends chunks from {@code offset} on until the socket's queue is full, then again when it drains. */
  private static void pump(Client s, String path, long size, long offset) {
    long off = offset;
    while (off < size && !s.socket.writeQueueFull()) {
      int len = (int) Math.min(CHUNK, size - off);
      boolean last = off + len >= size;
      String tid = String.format("chunk%08x", off / CHUNK); // RFC 4975 §9: 4 to 32 characters
      s.socket.write("MSRP " + tid + " SEND\r\nTo-Path: " + path + "\r\nFrom-Path: " + s.uri + "\r\nMessage-ID: f1\r\nByte-Range: " + (off + 1)
          + "-" + (off + len) + "/" + size + "\r\nFailure-Report: partial\r\nContent-Type: application/octet-stream\r\n\r\n");
      s.socket.write(len == CHUNK ? PAYLOAD : PAYLOAD.getBuffer(0, len));
      s.socket.write("\r\n-------" + tid + (last ? "$" : "+") + "\r\n");
      off += len;
    }
    if (off < size) {
      long next = off;
      s.socket.drainHandler(v -> pump(s, path, size, next));
    }
  }
}
