package sh.kaiten.domain.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.outbox.AcceptedReport;

class MeterIdentifiersTest {
  private static final Instant AT = Instant.parse("2026-11-25T12:00:00Z");

  private static AcceptedReport report(String tenant, String reportId, String entitlement) {
    return new AcceptedReport(tenant, reportId, entitlement, BigDecimal.ONE, AT);
  }

  @Test
  void theIdentifierDependsOnWhatTheReportIsNotOnItsValueOrTime() {
    AcceptedReport report = report("tnt_1", "aud_1", "api-calls");
    AcceptedReport resent =
        new AcceptedReport("tnt_1", "aud_1", "api-calls", BigDecimal.TEN, AT.plusSeconds(9));

    assertThat(MeterIdentifiers.ofReport(resent)).isEqualTo(MeterIdentifiers.ofReport(report));
  }

  @Test
  void differentReportsHaveDifferentIdentifiersEvenWhenTheirPartsJoinAlike() {
    assertThat(MeterIdentifiers.ofReport(report("tnt_1", "a#b", "c")))
        .isNotEqualTo(MeterIdentifiers.ofReport(report("tnt_1", "a", "b#c")))
        .isNotEqualTo(MeterIdentifiers.ofReport(report("tnt_2", "a#b", "c")));
  }

  @Test
  void longPartsStillMakeAnIdentifierStripeTakes() {
    String identifier = MeterIdentifiers.ofReport(report("t".repeat(200), "k".repeat(300), "e"));

    assertThat(identifier).hasSize(67).matches("kr_[0-9a-f]{64}");
  }
}
