package sh.kaiten.domain.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.audit.AuditRecord;
import sh.kaiten.domain.billing.BillingJob.Progress;
import sh.kaiten.domain.billing.TrailReplay.Result;
import sh.kaiten.domain.catalog.Aggregation;
import sh.kaiten.domain.catalog.Tier;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.License;
import sh.kaiten.domain.license.LicenseStatus;
import sh.kaiten.domain.memory.InMemoryAuditLog;
import sh.kaiten.domain.memory.InMemoryCatalog;
import sh.kaiten.domain.memory.InMemoryStripeConnectors;
import sh.kaiten.domain.metering.SettableClock;
import sh.kaiten.domain.outbox.AcceptedReport;
import sh.kaiten.domain.outbox.AcceptedUsage;
import sh.kaiten.domain.outbox.ChangeRecords;

class TrailReplayTest {
  private static final String TENANT = "ten_1";
  private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant END = Instant.parse("2026-12-01T00:00:00Z");
  private static final Instant CLOSED = END.plus(Duration.ofHours(24)).plusSeconds(30);

  private final SettableClock clock = new SettableClock(CLOSED.plusSeconds(5));
  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryStripeConnectors connectors = new InMemoryStripeConnectors();
  private final InMemoryAuditLog trail = new InMemoryAuditLog();
  private final RecordedStripe stripe = new RecordedStripe(clock);
  private final List<MeterEvent> calls = stripe.calls;
  private final List<BillingJob> queued = new ArrayList<>();
  private final BillingSync sync = stripe.sync(connectors, catalog);
  private final TrailReplay replay = new TrailReplay(connectors, trail, catalog, sync, queued::add);

  private static final MeterMapping CALLS =
      new MeterMapping("api-calls", "api_calls", BigDecimal.ONE, Aggregation.SUM);

  @BeforeEach
  void catalog() {
    catalog.createTier(TENANT, new Tier("pro", "Pro", 1, Map.of(), START), ChangeRecords.NONE);
    catalog.createCustomer(
        TENANT,
        new Customer("cus_acme", "Acme", Map.of("stripe_id", "cus_Stripe1"), START),
        ChangeRecords.NONE);
    for (String[] pair : new String[][] {{"lic_1", "acme-prod"}, {"lic_2", "acme-dev"}}) {
      license(pair[0], "cus_acme");
      catalog.createInstance(
          TENANT, new Instance(pair[1], pair[0], null, null, START), ChangeRecords.NONE);
    }
    connectors.put(
        new StripeConnector(TENANT, Map.of("api-calls", CALLS), "stripe_id", START, START));
    connectors.putStripeKey(TENANT, "rk_test_made_up");
  }

  private void license(String id, String customer) {
    catalog.createLicense(
        TENANT,
        new License(
            id, customer, "pro", LicenseStatus.ACTIVE, START, null, null, Map.of(), START, START),
        List.of(),
        ChangeRecords.NONE);
  }

  /** A single report's record, as usage-api writes it. */
  private AuditRecord single(
      String instance,
      Instant at,
      String entitlement,
      String value,
      String status,
      boolean replay) {
    return record(
        instance,
        at,
        entitlement,
        "{\"entitlement_slug\":\"" + entitlement + "\",\"value\":" + value + "}",
        "{\"status\":\"" + status + "\",\"replayed\":" + replay + "}");
  }

