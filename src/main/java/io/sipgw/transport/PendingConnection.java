package io.sipgw.transport;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An outbound connection while it is being opened. Messages sent to it meanwhile, from any event
 * loop, wait here in the order they came and are written in that order once it is open; a message
 * sent after that is written straight away, after them. A failed open fails every waiting message.
 */
final class PendingConnection {
  private final List<Buffer> waiting = new ArrayList<>(2);
  private final List<Promise<Void>> written = new ArrayList<>(2);
  private Connection open;
  private Throwable failure;

  synchronized Future<Void> send(Buffer data) {
    if (open != null) return open.write(data);
    if (failure != null) return Future.failedFuture(failure);
    Promise<Void> p = Promise.promise();
    waiting.add(data);
    written.add(p);
    return p.future();
  }

  /** Writes what waited, in order (each write is queued to the connection before this returns). */
  synchronized void opened(Connection c) {
    open = c;
    for (int i = 0; i < waiting.size(); i++) c.write(waiting.get(i)).onComplete(written.get(i));
    waiting.clear();
    written.clear();
  }

  synchronized void failed(Throwable cause) {
    failure = cause;
    for (Promise<Void> p : written) p.tryFail(cause);
    waiting.clear();
    written.clear();
  }
}
