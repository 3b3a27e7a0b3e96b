package sh.kaiten.domain.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import sh.kaiten.domain.license.LicenseStatus;

/**
 * A license as a caller writes it; overrides are raw JSON until checked against each entitlement's
 * type.
 */
public record LicenseDraft(
    String customerId,
    String tier,
    LicenseStatus status,
    Instant startsAt,
    Instant trialEndsAt,
    Instant expiresAt,
    Map<String, JsonNode> overrides) {}
