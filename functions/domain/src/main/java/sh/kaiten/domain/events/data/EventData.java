package sh.kaiten.domain.events.data;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import sh.kaiten.domain.catalog.Entitlement;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.metering.CounterKey;

/**
 * The {@code data} of events: for control-plane events the object as it stands after the change,
 * for usage events the counter they are about.
 */
public final class EventData {
  private EventData() {}

  public static ObjectNode of(License license) {
    ObjectNode data = object();
    data.put("license_id", license.id());
    data.put("customer_id", license.customerId());
    data.put("tier", license.tier());
    data.put("status", license.status().name());
    putInstant(data, "starts_at", license.startsAt());
    putInstant(data, "trial_ends_at", license.trialEndsAt());
    putInstant(data, "expires_at", license.expiresAt());
    return data;
  }

  public static ObjectNode of(Entitlement entitlement) {
    ObjectNode data = object();
    data.put("entitlement", entitlement.slug());
    data.put("type", entitlement.type().name());
    return data;
  }

  public static ObjectNode of(Tier tier) {
    ObjectNode data = object();
    data.put("tier", tier.slug());
    data.put("rank", tier.rank());
    return data;
  }

  public static ObjectNode of(Customer customer) {
    ObjectNode data = object();
    data.put("customer_id", customer.id());
    data.put("name", customer.name());
    return data;
  }

  public static ObjectNode of(Instance instance) {
    ObjectNode data = object();
    data.put("instance_id", instance.id());
    data.put("license_id", instance.licenseId());
    return data;
  }

  /**
   * The counter's holder ({@code instance_id} or {@code license_id}, for a license's pool) and
   * entitlement.
   */
  public static ObjectNode of(CounterKey counter) {
    ObjectNode data = object();
    data.put(counter.holderKind() + "_id", counter.holderId());
    data.put("entitlement", counter.entitlement());
    return data;
  }

  private static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  private static void putInstant(ObjectNode data, String field, Instant value) {
    if (value == null) {
      data.putNull(field);
    } else {
      data.put(field, value.toString());
    }
  }
}
