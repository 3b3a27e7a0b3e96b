package sh.kaiten.domain.license;

import java.time.Instant;
import java.util.Map;
import sh.kaiten.domain.catalog.Text;

/** A tenant's customer: who holds licenses. */
public record Customer(
    String id, String name, Map<String, String> metadata, Instant createdAt, Instant updatedAt) {

  /** A customer as first written. */
  public Customer(String id, String name, Map<String, String> metadata, Instant createdAt) {
    this(id, name, metadata, createdAt, createdAt);
  }

  public Customer {
    // Bounded where input enters (Administration), so a customer stored before a bound was set
    // still loads.
    Text.required("name", name);
    metadata = metadata == null ? Map.of() : Map.copyOf(Text.strings("metadata", metadata));
  }
}
