package sh.kaiten.domain.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.error.InvalidInputException;

class NumericContractTest {

  @Test
  void storableNumbersAreTheOnesDynamoDbHoldsExactly() {
    for (String text :
        new String[] {
          "0",
          "-0",
          "0.000",
          "0e-99999999999",
          "5",
          "1e125",
          "9.9999999999999999999999999999999999999e125",
          "1e-130",
          "-1e-130",
          "12345678901234567890123456789012345678",
          "1234567890123456789012345678901234567800000",
          "0.00012345678901234567890123456789012345678",
          "1.5E+3",
          "100e-132"
        }) {
      assertThat(NumericContract.storable(text)).as(text).isTrue();
    }
    for (String text :
        new String[] {
          "1e126",
          "10e125",
          "1e-131",
          "0.1e-130",
          "1e-400",
          "1e400",
          "1e-1000000000",
          "1e99999999999999999999",
          "1.7976931348623157e309",
          "123456789012345678901234567890123456789",
          "1.00000000000000000000000000000000000001"
        }) {
      assertThat(NumericContract.storable(text)).as(text).isFalse();
    }
  }

  @Test
  void aQuantityIsZeroToTenToTheFifteenthWithSixDecimalPlaces() {
    for (String ok :
        new String[] {
          "0", "0.000001", "1e15", "1000000000000000.000000", "999999999999999.999999", "2.50"
        }) {
      assertThat(NumericContract.requireQuantity("value", new BigDecimal(ok)))
          .isEqualByComparingTo(ok);
    }
    for (String bad : new String[] {"0.0000001", "1e-37", "1000000000000000.000001", "1e16"}) {
      assertThatThrownBy(() -> NumericContract.requireQuantity("value", new BigDecimal(bad)))
          .as(bad)
          .isInstanceOf(InvalidInputException.class)
          .hasMessage(
              "value must be a number from 0 to 1000000000000000 (10^15) with at most 6 decimal places")
          .extracting("field")
          .isEqualTo("value");
    }
    assertThatThrownBy(
            () -> NumericContract.requireQuantity("entitlements.api-calls", new BigDecimal("-0.5")))
        .hasMessage("entitlements.api-calls must not be negative");
  }

  @Test
  void anOveragePercentIsZeroToAThousandWithTwoDecimalPlaces() {
    assertThat(NumericContract.requirePercent("overage_percent", new BigDecimal("1000.00")))
        .isEqualByComparingTo("1000");
    assertThat(NumericContract.requirePercent("overage_percent", new BigDecimal("0.01")))
        .isEqualByComparingTo("0.01");
    for (String bad : new String[] {"1000.01", "0.001", "-1"}) {
      assertThatThrownBy(
              () -> NumericContract.requirePercent("overage_percent", new BigDecimal(bad)))
          .as(bad)
          .hasMessage(
              "overage_percent must be a number from 0 to 1000 with at most 2 decimal places");
    }
  }

  @Test
  void anyTotalOfQuantitiesUpToTenToTheThirtySecondFitsThirtyEightDigits() {
    // The reasoning of the contract: a total keeps 6 decimal places, so below 10^32 it has at most
    // 38 digits.
    BigDecimal largest = new BigDecimal("99999999999999999999999999999999.999999");
    assertThat(largest.precision()).isEqualTo(NumericContract.MAX_SIGNIFICANT_DIGITS);
    assertThat(NumericContract.storable(largest.toPlainString())).isTrue();
  }
}