  /** A batch slice's record: its events, timestamped, and their results by index. */
  private AuditRecord batch(String instance, Instant at, int firstIndex, String... values) {
    StringBuilder events = new StringBuilder();
    StringBuilder results = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      String sep = i == 0 ? "" : ",";
      events
          .append(sep)
          .append(
              "{\"entitlement_slug\":\"api-calls\",\"value\":"
                  + values[i]
                  + ",\"timestamp\":\""
                  + at.minusSeconds(60)
                  + "\"}");
      results.append(sep).append("{\"status\":\"ACCEPTED\",\"index\":" + (firstIndex + i) + "}");
    }
    return record(
        instance,
        at,
        "api-calls",
        "{\"events\":[" + events + "]}",
        "{\"results\":[" + results + "]}");
  }

  private AuditRecord record(
      String instance, Instant at, String entitlement, String request, String result) {
    AuditRecord record =
        ReportRecords.of(
            TENANT,
            instance,
            at,
            entitlement,
            request,
            result,
            clock.instant().plus(Duration.ofDays(90)));
    trail.append(List.of(record));
    return record;
  }

  private BillingJob.PeriodFlush flush(String holder) {
    return new BillingJob.PeriodFlush(
        TENANT, holder, "api-calls", START, END, new BigDecimal("0"), CLOSED, Progress.START);
  }

  private static long total(List<MeterEvent> events) {
    return events.stream().mapToLong(MeterEvent::value).sum();
  }

  @Test
  void aClosedPeriodsFlushSendsEachCountedReportOfItThatLiveSyncHadNotSentAndNothingElse() {
    AuditRecord live =
        single("acme-prod", START.plusSeconds(10), "api-calls", "3", "ACCEPTED", false);
    batch("acme-prod", END.minusSeconds(5), 0, "4", "5"); // timestamped a minute earlier
    single("acme-prod", END.plusSeconds(3600), "api-calls", "100", "ACCEPTED", false); // December's
    single("acme-prod", START.plusSeconds(20), "api-calls", "7", "REJECTED", false);
    single("acme-prod", START.plusSeconds(30), "api-calls", "9", "ACCEPTED", true); // a replay
    single("acme-prod", START.plusSeconds(40), "storage", "11", "ACCEPTED", false);
    single("acme-dev", START.plusSeconds(50), "api-calls", "13", "ACCEPTED", false);
    // Live sync sent the first one; the batch's message never made it (dead-lettered, say).
    sync.sync(
        new AcceptedUsage(
            live.id(),
            TENANT,
            "acme-prod",
            List.of(
                new AcceptedReport(
                    TENANT, live.id() + "/0", "api-calls", BigDecimal.valueOf(3), live.at()))));
    calls.clear();

    Result result = replay.run(flush("instance:acme-prod"));

    assertThat(result)
        .isEqualTo(
            new Result.Finished(flush("instance:acme-prod").next(new Progress(null, 1, 3, 2, 1))));
    assertThat(calls).extracting(MeterEvent::value).containsExactlyInAnyOrder(4L, 5L);
    assertThat(calls).extracting(MeterEvent::timestamp).containsOnly(END.minusSeconds(65));
    assertThat(queued).isEmpty();

    calls.clear();
    assertThat(replay.run(flush("instance:acme-prod")))
        .isEqualTo(
            new Result.Finished(flush("instance:acme-prod").next(new Progress(null, 1, 3, 0, 3))));
    assertThat(calls).isEmpty();
  }

  @Test
  void aLicensePoolsFlushTakesTheReportsOfItsOwnInstancesOnly() {
    single("acme-prod", START.plusSeconds(10), "api-calls", "3", "ACCEPTED", false);
    single("acme-dev", START.plusSeconds(20), "api-calls", "13", "ACCEPTED", false);

    assertThat(replay.run(flush("license:lic_2"))).isInstanceOf(Result.Finished.class);
    assertThat(calls).extracting(MeterEvent::value).containsExactly(13L);
  }

  @Test
  void aJobOfManyRecordsGoesOnPageByPageThroughTheQueueCountingWhatItSent() {
    int records = TrailReplay.RECORDS_PER_RUN + 5;
    for (int i = 0; i < records; i++) {
      batch("acme-prod", START.plus(Duration.ofHours(i + 1)), 0, "1", "2");
    }

    Result first = replay.run(flush("instance:acme-prod"));
    assertThat(first).isInstanceOf(Result.Continued.class);
    BillingJob next = ((Result.Continued) first).next();
    assertThat(queued).containsExactly(next);
    assertThat(next.progress().cursor()).isNotNull();
    assertThat(next.progress())
        .extracting(Progress::pages, Progress::reports, Progress::sent)
        .containsExactly(1, 2 * TrailReplay.RECORDS_PER_RUN, 2 * TrailReplay.RECORDS_PER_RUN);

    Result last = replay.run(next);
    assertThat(last).isInstanceOf(Result.Finished.class);
    assertThat(((Result.Finished) last).job().progress())
        .isEqualTo(new Progress(null, 2, 2 * records, 2 * records, 0));
    assertThat(total(calls)).isEqualTo(3L * records);
    assertThat(calls).extracting(MeterEvent::identifier).doesNotHaveDuplicates();
  }

  @Test
  void aBackfillSendsEveryCountedReportTimedInItsRangeWhateverTheInstance() {
    single("acme-prod", START.minusSeconds(1), "api-calls", "1", "ACCEPTED", false);
    single("acme-prod", START.plusSeconds(10), "api-calls", "3", "ACCEPTED", false);
    single("acme-dev", START.plusSeconds(20), "api-calls", "13", "ACCEPTED", false);
    single("acme-dev", START.plusSeconds(30), "storage", "11", "ACCEPTED", false); // not mapped
    batch("acme-prod", END.plusSeconds(30), 3, "4", "5"); // timed before END, recorded after it

    BillingJob.Backfill backfill = new BillingJob.Backfill(TENANT, START, END, Progress.START);
    assertThat(replay.run(backfill))
        .isEqualTo(new Result.Finished(backfill.next(new Progress(null, 1, 5, 4, 0))));
    assertThat(total(calls)).isEqualTo(25);
    assertThat(calls)
        .extracting(MeterEvent::identifier)
        .contains(
            MeterIdentifiers.ofReport(
                new AcceptedReport(
                    TENANT,
                    trail.records.values().stream()
                            .filter(r -> r.request().contains("\"events\""))
                            .findFirst()
                            .orElseThrow()
                            .id()
                        + "/3",
                    "api-calls",
                    BigDecimal.ONE,
                    START)));
  }

  private static final MeterMapping PEAK =
      new MeterMapping("peak-seats", "peak_seats", BigDecimal.ONE, Aggregation.MAX);
  private static final MeterMapping LATEST =
      new MeterMapping("storage-gb", "storage_mb", new BigDecimal("1000"), Aggregation.LATEST);

  private BillingJob.PeriodFlush closed(String holder, String entitlement, String usage) {
    return new BillingJob.PeriodFlush(
        TENANT, holder, entitlement, START, END, new BigDecimal(usage), CLOSED, Progress.START);
  }

  @Test
  void aMaxOrLatestPeriodsCloseSendsItsTotalOnceAsThePeriodsLastEventOfItsCustomer() {
    connectors.put(
        new StripeConnector(
            TENANT,
            Map.of("api-calls", CALLS, "peak-seats", PEAK, "storage-gb", LATEST),
            "stripe_id",
            START,
            START));
    single("acme-prod", START.plusSeconds(10), "peak-seats", "3", "ACCEPTED", false);

    BillingJob.PeriodFlush peak = closed("instance:acme-prod", "peak-seats", "17");
    BillingJob.PeriodFlush latest = closed("license:lic_2", "storage-gb", "2.5");
    assertThat(replay.run(peak))
        .isEqualTo(new Result.Finished(peak.next(new Progress(null, 0, 0, 1, 0))));
    assertThat(replay.run(latest))
        .isEqualTo(new Result.Finished(latest.next(new Progress(null, 0, 0, 1, 0))));

    assertThat(calls)
        .extracting(
            MeterEvent::eventName,
            MeterEvent::stripeCustomerId,
            MeterEvent::value,
            MeterEvent::timestamp)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "peak_seats", "cus_Stripe1", 17L, END.minusSeconds(1)),
            org.assertj.core.groups.Tuple.tuple(
                "storage_mb", "cus_Stripe1", 2500L, END.minusSeconds(1)));
    assertThat(calls.get(0).identifier())
        .isEqualTo(
            MeterIdentifiers.ofWindow(
                new WindowValue(
                    TENANT, "instance:acme-prod", "peak-seats", START, END, BigDecimal.ONE)));

    // The close delivered again (a redelivered message, a second publication): nothing is called.
    calls.clear();
    assertThat(replay.run(peak))
        .isEqualTo(new Result.Finished(peak.next(new Progress(null, 0, 0, 0, 1))));
    assertThat(calls).isEmpty();
  }

  /** A MAX report's record as usage-api writes it now: its answer keeps the period. */
  private AuditRecord gauge(Instant at, Instant timestamp, String value, String currentUsage) {
    return record(
        "acme-prod",
        at,
        "peak-seats",
        "{\"entitlement_slug\":\"peak-seats\",\"value\":"
            + value
            + ",\"timestamp\":\""
            + timestamp
            + "\"}",
        "{\"status\":\"ACCEPTED\",\"current_usage\":"
            + currentUsage
            + ",\"replayed\":false,\"period_start\":\""
            + START
            + "\",\"period_end\":\""
            + END
            + "\"}");
  }

  /**
   * The MAX report of a {@link #gauge} record as usage-api's message carried it, with the maximum
   * it left, synced live.
   */
  private AcceptedReport syncedLive(AuditRecord record, long maximum) {
    AcceptedReport report =
        new AcceptedReport(
            TENANT,
            record.id() + "/0",
            "peak-seats",
            BigDecimal.valueOf(maximum),
            record.at(),
            new AcceptedReport.Standing(BigDecimal.valueOf(maximum), START, END));
    sync.sync(new AcceptedUsage(record.id(), TENANT, "acme-prod", List.of(report), record.at()));
    return report;
  }

  @Test
  void aBackfillSendsAMaxReportsValueExactlyAsLiveSyncDidAndNothingLiveSyncSent() {
    connectors.put(
        new StripeConnector(TENANT, Map.of("peak-seats", PEAK), "stripe_id", START, START));
    AuditRecord first = gauge(START.plusSeconds(10), START.plusSeconds(10), "5", "5");
    AuditRecord second = gauge(START.plusSeconds(20), START.plusSeconds(20), "9", "9");
    // Timed in the period, counted after it: stamped two seconds before its end, a second before
    // the close's value.
    AuditRecord late = gauge(END.plusSeconds(60), END.minusSeconds(30), "3", "9");
    // A record written before periods were kept: not sent to a last meter.
    single("acme-prod", START.plusSeconds(30), "peak-seats", "12", "ACCEPTED", false);
    // Live sync sent the first, as usage-api's message carried it.
    syncedLive(first, 5);
    MeterEvent sentLive = calls.get(0);
    calls.clear();

    BillingJob.Backfill backfill = new BillingJob.Backfill(TENANT, START, END, Progress.START);
    assertThat(replay.run(backfill))
        .isEqualTo(new Result.Finished(backfill.next(new Progress(null, 1, 4, 1, 0))));

    assertThat(sentLive)
        .isEqualTo(
            new MeterEvent(sentLive.identifier(), "peak_seats", "cus_Stripe1", 5, first.at()));
    // Of the page's three values of the counter, only the one Stripe keeps: the late one's,
    // stamped as live sync stamped it.
    assertThat(calls)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.value()).isEqualTo(9L);
              assertThat(event.timestamp()).isEqualTo(END.minusSeconds(2));
              assertThat(event.identifier())
                  .isEqualTo(
                      MeterIdentifiers.ofReport(
                          new AcceptedReport(
                              TENANT, late.id() + "/0", "peak-seats", BigDecimal.TEN, START)));
            });
    assertThat(stripe.last("cus_Stripe1", "peak_seats")).isEqualTo(9L);

    // Live sync's event of the second: a backfill of it alone finds it sent, and would send it so.
    calls.clear();
    AcceptedReport secondLive = syncedLive(second, 9);
    assertThat(calls)
        .containsExactly(
            new MeterEvent(
                MeterIdentifiers.ofReport(secondLive),
                "peak_seats",
                "cus_Stripe1",
                9,
                second.at()));
    BillingJob.Backfill alone =
        new BillingJob.Backfill(
            TENANT, START.plusSeconds(15), START.plusSeconds(25), Progress.START);
    assertThat(replay.run(alone))
        .isEqualTo(new Result.Finished(alone.next(new Progress(null, 1, 1, 0, 1))));
    assertThat(calls).hasSize(1);
  }

  @Test
  void aWindowOfAHolderWhoseCustomerHasNoStripeIdFailsToComeBack() {
    catalog.createCustomer(
        TENANT, new Customer("cus_none", "No Stripe", Map.of(), START), ChangeRecords.NONE);
    license("lic_3", "cus_none");
    connectors.put(
        new StripeConnector(TENANT, Map.of("peak-seats", PEAK), "stripe_id", START, START));

    assertThat(replay.run(closed("license:lic_3", "peak-seats", "4")))
        .isEqualTo(
            new Result.Failed(
                List.of("license:lic_3's customer has no Stripe id in its metadata (stripe_id)")));
    assertThat(calls).isEmpty();
  }

  @Test
  void withoutAConnectorOrAMappedMeterTheTrailIsNotRead() {
    single("acme-prod", START.plusSeconds(10), "api-calls", "3", "ACCEPTED", false);
    BillingJob.PeriodFlush unmapped =
        new BillingJob.PeriodFlush(
            TENANT,
            "instance:acme-prod",
            "storage",
            START,
            END,
            BigDecimal.ONE,
            CLOSED,
            Progress.START);
    assertThat(replay.run(unmapped)).isEqualTo(new Result.Finished(unmapped));

    connectors.delete(TENANT);
    assertThat(replay.run(flush("instance:acme-prod")))
        .isEqualTo(new Result.Finished(flush("instance:acme-prod")));
    assertThat(calls).isEmpty();
  }

  @Test
  void aFlushIsReadFromAPeriodClosedEvent() {
    var data =
        sh.kaiten.domain.events.data.EventData.of(
            new sh.kaiten.domain.metering.CounterKey(
                TENANT, "api-calls", "license:lic_1", "2026-11"));
    data.put("aggregation", "SUM");
    data.put("period_start", START.toString());
    data.put("period_end", END.toString());
    data.put("usage", new BigDecimal("42.5"));
    BillingJob.PeriodFlush flush =
        BillingJob.PeriodFlush.of(
            new sh.kaiten.domain.events.Event(
                "evt_1",
                TENANT,
                sh.kaiten.domain.events.EventType.USAGE_PERIOD_CLOSED,
                CLOSED,
                data));
    assertThat(flush)
        .isEqualTo(
            new BillingJob.PeriodFlush(
                TENANT,
                "license:lic_1",
                "api-calls",
                START,
                END,
                new BigDecimal("42.5"),
                CLOSED,
                Progress.START));
    assertThat(flush.holderKind()).isEqualTo("license");
    assertThat(flush.holderId()).isEqualTo("lic_1");
  }
}
