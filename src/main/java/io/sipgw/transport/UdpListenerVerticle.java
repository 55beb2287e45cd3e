package io.sipgw.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.InternetProtocolFamily;
import io.sipgw.sip.Hosts;
import io.sipgw.sip.Transport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.net.InetSocketAddress;
import java.util.logging.Logger;

/**
 * One UDP socket of a listener, a Netty datagram channel on this verticle's event loop. With the
 * native transport several instances bind the same port (SO_REUSEPORT) and the kernel spreads
 * senders over them. Netty is used directly rather than Vert.x's DatagramSocket because that one
 * sizes its receive buffers by SO_RCVBUF (a 4 MB socket buffer meant a 4 MB allocation per datagram)
 * and resolves the host name of every datagram it sends.
 */
public final class UdpListenerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger("sipgw.transport");
  private static final int SOCKET_BUFFER = 4 * 1024 * 1024;
  /** The largest UDP payload: every datagram fits one receive buffer. */
  private static final int MAX_DATAGRAM = 65536;

  private final Listener listener;
  private final Transports transports;
  private final Dispatcher dispatcher;
  private DatagramChannel channel;

  public UdpListenerVerticle(Listener listener, Transports transports, Dispatcher dispatcher) {
    this.listener = listener;
    this.transports = transports;
    this.dispatcher = dispatcher;
  }

  @Override
  public Future<?> start() {
    ContextInternal ctx = (ContextInternal) context;
    VertxInternal vx = (VertxInternal) vertx;
    @SuppressWarnings("deprecation")
    InternetProtocolFamily family = listener.isIpv6() ? InternetProtocolFamily.IPv6 : InternetProtocolFamily.IPv4;
    channel = vx.transport().datagramChannel(family);
    channel.config().setOption(ChannelOption.SO_REUSEADDR, true);
    if (channel instanceof EpollDatagramChannel) channel.config().setOption(EpollChannelOption.SO_REUSEPORT, true);
    channel.config().setOption(ChannelOption.SO_RCVBUF, SOCKET_BUFFER);
    channel.config().setOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER);
    channel.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(MAX_DATAGRAM));
    channel.pipeline().addLast(new Receiver(ctx));
    Promise<Void> bound = ctx.promise();
    ctx.nettyEventLoop().register(channel).addListener(reg -> {
      if (!reg.isSuccess()) {
        bound.fail(reg.cause());
        return;
      }
      channel.bind(new InetSocketAddress(Hosts.bare(listener.host()), listener.port())).addListener(b -> {
        if (b.isSuccess()) {
          transports.addUdpChannel(listener, channel);
          bound.complete();
        } else {
          bound.fail(b.cause());
        }
      });
    });
    return bound.future();
  }

  @Override
  public Future<?> stop() {
    transports.removeUdpChannel(listener, channel);
    Promise<Void> closed = Promise.promise();
    channel.close().addListener(f -> closed.complete());
    return closed.future();
  }

  /** Copies each datagram out of Netty's buffer and hands it to the dispatcher on this verticle's context. */
  private final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
    private final ContextInternal ctx;

    Receiver(ContextInternal ctx) { this.ctx = ctx; }

    @Override
    protected void channelRead0(ChannelHandlerContext c, DatagramPacket packet) {
      ByteBuf data = packet.content();
      InetSocketAddress sender = packet.sender();
      String host = Hosts.canonicalIp(sender.getAddress().getHostAddress());
      Flow flow = new Flow(Transport.UDP, listener, host, sender.getPort(), 0);
      int len = data.readableBytes();
      if (len > transports.maxMessageSize()) {
        LOG.info("dropped datagram of " + len + " octets from " + flow + ": larger than transport.maxMessageSize");
        return;
      }
      byte[] bytes = new byte[len];
      data.getBytes(data.readerIndex(), bytes);
      ctx.emit(bytes, b -> dispatcher.receive(b, b.length, flow, true));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
      LOG.warning("UDP " + listener.name() + ": " + cause.getMessage());
    }
  }
}
