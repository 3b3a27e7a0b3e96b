package sh.kaiten.domain.access;

/** What a token may do: manage its tenant, or evaluate and report for one instance. */
public enum TokenScope {
  ADMIN,
  INSTANCE
}
