package sh.kaiten.domain.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.billing.SentLedger.Claim;

/**
 * What every {@link SentLedger} does, run against the in-memory port and the DynamoDB adapter
 * alike: one claim wins, the first claim's time is kept, sent is recorded once and wins over every
 * later claim, and entries go after {@link SentLedger#KEPT}.
 */
public abstract class SentLedgerContract {
  /** The port under test; each test uses identifiers of its own, so a shared store is fine. */
  protected abstract SentLedger ledger();

  private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  private final String prefix = "kr_contract_" + System.nanoTime() + "_";

  private String id(String name) {
    return prefix + name;
  }

  @Test
  void theFirstClaimIsFreshAndLaterOnesSeeItPendingSinceThen() {
    assertThat(ledger().claim(id("a"), T0)).isEqualTo(new Claim.Fresh());
    assertThat(ledger().claim(id("a"), T0.plusSeconds(30))).isEqualTo(new Claim.Pending(T0));
    assertThat(ledger().claim(id("a"), T0.plus(Duration.ofHours(30))))
        .isEqualTo(new Claim.Pending(T0));
  }

  @Test
  void sentIsRecordedOnceAndEveryLaterClaimSeesIt() {
    ledger().claim(id("b"), T0);

    assertThat(ledger().markSent(id("b"), T0.plusSeconds(1))).isTrue();
    assertThat(ledger().markSent(id("b"), T0.plusSeconds(2))).isFalse();

    assertThat(ledger().claim(id("b"), T0.plusSeconds(3)))
        .isEqualTo(new Claim.Sent(T0.plusSeconds(1)));
    assertThat(ledger().claim(id("b"), T0.plus(Duration.ofDays(30))))
        .isEqualTo(new Claim.Sent(T0.plusSeconds(1)));
  }

  @Test
  void anIdentifierSentWithoutAClaimIsSentToo() {
    assertThat(ledger().markSent(id("c"), T0)).isTrue();

    assertThat(ledger().claim(id("c"), T0.plusSeconds(1))).isEqualTo(new Claim.Sent(T0));
  }

  @Test
  void identifiersAreApart() {
    ledger().claim(id("d1"), T0);
    ledger().markSent(id("d1"), T0);

    assertThat(ledger().claim(id("d2"), T0)).isEqualTo(new Claim.Fresh());
    assertThat(ledger().markSent(id("d2"), T0.plusSeconds(1))).isTrue();
  }

  @Test
  void anEntryIsForgottenAfterItIsKept() {
    ledger().claim(id("e"), T0);
    ledger().markSent(id("e"), T0);

    Instant past = T0.plus(SentLedger.KEPT).plusSeconds(1);
    assertThat(ledger().claim(id("e"), past)).isEqualTo(new Claim.Fresh());
  }

  @Test
  void ofConcurrentClaimsExactlyOneIsFreshAndOfConcurrentMarksExactlyOneRecords() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Claim>> claims = new ArrayList<>();
      List<Callable<Boolean>> marks = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        claims.add(() -> ledger().claim(id("f"), T0));
        marks.add(() -> ledger().markSent(id("f"), T0.plusSeconds(1)));
      }
      List<Claim> claimed = new ArrayList<>();
      for (Future<Claim> claim : threads.invokeAll(claims)) {
        claimed.add(claim.get());
      }
      long recorded = 0;
      for (Future<Boolean> mark : threads.invokeAll(marks)) {
        recorded += mark.get() ? 1 : 0;
      }

      assertThat(claimed).filteredOn(claim -> claim instanceof Claim.Fresh).hasSize(1);
      assertThat(claimed).filteredOn(claim -> claim instanceof Claim.Pending).hasSize(15);
      assertThat(recorded).isEqualTo(1);
    } finally {
      threads.shutdownNow();
    }
  }
}
