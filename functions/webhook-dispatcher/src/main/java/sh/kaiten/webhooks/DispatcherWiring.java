package sh.kaiten.webhooks;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import sh.kaiten.domain.auditing.Auditing;
import sh.kaiten.domain.crm.CrmConnectors;
import sh.kaiten.domain.crm.CrmPushes;
import sh.kaiten.domain.webhooks.DeliveryQueue;
import sh.kaiten.domain.webhooks.RetrySchedule;
import sh.kaiten.domain.webhooks.WebhookDispatch;
import sh.kaiten.domain.webhooks.WebhookStore;
import sh.kaiten.domain.webhooks.WebhookTransport;
import sh.kaiten.runtime.KaitenConfig;

/** Builds the use case this function serves. */
public class DispatcherWiring {
  /** Each retry delay is scaled by a random factor in [0.8, 1.2]. */
  static final double JITTER = 0.2;

  @Produces
  @Singleton
  WebhookDispatch dispatch(
      WebhookStore store,
      DeliveryQueue queue,
      WebhookTransport transport,
      Clock clock,
      KaitenConfig config,
      Auditing audit,
      CrmConnectors crm) {
    return new WebhookDispatch(
        store,
        queue,
        transport,
        new RetrySchedule(config.webhooks().retryDelays(), JITTER),
        clock,
        () -> ThreadLocalRandom.current().nextDouble(),
        audit,
        CrmPushes.targets(crm));
  }
}
