package sh.kaiten.domain.events;

import java.util.Optional;

/** The event catalog (DESIGN.md §6), by wire name. */
public enum EventType {
  CUSTOMER_CREATED("customer.created"),
  CUSTOMER_UPDATED("customer.updated"),
  CUSTOMER_DELETED("customer.deleted"),
  INSTANCE_CREATED("instance.created"),
  INSTANCE_UPDATED("instance.updated"),
  INSTANCE_DELETED("instance.deleted"),
  LICENSE_CREATED("license.created"),
  LICENSE_UPDATED("license.updated"),
  LICENSE_DELETED("license.deleted"),
  LICENSE_UPGRADED("license.upgraded"),
  LICENSE_DOWNGRADED("license.downgraded"),
  LICENSE_SUSPENDED("license.suspended"),
  LICENSE_REACTIVATED("license.reactivated"),
  LICENSE_EXPIRED("license.expired"),
  TRIAL_ENDING_SOON("trial.ending_soon"),
  TRIAL_EXPIRED("trial.expired"),
  TRIAL_CONVERTED("trial.converted"),
  ENTITLEMENT_CREATED("entitlement.created"),
  ENTITLEMENT_UPDATED("entitlement.updated"),
  ENTITLEMENT_DELETED("entitlement.deleted"),
  TIER_CREATED("tier.created"),
  TIER_UPDATED("tier.updated"),
  TIER_DELETED("tier.deleted"),
  USAGE_THRESHOLD_REACHED("usage.threshold_reached"),
  USAGE_LIMIT_REACHED("usage.limit_reached"),
  USAGE_LIMIT_EXCEEDED("usage.limit_exceeded"),
  USAGE_REPORT_REJECTED("usage.report_rejected"),
  USAGE_PERIOD_CLOSED("usage.period_closed"),
  BILLING_RECONCILIATION_MISMATCH("billing.reconciliation_mismatch"),
  BILLING_RECONCILIATION_METER_MISMATCH("billing.reconciliation_meter_mismatch"),
  WEBHOOK_TEST("webhook.test");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The type a wire name names, if the catalog has it. */
  public static Optional<EventType> fromWireName(String wireName) {
    for (EventType type : values()) {
      if (type.wireName.equals(wireName)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
