package sh.kaiten.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;

/**
 * The HTTP front door: routes each request to a function as the template's HttpApi events say, as
 * an API Gateway payload 2.0 event, and maps the answer back. Failures of the function itself are
 * answered as problem+json: 502 when it errs or crashes, 504 when it does not answer in time. A
 * request whose client hangs up before a function has taken it is dropped, never run: the front
 * door is on Netty, which sees a connection close while its request waits (the JDK's server does
 * not).
 */
final class FrontDoor implements AutoCloseable {
  /** kaiten-local's own control path; API Gateway would never route it to a function. */
  static final String SCHEDULES = "/_local/schedules";

  /** API Gateway's HTTP API takes at most 10 KiB of request line and headers. */
  static final int MAX_HEADER_BYTES = 10 * 1024;

  /** More headers than any client sends; past it the answer is 431, as past the size. */
  static final int MAX_HEADERS = 100;

  /** API Gateway's payload limit: a larger body is answered 413 before any function sees it. */
  static final int MAX_BODY_BYTES = 10 * 1024 * 1024;

  /**
   * What the decoder reads before it gives up; the checks above answer long before, with problems.
   */
  private static final int MAX_READ_LINE = 256 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<HttpRoute> routes;
  private final Map<String, ScheduleTrigger> schedules;
  private final EventLoopGroup acceptor =
      new NioEventLoopGroup(1, new DefaultThreadFactory("front-door-accept", true));
  private final EventLoopGroup connections =
      new NioEventLoopGroup(2, new DefaultThreadFactory("front-door", true));
  private final Channel server;

