package sh.kaiten.sdk;

/** The kinds of entitlement: a feature gate, a metered quota, a typed JSON payload. */
public enum EntitlementType {
  BOOLEAN,
  NUMERIC,
  CONFIG
}
