package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 3261 §16.3 step 4: a request that comes back to the proxy unchanged (a next hop that routes it
 * straight back, as a misconfigured proxy does) is answered 482 instead of being forwarded again.
 */
@Timeout(60)
class LoopDetectionTest {
  private static final String HOST = FreePorts.IPV4_LOOPBACK;
  private static final String OTHER = "127.0.0.2";

  private TestGateway gateway;

  @AfterEach
  void stopGateway() {
    if (gateway != null) gateway.close();
  }

  @Test
  void aRequestThatComesBackUnchangedGets482() throws IOException {
    gateway = TestGateway.start();
    int otherPort = FreePorts.udpAndTcp(OTHER);
    try (SipPeer caller = SipPeer.open(SippTransport.UDP, HOST, gateway.port());
         DatagramSocket looper = new DatagramSocket(new InetSocketAddress(OTHER, otherPort))) {
      looper.setSoTimeout(5000);
      String target = "sip:loop@" + OTHER + ":" + otherPort; // another domain: forwarded, Request-URI kept
      caller.send(caller.request("OPTIONS", target, target, ""));

      String forwarded = receive(looper);
      assertTrue(forwarded.startsWith("OPTIONS " + target + " SIP/2.0\r\n"), forwarded);
      // the "next hop" adds its own Via and sends the request straight back to the proxy
      String back = forwarded.replaceFirst("\r\n", "\r\nVia: SIP/2.0/UDP " + OTHER + ":" + otherPort + ";branch=z9hG4bK-looper;rport\r\n");
      byte[] bytes = back.getBytes(StandardCharsets.UTF_8);
      looper.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName(HOST), gateway.port()));

      String answer = receive(looper);
      assertTrue(answer.startsWith("SIP/2.0 482 "), "the looped request is answered 482, not forwarded: " + answer);
    }
  }

  private static String receive(DatagramSocket socket) throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
    socket.receive(p);
    return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
  }
}
