package sh.kaiten.domain.usage;

import java.util.Objects;
import sh.kaiten.domain.catalog.EntitlementValue;
import sh.kaiten.domain.evaluation.Evaluation;
import sh.kaiten.domain.metering.UsageState;

/** One entitlement of an instance before and after a change to its license. */
public record EntitlementComparison(InstanceEntitlement before, InstanceEntitlement after) {

  /**
   * Whether the instance would get a different answer: enabled or not, the value (a limit compared
   * as a number: 100000 and 1E+5 are the same limit), where it comes from and why, and for a
   * NUMERIC one where its usage would stand (a lower limit can turn ACCEPTED into REJECTED).
   */
  public boolean changed() {
    Evaluation was = before.evaluation();
    Evaluation would = after.evaluation();
    return was.enabled() != would.enabled()
        || was.source() != would.source()
        || was.reason() != would.reason()
        || !sameValue(was.value(), would.value())
        || !Objects.equals(status(before.usage()), status(after.usage()));
  }

  private static Object status(UsageState usage) {
    return usage == null ? null : usage.status();
  }

  private static boolean sameValue(EntitlementValue a, EntitlementValue b) {
    if (a instanceof EntitlementValue.Quota x && b instanceof EntitlementValue.Quota y) {
      return x.isUnlimited()
          ? y.isUnlimited()
          : !y.isUnlimited() && x.limit().compareTo(y.limit()) == 0;
    }
    return Objects.equals(a, b);
  }
}
