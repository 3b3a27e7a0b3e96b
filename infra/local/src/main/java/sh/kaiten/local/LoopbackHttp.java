package sh.kaiten.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.util.concurrent.Executor;
import sh.kaiten.local.aws.LoopbackServers;

/**
 * The JDK HTTP servers of each function's Runtime API, made by {@link LoopbackServers} (on
 * loopback, Nagle's algorithm off), each with its executor; and the flag that turns Nagle off in
 * the function JVMs' own servers.
 */
final class LoopbackHttp {
  /**
   * Passed to every function JVM too, so no server on the request's path waits on Nagle's
   * algorithm.
   */
  static final String NO_DELAY = "-Dsun.net.httpserver.nodelay=true";

  private LoopbackHttp() {}

  /**
   * A server on 127.0.0.1 ({@code port} 0: a free one) whose exchanges run on {@code executor}; not
   * started.
   */
  static HttpServer create(int port, int backlog, Executor executor) throws IOException {
    HttpServer server = LoopbackServers.create(port, backlog);
    server.setExecutor(executor);
    return server;
  }

  /** Whether the servers made here answer without Nagle's delay. */
  static boolean noDelay() {
    return LoopbackServers.noDelay();
  }
}
