package sh.kaiten.domain.billing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import sh.kaiten.domain.billing.MeterEventGateway.Answer;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemorySentLedger;
import sh.kaiten.domain.memory.InMemoryStripeConnectors;
import sh.kaiten.domain.metering.SettableClock;

/**
 * Stripe as the billing use cases' tests see it: every call recorded, each answered from the script
 * while it lasts and accepted after, through one delivery on the test's clock (its backoff moves
 * the clock instead of waiting).
 */
final class RecordedStripe {
  final List<MeterEvent> calls = new ArrayList<>();
  final Deque<Answer> script = new ArrayDeque<>();
  final MeterEventDelivery delivery;

  RecordedStripe(SettableClock clock) {
    delivery =
        new MeterEventDelivery(
            event -> {
              calls.add(event);
              return script.isEmpty() ? new Answer.Accepted() : script.poll();
            },
            new InMemorySentLedger(),
            clock,
            clock::advance,
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30)),
            3,
            Duration.ofMinutes(1),
            new Random(7));
  }

  /**
   * What a {@code last} meter of the customer holds after these calls, as Stripe sums it up: the
   * value of the event with the latest timestamp, to the second (the latest call among equals);
   * null without any. Calls Stripe did not accept count as well: the tests script none for it.
   */
  Long last(String customer, String eventName) {
    MeterEvent last = null;
    for (MeterEvent event : calls) {
      if (event.stripeCustomerId().equals(customer)
          && event.eventName().equals(eventName)
          && (last == null
              || event.timestamp().getEpochSecond() >= last.timestamp().getEpochSecond())) {
        last = event;
      }
    }
    return last == null ? null : last.value();
  }

  /** The sync of the catalog's usage through this Stripe, for tenants with a key. */
  BillingSync sync(InMemoryStripeConnectors connectors, InMemoryCatalog catalog) {
    return new BillingSync(
        connectors,
        tenant -> connectors.stripeKey(tenant).map(key -> delivery),
        catalog,
        catalog,
        catalog);
  }
}
