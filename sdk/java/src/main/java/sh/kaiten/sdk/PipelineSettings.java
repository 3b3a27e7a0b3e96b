package sh.kaiten.sdk;

import java.nio.file.Path;
import java.time.Duration;

/** How the usage pipeline ships reports; set through {@link KaitenClient.Builder}. */
final class PipelineSettings {
  /** Null: reports are queued in memory only. */
  Path spoolDirectory;

  /** The most the spool may hold on disk; past it {@link KaitenListener#spoolFull} is told. */
  long maxSpoolBytes = 256L * 1024 * 1024;

  /** A batch leaves at least this often while reports wait. */
  Duration flushInterval = Duration.ofSeconds(1);

  /** ... or as soon as this many reports wait. */
  int batchTrigger = 100;

  /** The batch endpoint's maximum reports per request. */
  int maxBatch = 1000;

  /**
   * Backoff after a failed delivery: from this, doubling, with full jitter, up to {@link
   * #maxBackoff}.
   */
  Duration initialBackoff = Duration.ofMillis(500);

  Duration maxBackoff = Duration.ofSeconds(60);

  /** How long {@code close} keeps delivering before it stops the sender. */
  Duration closeTimeout = Duration.ofSeconds(5);
}
