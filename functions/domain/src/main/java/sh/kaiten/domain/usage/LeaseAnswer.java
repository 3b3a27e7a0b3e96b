package sh.kaiten.domain.usage;

import java.math.BigDecimal;
import java.time.Instant;
import sh.kaiten.domain.evaluation.Reason;
import sh.kaiten.domain.metering.Period;

/**
 * The answer to a lease request or a release, with where the counter stands after it.
 *
 * @param leaseId null when nothing was granted
 * @param requested what was asked for (a grant); null for a release
 * @param granted what the lease holds, 0 to {@code requested} (a grant); null for a release
 * @param released the unused units returned to the pool (a release); null for a grant
 * @param expiresAt when the lease ends; null when nothing was granted, and for a release
 * @param limit null for unlimited
 * @param leased the units of every live lease of the counter, this one included
 * @param available what is left for grants and plain reports; null for unlimited
 * @param reason why nothing was granted (LIMIT_REACHED, or the license's reason); null otherwise
 */
public record LeaseAnswer(
    String leaseId,
    String entitlement,
    BigDecimal requested,
    BigDecimal granted,
    BigDecimal released,
    Instant expiresAt,
    BigDecimal limit,
    BigDecimal currentUsage,
    BigDecimal leased,
    BigDecimal available,
    Period period,
    Reason reason) {}
