package sh.kaiten.sdk;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything a client tells its listeners about delivery, in order, and how often the snapshot
 * changed.
 */
final class RecordingListener implements KaitenListener {
  final List<RejectedReport> rejected = new CopyOnWriteArrayList<>();
  final List<RefusedReport> refused = new CopyOnWriteArrayList<>();
  final List<DeliveryFailure> failures = new CopyOnWriteArrayList<>();
  final AtomicInteger recoveries = new AtomicInteger();
  final List<Long> spoolFull = new CopyOnWriteArrayList<>();
  final AtomicInteger snapshotChanges = new AtomicInteger();

  @Override
  public void snapshotChanged(java.util.Set<String> entitlements) {
    snapshotChanges.incrementAndGet();
  }

  @Override
  public void reportRejected(RejectedReport report) {
    rejected.add(report);
  }

  @Override
  public void reportRefused(RefusedReport report) {
    refused.add(report);
  }

  @Override
  public void deliveryFailing(DeliveryFailure failure) {
    failures.add(failure);
  }

  @Override
  public void deliveryRecovered() {
    recoveries.incrementAndGet();
  }

  @Override
  public void spoolFull(long queued) {
    spoolFull.add(queued);
  }
}
