package io.sipgw.transaction;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/** Where a transaction's messages go: bound to one peer (a flow or a resolved target) by its creator. */
@FunctionalInterface
public interface Wire {
  Future<Void> send(Buffer data);
}
