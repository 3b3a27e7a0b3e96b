package sh.kaiten.domain.catalog;

import java.math.BigDecimal;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * The numbers the API takes, in one place.
 *
 * <p>Every number in a request body must first be one DynamoDB holds exactly: at most {@value
 * #MAX_SIGNIFICANT_DIGITS} significant digits, its leading digit between 10^{@value #MIN_EXPONENT}
 * and 10^{@value #MAX_EXPONENT}. The API's JSON reader checks that on the number's text, before it
 * becomes a {@code BigDecimal} (a short text like {@code 1e-1000000000} would otherwise become a
 * value whose plain form no heap holds).
 *
 * <p>A quantity (a usage {@code value}, a tier's or an override's limit) is then 0 to 10^15 with at
 * most {@value #QUANTITY_DECIMALS} decimal places. Why that is enough for every total: a counter's
 * total is a sum of quantities, so it has at most 6 decimal places too, and stays exact in 38
 * digits up to 10^32. One counter write adds at most 1000 reports (a batch) of at most 10^15, so
 * 10^18; one DynamoDB item takes about 1,000 writes a second and a counter has at most 32 items
 * (shards): 10^32 takes more than 3 × 10^9 seconds (about 99 years) of a counter written flat out
 * with the largest values, in one period. Were it ever reached, DynamoDB refuses the write and the
 * report is answered as not counted: a total is never rounded.
 *
 * <p>A SOFT limit's {@code overage_percent} is 0 to {@value #MAX_OVERAGE_PERCENT} with at most
 * {@value #PERCENT_DECIMALS} decimal places, so a ceiling, limit × (1 + overage/100), has at most
 * 10 decimal places and 17 integer digits: exact too.
 */
public final class NumericContract {
  /** The significant digits of a DynamoDB number. */
  public static final int MAX_SIGNIFICANT_DIGITS = 38;

  /** The smallest power of ten a DynamoDB number's leading digit may stand at (1e-130). */
  public static final int MIN_EXPONENT = -130;

  /** The largest power of ten a DynamoDB number's leading digit may stand at (below 1e126). */
  public static final int MAX_EXPONENT = 125;

  /** The largest quantity: 10^15. */
  public static final BigDecimal MAX_QUANTITY = new BigDecimal("1e15");

  public static final int QUANTITY_DECIMALS = 6;
  public static final int MAX_OVERAGE_PERCENT = 1000;
  public static final int PERCENT_DECIMALS = 2;

  private NumericContract() {}

  /**
   * A usage value or a limit: 0 to 10^15, at most 6 decimal places.
   *
   * @param field the request field it came from, named in the error
   */
  public static BigDecimal requireQuantity(String field, BigDecimal number) {
    if (number.signum() < 0) {
      throw new InvalidInputException(field, field + " must not be negative");
    }
    if (number.compareTo(MAX_QUANTITY) > 0 || decimals(number) > QUANTITY_DECIMALS) {
      throw new InvalidInputException(
          field,
          field
              + " must be a number from 0 to 1000000000000000 (10^15) with at most "
              + QUANTITY_DECIMALS
              + " decimal places");
    }
    return number;
  }

  /** A SOFT limit's overage: 0 to 1000 percent, at most 2 decimal places. */
  public static BigDecimal requirePercent(String field, BigDecimal number) {
    if (number.signum() < 0
        || number.compareTo(BigDecimal.valueOf(MAX_OVERAGE_PERCENT)) > 0
        || decimals(number) > PERCENT_DECIMALS) {
      throw new InvalidInputException(
          field,
          field
              + " must be a number from 0 to "
              + MAX_OVERAGE_PERCENT
              + " with at most "
              + PERCENT_DECIMALS
              + " decimal places");
    }
    return number;
  }

  /** The decimal places a number needs: {@code 2.50} needs 1, {@code 1e3} none. */
  static int decimals(BigDecimal number) {
    return number.signum() == 0 ? 0 : Math.max(0, number.stripTrailingZeros().scale());
  }

  /**
   * Whether a JSON number's text is one DynamoDB holds exactly, read from the text alone (no number
   * is made of it, whatever its exponent): at most 38 significant digits, leading digit at 10^-130
   * to 10^125. The text is JSON's number grammar, which the parser has checked already.
   */
  public static boolean storable(CharSequence text) {
    int length = text.length();
    int at = 0;
    if (at < length && text.charAt(at) == '-') {
      at++;
    }
    int first = -1; // position among the mantissa's digits of its first non-zero digit
    int last = -1;
    int digits = 0;
    int integerDigits = -1;
    for (; at < length; at++) {
      char c = text.charAt(at);
      if (c == '.') {
        integerDigits = digits;
      } else if (c == 'e' || c == 'E') {
        break;
      } else {
        if (c != '0') {
          if (first < 0) {
            first = digits;
          }
          last = digits;
        }
        digits++;
      }
    }
    if (integerDigits < 0) {
      integerDigits = digits;
    }
    long exponent = 0;
    if (at < length) {
      at++; // e
      boolean negative = false;
      if (text.charAt(at) == '+' || text.charAt(at) == '-') {
        negative = text.charAt(at) == '-';
        at++;
      }
      for (; at < length; at++) {
        // Saturates far beyond any bound: an exponent of 10^10 is out of range whatever its
        // mantissa.
        exponent = Math.min(exponent * 10 + (text.charAt(at) - '0'), 10_000_000_000L);
      }
      exponent = negative ? -exponent : exponent;
    }
    if (first < 0) {
      return true; // zero
    }
    if (last - first + 1 > MAX_SIGNIFICANT_DIGITS) {
      return false;
    }
    long leading = integerDigits - 1L - first + exponent;
    return leading >= MIN_EXPONENT && leading <= MAX_EXPONENT;
  }
}
