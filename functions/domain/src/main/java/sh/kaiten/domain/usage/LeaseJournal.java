package sh.kaiten.domain.usage;

import sh.kaiten.domain.outbox.ChangeRecords;

/**
 * Port: the audit record of a grant or a release, made for its write, so a lease exists exactly
 * when its record does (as {@link ReportJournal} does for reports).
 */
@FunctionalInterface
public interface LeaseJournal {
  LeaseJournal SILENT = answer -> ChangeRecords.NONE;

  /**
   * @param answer what the write answers if it is stored
   */
  ChangeRecords records(LeaseAnswer answer);
}
