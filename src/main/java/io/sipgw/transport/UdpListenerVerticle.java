package io.sipgw.transport;

import io.sipgw.sip.Hosts;
import io.sipgw.sip.Transport;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.util.logging.Logger;

/**
 * One UDP socket of a listener. With the native transport several instances bind the same port
 * (SO_REUSEPORT) and the kernel spreads datagrams over them, so every core receives.
 */
public final class UdpListenerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger("sipgw.transport");
  private static final int SOCKET_BUFFER = 4 * 1024 * 1024;

  private final Listener listener;
  private final Transports transports;
  private final Dispatcher dispatcher;
  private DatagramSocket socket;

  public UdpListenerVerticle(Listener listener, Transports transports, Dispatcher dispatcher) {
    this.listener = listener;
    this.transports = transports;
    this.dispatcher = dispatcher;
  }

  @Override
  public Future<?> start() {
    DatagramSocketOptions options = new DatagramSocketOptions()
        .setReuseAddress(true)
        .setReusePort(vertx.isNativeTransportEnabled())
        .setIpV6(listener.isIpv6())
        .setReceiveBufferSize(SOCKET_BUFFER)
        .setSendBufferSize(SOCKET_BUFFER);
    socket = vertx.createDatagramSocket(options);
    int max = transports.maxMessageSize();
    socket.handler(packet -> {
      Buffer data = packet.data();
      Flow flow = new Flow(Transport.UDP, listener, Hosts.canonicalIp(packet.sender().host()), packet.sender().port(), 0);
      if (data.length() > max) {
        LOG.info("dropped datagram of " + data.length() + " octets from " + flow + ": larger than transport.maxMessageSize");
        return;
      }
      byte[] bytes = data.getBytes();
      dispatcher.receive(bytes, bytes.length, flow, true);
    });
    socket.exceptionHandler(e -> LOG.warning("UDP " + listener.name() + ": " + e.getMessage()));
    return socket.listen(listener.port(), Hosts.bare(listener.host())).onSuccess(s -> transports.addUdpSocket(listener, s));
  }

  @Override
  public Future<?> stop() {
    transports.removeUdpSocket(listener, socket);
    return socket.close();
  }
}
