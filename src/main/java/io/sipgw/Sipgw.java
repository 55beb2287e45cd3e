package io.sipgw;

import io.sipgw.config.SipgwConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** A running gateway: its listeners, routing verticles and stores. */
public final class Sipgw {
  private final Vertx vertx;

  private Sipgw(Vertx vertx) { this.vertx = vertx; }

  /** Deploys the gateway's verticles on {@code vertx} and binds its listeners. */
  public static Future<Sipgw> start(Vertx vertx, SipgwConfig config) {
    return Future.failedFuture("the routing core is being built");
  }

  /** Applies the settings that can change at run time. */
  public void reload(SipgwConfig config) { }

  /** Closes the listeners and undeploys the verticles. */
  public Future<Void> stop() { return Future.succeededFuture(); }
}
