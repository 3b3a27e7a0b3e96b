package sh.kaiten.domain.license;

import java.time.Instant;

/** A vendor using Kaiten. Every other record belongs to exactly one tenant. */
public record Tenant(String id, String name, Instant createdAt) {}