  FrontDoor(int port, List<HttpRoute> routes, List<ScheduleTrigger> schedules)
      throws java.io.IOException {
    this.routes = new ArrayList<>(routes);
    this.routes.sort(Comparator.comparingInt(HttpRoute::specificity).reversed());
    this.schedules = new TreeMap<>();
    schedules.forEach(schedule -> this.schedules.put(schedule.key(), schedule));
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(acceptor, connections)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 128)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    channel
                        .pipeline()
                        .addLast(
                            // Header values are checked here, to answer 400 problem+json naming the
                            // header.
                            new HttpServerCodec(
                                new HttpDecoderConfig()
                                    .setValidateHeaders(false)
                                    .setMaxInitialLineLength(MAX_READ_LINE)
                                    .setMaxHeaderSize(MAX_READ_LINE)),
                            new HttpObjectAggregator(MAX_BODY_BYTES),
                            new Exchanges());
                  }
                });
    try {
      this.server =
          bootstrap
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
              .sync()
              .channel();
    } catch (Exception e) {
      close();
      throw new java.io.IOException("the front door cannot listen on port " + port, e);
    }
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /**
   * One connection's requests, answered in the order they came (a client may pipeline) and each as
   * soon as its function has answered, without holding a thread while it waits.
   */
  private final class Exchanges extends SimpleChannelInboundHandler<FullHttpRequest> {
    private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

    @Override
    protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
      Channel channel = context.channel();
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      CompletableFuture<ApiGatewayEvents.Response> answer;
      try {
        answer = answer(request, channel::isActive, (InetSocketAddress) channel.remoteAddress());
      } catch (RuntimeException e) {
        answer =
            CompletableFuture.completedFuture(
                problem(
                    500,
                    "front-door-error",
                    "kaiten-local could not pass the request on: " + e,
                    null));
      }
      CompletableFuture<ApiGatewayEvents.Response> answered = answer;
      previous =
          previous
              .exceptionally(failure -> null)
              .thenCompose(done -> answered)
              .thenAccept(
                  response ->
                      channel.eventLoop().execute(() -> write(channel, response, keepAlive)));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      context.close(); // a reset connection: nobody is left to answer
    }
  }

  private CompletableFuture<ApiGatewayEvents.Response> answer(
      FullHttpRequest request, BooleanSupplier clientThere, InetSocketAddress client) {
    if (request.decoderResult().isFailure()) {
      return CompletableFuture.completedFuture(undecodable(request.decoderResult().cause()));
    }
    URI uri;
    try {
      uri = new URI(request.uri());
    } catch (URISyntaxException e) {
      return CompletableFuture.completedFuture(
          problem(400, "invalid-input", "the request target is not a URI", "path"));
    }
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    request
        .headers()
        .forEach(
            header ->
                headers
                    .computeIfAbsent(header.getKey(), name -> new ArrayList<>())
                    .add(header.getValue()));
    Optional<ApiGatewayEvents.Response> refused = refusedAtTheDoor(uri, headers);
    if (refused.isPresent()) {
      return CompletableFuture.completedFuture(refused.get());
    }
    String method = request.method().name();
    String path = uri.getPath();
    if (path.equals(SCHEDULES) || path.startsWith(SCHEDULES + "/")) {
      return schedule(method, path);
    }
    Optional<Map.Entry<HttpRoute, Map<String, String>>> match = route(method, path);
    if (match.isEmpty()) {
      return CompletableFuture.completedFuture(
          problem(404, "not-found", "no route for " + method + " " + path, null));
    }
    HttpRoute route = match.get().getKey();
    var event =
        new ApiGatewayEvents.Request(
            method,
            uri,
            headers,
            ByteBufUtil.getBytes(request.content()),
            client.getAddress().getHostAddress());
    LocalFunction function = route.function();
    return function
        .invoke(ApiGatewayEvents.request(route, match.get().getValue(), event), clientThere)
        .thenApply(ApiGatewayEvents::response)
        .exceptionally(failure -> failed(function, failure));
  }

  /**
   * What the decoder could not read: a request line or headers past any limit, or no HTTP at all.
   */
  private static ApiGatewayEvents.Response undecodable(Throwable cause) {
    if (cause instanceof TooLongHttpHeaderException) {
      return problem(
          431,
          "headers-too-large",
          "the request's headers exceed " + MAX_HEADER_BYTES + " bytes",
          null);
    }
    if (cause instanceof TooLongHttpLineException || cause instanceof TooLongFrameException) {
      return problem(
          414, "uri-too-long", "the request line exceeds " + MAX_READ_LINE + " bytes", "path");
    }
    return problem(
        400, "invalid-input", "the request is not HTTP/1.1: " + cause.getMessage(), null);
  }

  /**
   * What API Gateway refuses before any function sees it, answered as problem+json: headers past
   * its size (431), a header value holding control characters (400 naming the header), and dot
   * segments in the path (400): {@code /entitlements/../usage} is not routed as {@code /usage}.
   */
  private static Optional<ApiGatewayEvents.Response> refusedAtTheDoor(
      URI uri, Map<String, List<String>> headers) {
    int count = 0;
    long bytes = uri.getRawPath() == null ? 0 : uri.getRawPath().length();
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      for (String value : header.getValue()) {
        count++;
        bytes += header.getKey().length() + value.length() + 4;
        if (value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
          return Optional.of(
              problem(
                  400,
                  "invalid-input",
                  "the " + header.getKey() + " header holds control characters",
                  header.getKey()));
        }
      }
    }
    if (count > MAX_HEADERS || bytes > MAX_HEADER_BYTES) {
      return Optional.of(
          problem(
              431,
              "headers-too-large",
              "the request has "
                  + count
                  + " headers of "
                  + bytes
                  + " bytes; at most "
                  + MAX_HEADERS
                  + " headers and "
                  + MAX_HEADER_BYTES
                  + " bytes are taken",
              null));
    }
    if (uri.getRawPath() == null) {
      return Optional.of(problem(400, "invalid-input", "the request target has no path", "path"));
    }
    for (String segment : uri.getRawPath().split("/", -1)) {
      String plain = segment.replaceAll("(?i)%2e", ".");
      if (plain.equals(".") || plain.equals("..")) {
        return Optional.of(
            problem(400, "invalid-input", "the path must not hold '.' or '..' segments", "path"));
      }
    }
    return Optional.empty();
  }

  /**
   * {@code GET /_local/schedules} lists the schedules; {@code POST
   * /_local/schedules/{function}/{event}} fires one now and answers with what the function
   * returned.
   */
  private CompletableFuture<ApiGatewayEvents.Response> schedule(String method, String fullPath) {
    String path = fullPath.replaceFirst("^" + SCHEDULES + "/?", "");
    if (path.isEmpty() && method.equals("GET")) {
      try {
        return CompletableFuture.completedFuture(
            new ApiGatewayEvents.Response(
                200,
                Map.of("Content-Type", List.of("application/json")),
                JSON.writeValueAsBytes(schedules.keySet())));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    ScheduleTrigger schedule = schedules.get(path);
    if (schedule == null || !method.equals("POST")) {
      return CompletableFuture.completedFuture(
          problem(
              404, "not-found", "no schedule " + path + "; there are " + schedules.keySet(), null));
    }
    return schedule
        .fire()
        .thenApply(
            answer ->
                new ApiGatewayEvents.Response(
                    200,
                    Map.of("Content-Type", List.of("application/json")),
                    answer.getBytes(StandardCharsets.UTF_8)))
        .exceptionally(failure -> failed(schedule.function(), failure));
  }

  /** A function's failure as problem+json: 504 when it timed out, else 502. */
  private static ApiGatewayEvents.Response failed(LocalFunction function, Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    FunctionFailure functionFailure =
        cause instanceof FunctionFailure f
            ? f
            : new FunctionFailure(FunctionFailure.Kind.ERROR, String.valueOf(cause));
    boolean timedOut = functionFailure.kind() == FunctionFailure.Kind.TIMED_OUT;
    return problem(
        timedOut ? 504 : 502,
        timedOut ? "function-timeout" : "function-failed",
        function.name() + ": " + functionFailure.getMessage(),
        null);
  }

  /** The function a request would reach. */
  Optional<LocalFunction> functionFor(String method, String path) {
    return route(method, path).map(match -> match.getKey().function());
  }

  private Optional<Map.Entry<HttpRoute, Map<String, String>>> route(String method, String path) {
    for (HttpRoute route : routes) {
      Optional<Map<String, String>> parameters = route.match(method, path);
      if (parameters.isPresent()) {
        return Optional.of(Map.entry(route, parameters.get()));
      }
    }
    return Optional.empty();
  }

  private static void write(
      Channel channel, ApiGatewayEvents.Response response, boolean keepAlive) {
    if (!channel.isActive()) {
      return; // the client has gone: its answer has nowhere to go
    }
    boolean noBody =
        response.body().length == 0 || response.status() == 204 || response.status() == 304;
    FullHttpResponse out =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(response.status()),
            noBody ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.body()));
    response
        .headers()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase("content-length")
                  && !name.equalsIgnoreCase("transfer-encoding")) {
                values.forEach(value -> out.headers().add(name, value));
              }
            });
    out.headers()
        .set(
            HttpHeaderNames.DATE,
            DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
    if (response.status() != 204 && response.status() != 304) {
      out.headers().set(HttpHeaderNames.CONTENT_LENGTH, noBody ? 0 : response.body().length);
    }
    if (!keepAlive) {
      out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      channel.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.writeAndFlush(out);
    }
  }

  /**
   * @param field the header or part of the request at fault, or null
   */
  static ApiGatewayEvents.Response problem(int status, String type, String detail, String field) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("type", "https://kaiten.sh/problems/" + type);
    body.put("title", type.replace('-', ' '));
    body.put("status", status);
    body.put("detail", detail);
    if (field != null) {
      body.put("field", field);
    }
    return new ApiGatewayEvents.Response(
        status,
        Map.of("Content-Type", List.of("application/problem+json")),
        body.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    acceptor.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    connections.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
  }
}
