package sh.kaiten.domain.billing;

import java.time.Instant;
import java.util.Objects;

/**
 * One Stripe meter event, as sent: what {@code POST /v1/billing/meter_events} takes.
 *
 * @param identifier Stripe's dedup key, fixed by what the event stands for ({@link
 *     MeterIdentifiers}), so every retry of it carries the same one
 * @param eventName the meter's {@code event_name}
 * @param stripeCustomerId {@code payload[stripe_customer_id]}
 * @param value {@code payload[value]}, a whole number
 * @param timestamp when the usage happened (Stripe keeps it to seconds)
 */
public record MeterEvent(
    String identifier, String eventName, String stripeCustomerId, long value, Instant timestamp) {
  public MeterEvent {
    Objects.requireNonNull(identifier, "identifier");
    Objects.requireNonNull(eventName, "eventName");
    Objects.requireNonNull(stripeCustomerId, "stripeCustomerId");
    Objects.requireNonNull(timestamp, "timestamp");
    if (identifier.isEmpty() || identifier.length() > MeterMapping.MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("an identifier is 1 to 100 characters: " + identifier);
    }
  }

  /**
   * The meter events of one customer on one meter go one at a time: Stripe takes one concurrent
   * call per customer per meter.
   */
  public record Lane(String stripeCustomerId, String eventName) {}

  public Lane lane() {
    return new Lane(stripeCustomerId, eventName);
  }
}
