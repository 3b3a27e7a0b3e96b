package sh.kaiten.http;

import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.core.Application;

/**
 * The JAX-RS application of every HTTP function: its resources and filters run on the thread that
 * took the request (the event loop of Quarkus' Lambda HTTP adapter), not on a worker they would be
 * handed to and back from. A Lambda environment works on one request at a time, so a DynamoDB call
 * that waits on that thread holds up nothing else, and each request saves two thread hand-offs
 * (measured in BENCHMARKS.md, http-throughput).
 */
@NonBlocking
public class KaitenApi extends Application {}
