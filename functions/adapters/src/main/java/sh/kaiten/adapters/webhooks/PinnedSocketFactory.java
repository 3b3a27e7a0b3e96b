package sh.kaiten.adapters.webhooks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS sockets whose TCP connection goes to one checked address, whatever the host name resolves to
 * by the time the connection is made (DNS rebinding). TLS itself still runs against the host name:
 * {@code HttpsURLConnection} layers it over the connected socket with the URL's host, so SNI and
 * certificate verification are those of the name.
 */
final class PinnedSocketFactory extends SSLSocketFactory {
  private final SSLSocketFactory tls;
  private final InetAddress address;

  PinnedSocketFactory(SSLSocketFactory tls, InetAddress address) {
    this.tls = tls;
    this.address = address;
  }

  /**
   * The unconnected socket HttpsURLConnection connects to the URL's host and port: it connects to
   * the pinned address.
   */
  @Override
  public Socket createSocket() {
    return new Socket() {
      @Override
      public void connect(SocketAddress endpoint, int timeout) throws IOException {
        super.connect(
            new InetSocketAddress(address, ((InetSocketAddress) endpoint).getPort()), timeout);
      }
    };
  }

  @Override
  public Socket createSocket(Socket socket, String host, int port, boolean autoClose)
      throws IOException {
    return tls.createSocket(socket, host, port, autoClose);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return tls.createSocket(address, port);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return tls.createSocket(address, port, localHost, localPort);
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return tls.createSocket(address, port);
  }

  @Override
  public Socket createSocket(InetAddress host, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return tls.createSocket(address, port, localAddress, localPort);
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return tls.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return tls.getSupportedCipherSuites();
  }
}
