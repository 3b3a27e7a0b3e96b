package sh.kaiten.domain.license;

import java.time.Instant;
import java.util.Map;
import sh.kaiten.domain.error.InvalidInputException;

/** A tenant's customer: who holds licenses. */
public record Customer(String id, String name, Map<String, String> metadata, Instant createdAt, Instant updatedAt) {

  /** A customer as first written. */
  public Customer(String id, String name, Map<String, String> metadata, Instant createdAt) {
    this(id, name, metadata, createdAt, createdAt);
  }

  public Customer {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("name", "name is required");
    }
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }
}
