package sh.kaiten.domain.billing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Stripe's meters for a connector's mappings, as a reconciliation run reads them, once: Stripe's
 * active meters listed a page a read, those of a mapped {@code event_name} kept, until every mapped
 * name is found or the list ends. Then each mapping's meter fits what the mapping sends ({@link
 * MeterMapping#fits}), or it is a {@link ReconciliationReport.MeterFinding}: of a formula that does
 * not bill it, or missing. Stripe's list cannot be filtered by event name, hence the walk.
 *
 * @param next the meter to list after ({@code starting_after}); null for the first page, and once
 *     listed
 * @param listed whether the list is done (every mapped name found, or its last page read)
 * @param found the active meters of mapped event names, the newest of a name first found
 * @param unfit once listed: the mappings whose meter is missing or of another formula, by
 *     entitlement
 */
public record MeterCheck(
    String next,
    boolean listed,
    List<MeterSummaryGateway.Meter> found,
    List<ReconciliationReport.MeterFinding> unfit) {
  public static final MeterCheck START = new MeterCheck(null, false, List.of(), List.of());

  public MeterCheck {
    found = List.copyOf(found);
    unfit = List.copyOf(unfit);
  }

  /** This check, having read {@code page} of the list for {@code mappings}. */
  MeterCheck after(MeterSummaryGateway.MeterPage page, Collection<MeterMapping> mappings) {
    Set<String> wanted = mappings.stream().map(MeterMapping::eventName).collect(Collectors.toSet());
    List<MeterSummaryGateway.Meter> kept = new ArrayList<>(found);
    for (MeterSummaryGateway.Meter meter : page.meters()) {
      if (wanted.contains(meter.eventName())
          && kept.stream().noneMatch(k -> k.eventName().equals(meter.eventName()))) {
        kept.add(meter);
      }
    }
    boolean allFound = kept.size() == wanted.size();
    if (page.next() != null && !allFound) {
      return new MeterCheck(page.next(), false, kept, List.of());
    }
    List<ReconciliationReport.MeterFinding> findings = new ArrayList<>();
    mappings.stream()
        .sorted(Comparator.comparing(MeterMapping::entitlement))
        .forEach(
            mapping -> {
              Optional<MeterSummaryGateway.Meter> meter = meterOf(kept, mapping);
              if (meter.isEmpty() || !mapping.fits(meter.get().formula())) {
                findings.add(
                    new ReconciliationReport.MeterFinding(
                        mapping.entitlement(),
                        mapping.eventName(),
                        meter.map(MeterSummaryGateway.Meter::id).orElse(null),
                        meter.map(MeterSummaryGateway.Meter::formula).orElse(null),
                        mapping.fittingFormulas()));
              }
            });
    return new MeterCheck(null, true, kept, findings);
  }

  /** The meter whose event summaries are the mapping's Stripe side: found, and fitting it. */
  Optional<MeterSummaryGateway.Meter> fittingMeterOf(MeterMapping mapping) {
    return meterOf(found, mapping).filter(meter -> mapping.fits(meter.formula()));
  }

  private static Optional<MeterSummaryGateway.Meter> meterOf(
      List<MeterSummaryGateway.Meter> meters, MeterMapping mapping) {
    return meters.stream().filter(m -> m.eventName().equals(mapping.eventName())).findFirst();
  }
}
