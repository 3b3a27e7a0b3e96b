package sh.kaiten.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

/**
 * The JDK HTTP servers kaiten-local runs (the front door, each function's Runtime API), on
 * loopback, configured before the first one exists: the JDK reads its server settings once, from
 * system properties.
 */
final class LoopbackHttp {
  /**
   * Passed to every function JVM too, so no server on the request's path waits on Nagle's
   * algorithm.
   */
  static final String NO_DELAY = "-Dsun.net.httpserver.nodelay=true";

  static {
    // The JDK server writes an answer's headers and its body in two writes; with Nagle's algorithm
    // on,
    // the body waits for the client's delayed ACK of the headers: 40 ms per answer on Linux
    // loopback.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    // The JDK's server closes the connection on more than 200 headers, unanswered; the front door
    // takes
    // more, to answer 431.
    if (System.getProperty("sun.net.httpserver.maxReqHeaders") == null) {
      System.setProperty("sun.net.httpserver.maxReqHeaders", "2000");
    }
  }

  private LoopbackHttp() {}

  /**
   * A server on 127.0.0.1 ({@code port} 0: a free one) whose exchanges run on {@code executor}; not
   * started.
   */
  static HttpServer create(int port, int backlog, Executor executor) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
    server.setExecutor(executor);
    return server;
  }

  /** Whether servers made from now on answer without Nagle's delay. */
  static boolean noDelay() {
    return Boolean.getBoolean("sun.net.httpserver.nodelay");
  }
}
