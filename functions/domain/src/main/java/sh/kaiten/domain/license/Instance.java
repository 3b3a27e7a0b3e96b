package sh.kaiten.domain.license;

import java.time.Instant;
import java.util.Map;
import sh.kaiten.domain.catalog.Slugs;
import sh.kaiten.domain.catalog.Text;

/**
 * A running deployment of the vendor's software, identified by a vendor-chosen id like {@code
 * acme-prod}. It stays with the license it was created under; its name and labels may change.
 */
public record Instance(
    String id,
    String licenseId,
    String name,
    Map<String, String> labels,
    Instant createdAt,
    Instant updatedAt) {

  /** An instance as first written. */
  public Instance(
      String id, String licenseId, String name, Map<String, String> labels, Instant createdAt) {
    this(id, licenseId, name, labels, createdAt, createdAt);
  }

  public Instance {
    Slugs.require("id", id);
    // Bounded where input enters (Administration), so an instance stored before a bound was set
    // still loads.
    name = name == null || name.isBlank() ? id : name;
    labels = labels == null ? Map.of() : Map.copyOf(Text.strings("labels", labels));
  }
}
