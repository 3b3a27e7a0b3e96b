package sh.kaiten.local;

import java.util.concurrent.CompletableFuture;

/** One event handed to a function through the Runtime API, and the answer it will get. */
record Invocation(String requestId, String payload, long deadlineEpochMs, CompletableFuture<String> result) {}
