package sh.kaiten.domain.closing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * What every {@link ClosedPeriods} does, on the in-memory port and the DynamoDB adapter alike: a
 * closed period kept once however often recorded, and read back by tenant and period end, in order,
 * a page at a time.
 */
public abstract class ClosedPeriodsContract {
  protected abstract ClosedPeriods closed();

  private static final Instant DEC_1 = Instant.parse("2026-12-01T00:00:00Z");
  private static final Instant DEC_2 = Instant.parse("2026-12-02T00:00:00Z");
  private static final Instant DEC_3 = Instant.parse("2026-12-03T00:00:00Z");
  private final String tenant = "ten_closed_" + System.nanoTime();

  private ClosedPeriod period(
      String holder, String entitlement, Instant start, Instant end, String usage) {
    return new ClosedPeriod(
        tenant, holder, entitlement, Aggregation.MAX, start, end, new BigDecimal(usage));
  }

  @Test
  void periodsEndingInTheRangeAreReadByEndThenEntitlementAndHolder() {
    ClosedPeriod novemberSeats =
        period("instance:acme-prod", "seats", Instant.parse("2026-11-01T00:00:00Z"), DEC_1, "12");
    ClosedPeriod dayStorage = period("license:lic_1", "storage-gb", DEC_1, DEC_2, "2.5");
    ClosedPeriod dayCpus = period("instance:beta-prod", "cpus", DEC_1, DEC_2, "8");
    ClosedPeriod daySeats = period("instance:acme-prod", "seats", DEC_1, DEC_2, "14");
    ClosedPeriod nextDay = period("instance:acme-prod", "seats", DEC_2, DEC_3, "15");
    for (ClosedPeriod closed : List.of(nextDay, dayStorage, novemberSeats, daySeats, dayCpus)) {
      closed().record(closed);
    }
    closed()
        .record(
            new ClosedPeriod(
                tenant + "_other",
                "instance:acme-prod",
                "seats",
                Aggregation.MAX,
                DEC_1,
                DEC_2,
                BigDecimal.ONE));

    assertThat(all(DEC_1.plusSeconds(1), DEC_2.plusSeconds(1)))
        .containsExactly(dayCpus, daySeats, dayStorage);
    assertThat(all(DEC_1, DEC_2)).containsExactly(novemberSeats);
    assertThat(all(DEC_1, DEC_3.plusMillis(1)))
        .containsExactly(novemberSeats, dayCpus, daySeats, dayStorage, nextDay);
    assertThat(all(DEC_3.plusMillis(1), DEC_3.plusSeconds(60))).isEmpty();
  }

  @Test
  void aCloseRecordedAgainIsKeptOnce() {
    ClosedPeriod seats = period("instance:acme-prod", "seats", DEC_1, DEC_2, "14");
    closed().record(seats);
    closed().record(seats);

    assertThat(all(DEC_1, DEC_3)).containsExactly(seats);
  }

  @Test
  void pagesFollowEachOtherWithoutGapOrRepeat() {
    List<ClosedPeriod> recorded = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ClosedPeriod closed = period("instance:i" + i, "seats", DEC_1, DEC_2, String.valueOf(i));
      closed().record(closed);
      recorded.add(closed);
    }

    Page<ClosedPeriod> first = closed().endingIn(tenant, DEC_1, DEC_3, new PageRequest(null, 2));
    Page<ClosedPeriod> second =
        closed().endingIn(tenant, DEC_1, DEC_3, new PageRequest(first.nextCursor(), 2));
    Page<ClosedPeriod> third =
        closed().endingIn(tenant, DEC_1, DEC_3, new PageRequest(second.nextCursor(), 2));

    assertThat(first.items()).containsExactlyElementsOf(recorded.subList(0, 2));
    assertThat(second.items()).containsExactlyElementsOf(recorded.subList(2, 4));
    assertThat(third.items()).containsExactlyElementsOf(recorded.subList(4, 5));
    assertThat(third.nextCursor()).isNull();
  }

  private List<ClosedPeriod> all(Instant from, Instant to) {
    return Page.all(page -> closed().endingIn(tenant, from, to, page));
  }
}
