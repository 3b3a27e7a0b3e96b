package sh.kaiten.local;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One event handed to a function through the Runtime API, and the answer it will get. Its
 * {@code timeout} runs from the moment the function takes it, as on Lambda: a cold start's init
 * does not count against it.
 */
record Invocation(String requestId, String payload, Duration timeout, CompletableFuture<String> result) {}
