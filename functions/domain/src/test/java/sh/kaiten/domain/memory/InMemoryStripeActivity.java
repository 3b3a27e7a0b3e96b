package sh.kaiten.domain.memory;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.billing.StripeActivity;
import sh.kaiten.domain.billing.StripeConnectorStatus;

/** Stripe activity in memory, for unit tests. */
public final class InMemoryStripeActivity implements StripeActivity {
  private static final Activity NONE = new Activity(null, 0, null, null, 0, null, null);
  private final Map<String, Activity> activity = new ConcurrentHashMap<>();

  @Override
  public synchronized void sent(String tenantId, int events, Instant newestReport, Instant at) {
    Activity was = activity.getOrDefault(tenantId, NONE);
    activity.put(
        tenantId,
        new Activity(
            at,
            was.sent() + events,
            newestReport,
            newestReport,
            was.errors(),
            was.lastError(),
            was.lastErrorAt()));
  }

  @Override
  public synchronized void failed(
      String tenantId, String reason, Instant newestReport, Instant at) {
    Activity was = activity.getOrDefault(tenantId, NONE);
    activity.put(
        tenantId,
        new Activity(
            was.lastSentAt(),
            was.sent(),
            was.lastReportSentAt(),
            newestReport,
            was.errors() + 1,
            StripeConnectorStatus.bounded(reason),
            at));
  }

  @Override
  public Optional<Activity> find(String tenantId) {
    return Optional.ofNullable(activity.get(tenantId));
  }
}
