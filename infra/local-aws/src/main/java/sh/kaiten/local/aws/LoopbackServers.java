package sh.kaiten.local.aws;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Every JDK HTTP server of kaiten-local's process (the Runtime APIs, the local Secrets Manager, the
 * Stripe stand-in), on loopback and with Nagle's algorithm off. The JDK reads its server settings
 * once, from system properties, when the first server of the process is made: whichever server
 * comes first, it comes from here, after the setting. (A Secrets Manager made first with {@code
 * HttpServer.create} left every Runtime API with Nagle on: 40 ms more per invocation, waiting for
 * the function's delayed ACK of the headers before the body went.)
 */
public final class LoopbackServers {
  static {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private LoopbackServers() {}

  /** A server on 127.0.0.1 ({@code port} 0: a free one), not started. */
  public static HttpServer create(int port, int backlog) throws IOException {
    return HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
  }

  /** Whether the servers made here answer without Nagle's delay. */
  public static boolean noDelay() {
    return Boolean.getBoolean("sun.net.httpserver.nodelay");
  }
}
