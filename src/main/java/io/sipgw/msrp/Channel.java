package io.sipgw.msrp;

import io.vertx.core.buffer.Buffer;

/**
 * The bytes of one MSRP connection: a TCP or TLS socket, or a WebSocket (RFC 7977), where each
 * message goes as one WebSocket message ({@link #messageEnd} sends what was written since the last).
 */
interface Channel {
  void write(Buffer bytes);

  /** The message written since the last call is complete (a stream socket has nothing to do). */
  void messageEnd();

  /** Whether the channel holds more unsent bytes than it should: the sender is paused until {@link #onDrain}. */
  boolean full();

  void onDrain(Runnable drained);

  /** Stops (and {@link #resume} restarts) reading from the channel. */
  void pause();

  void resume();

  void close();

  /** {@code host:port} of the other end, for logs. */
  String remote();

  /** The other end's IP address. */
  String remoteHost();

  /** The largest message it carries, head and end-line included (a WebSocket message; a stream has no limit). */
  default int maxMessage() { return Integer.MAX_VALUE; }

  /** {@code tcp} or {@code ws}. */
  String transport();
}
