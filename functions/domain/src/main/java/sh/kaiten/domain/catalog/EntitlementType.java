package sh.kaiten.domain.catalog;

/** The three entitlement primitives. */
public enum EntitlementType {
  /** A feature gate: granted or not. */
  BOOLEAN,
  /** A metered quota: a limit, or unlimited. */
  NUMERIC,
  /** A structured JSON payload, typed by a JSON Schema held on the entitlement. */
  CONFIG
}
