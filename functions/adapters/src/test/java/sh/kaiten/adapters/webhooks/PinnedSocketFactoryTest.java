package sh.kaiten.adapters.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;

class PinnedSocketFactoryTest {

  @Test
  void theConnectionGoesToThePinnedAddressWhateverTheNameNowResolvesTo() throws Exception {
    try (ServerSocket checked = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      PinnedSocketFactory factory =
          new PinnedSocketFactory(
              (SSLSocketFactory) SSLSocketFactory.getDefault(), InetAddress.getLoopbackAddress());

      // HttpsURLConnection connects the unconnected socket to (host, port); the host is ignored,
      // the port kept.
      try (Socket socket = factory.createSocket()) {
        socket.connect(
            InetSocketAddress.createUnresolved("rebound.invalid", checked.getLocalPort()), 1000);
        try (Socket accepted = checked.accept()) {
          assertThat(socket.getInetAddress()).isEqualTo(InetAddress.getLoopbackAddress());
          assertThat(accepted.getPort()).isEqualTo(socket.getLocalPort());
        }
      }
    }
  }
}
