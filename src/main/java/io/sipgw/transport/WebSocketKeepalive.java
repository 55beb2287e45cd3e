package io.sipgw.transport;

import io.sipgw.config.WebSocketConfig;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Pings the open WebSockets every {@code websocket.keepaliveInterval} seconds and closes the ones
 * that stayed silent for {@link WebSocketConfig#MISSED_KEEPALIVES} intervals (as Kamailio's
 * websocket module's keepalive). The interval is read again at every round, so a reload applies.
 */
public final class WebSocketKeepalive {
  /** How often a switched-off keep-alive looks whether it was switched on. */
  private static final long OFF_CHECK_MILLIS = 5000;

  private final Vertx vertx;
  private final Transports transports;
  private final Supplier<WebSocketConfig> settings;
  private volatile boolean stopped;
  private volatile long timer = -1;

  public WebSocketKeepalive(Vertx vertx, Transports transports, Supplier<WebSocketConfig> settings) {
    this.vertx = vertx;
    this.transports = transports;
    this.settings = settings;
  }

  public void start() { schedule(); }

  private void schedule() {
    int seconds = settings.get().keepaliveInterval();
    timer = vertx.setTimer(seconds == 0 ? OFF_CHECK_MILLIS : seconds * 1000L, id -> {
      if (stopped) return;
      int now = settings.get().keepaliveInterval();
      if (now > 0) transports.pingWebSockets(WebSocketConfig.MISSED_KEEPALIVES * now * 1_000_000_000L);
      schedule();
    });
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }
}
