package sh.kaiten.adapters.dynamodb;

import sh.kaiten.domain.metering.CounterKey;

/**
 * The one place that knows the key layout of every table.
 *
 * <pre>
 * Catalog  pk = TENANT#{tenant}                 sk = TENANT | ENTITLEMENT#{slug} | TIER#{slug}
 *                                                    | CUSTOMER#{id} | LICENSE#{id} | INSTANCE#{id}
 * Tokens   token_hash = sha256(secret)
 * Usage    pk = COUNTER#{tenant}#{entitlement}#{holder}   sk = PERIOD#{period start | lifetime}
 * </pre>
 *
 * Every catalog key starts with the tenant, so no read can cross tenants.
 */
final class Keys {
  static final String PK = "pk";
  static final String SK = "sk";
  static final String TOKEN_HASH = "token_hash";

  static final String TENANT_RECORD = "TENANT";
  static final String ENTITLEMENT = "ENTITLEMENT#";
  static final String TIER = "TIER#";
  static final String CUSTOMER = "CUSTOMER#";
  static final String LICENSE = "LICENSE#";
  static final String INSTANCE = "INSTANCE#";

  private Keys() {}

  static String tenant(String tenantId) {
    return "TENANT#" + tenantId;
  }

  static String counter(CounterKey key) {
    return "COUNTER#" + key.tenantId() + "#" + key.entitlement() + "#" + key.holder();
  }

  static String period(CounterKey key) {
    return "PERIOD#" + key.period();
  }

  /** A crossing marker sits beside its counter: same partition, one item per period and threshold. */
  static String crossing(CounterKey key, int percent) {
    return "CROSSING#" + key.period() + "#" + percent;
  }
}
