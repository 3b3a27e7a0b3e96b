package sh.kaiten.local;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * One event handed to a function through the Runtime API, and the answer it will get. Its {@code
 * timeout} runs from the moment the function takes it, as on Lambda: a cold start's init does not
 * count against it. {@code wanted} says whether anyone still waits for the answer (an HTTP client
 * that hung up does not): an unwanted invocation is dropped before it starts, never run.
 */
record Invocation(
    String requestId,
    String payload,
    Duration timeout,
    BooleanSupplier wanted,
    CompletableFuture<String> result) {}
