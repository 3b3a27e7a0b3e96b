package sh.kaiten.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.KaitenException;

/**
 * What a JSON body's error is, in the API's own words: the field and what it must be, never
 * Jackson's message (which names Java classes and parser features a client has no use for).
 */
final class JsonProblems {
  /**
   * The parts of a parser's message that speak of Jackson itself: its features, where its source
   * is.
   */
  private static final Pattern JACKSON_TALK =
      Pattern.compile(
          ":? ?(enable `|\\(not recognized as one since|\\(start marker at|\\s*at \\[Source).*",
          Pattern.DOTALL);

  private static final Pattern JAVA_NAMES =
      Pattern.compile("`|\\bjava\\.|\\bsh\\.kaiten\\.|com\\.fasterxml|Feature");

  private JsonProblems() {}

  /**
   * The refusal a JSON error stands for: a domain refusal it carries, or invalid input naming the
   * field.
   */
  static KaitenException of(JsonProcessingException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof KaitenException kaiten) {
        return kaiten;
      }
    }
    String field = Problems.field(e);
    if (e instanceof PropertyBindingException unknown) {
      String known =
          unknown.getKnownPropertyIds() == null
              ? ""
              : "; the fields here are "
                  + unknown.getKnownPropertyIds().stream()
                      .map(String::valueOf)
                      .sorted()
                      .collect(Collectors.joining(", "));
      return new InvalidInputException(
          field, "unknown field '" + unknown.getPropertyName() + "'" + known);
    }
    if (e instanceof MismatchedInputException mismatch) {
      if (String.valueOf(mismatch.getOriginalMessage()).startsWith("Trailing token")) {
        return new InvalidInputException(
            null, "the body must hold one JSON value and nothing after it");
      }
      return mustBe(field, mismatch.getTargetType());
    }
    if (e instanceof InputCoercionException coercion) {
      String at =
          field != null || coercion.getProcessor() == null
              ? field
              : BoundedNumbers.path(coercion.getProcessor().getParsingContext());
      return mustBe(at, coercion.getTargetType());
    }
    if (e instanceof StreamReadException || !(e instanceof JsonMappingException)) {
      return new InvalidInputException(
          field, "the body is not valid JSON" + reason(e) + where(e.getLocation()));
    }
    return new InvalidInputException(
        field, field == null ? "the body is not valid" : "field '" + field + "' is not valid");
  }

  private static InvalidInputException mustBe(String field, Class<?> type) {
    String expected = expected(type);
    return new InvalidInputException(
        field,
        field == null
            ? "the body must be " + expected
            : "field '" + field + "' must be " + expected);
  }

  /** What a value of {@code type} is on the wire. */
  static String expected(Class<?> type) {
    if (type == null) {
      return "a JSON value of another type";
    }
    if (type == BigDecimal.class
        || type == Double.class
        || type == double.class
        || type == Float.class
        || type == float.class
        || type == Number.class) {
      return "a number";
    }
    if (type == Integer.class || type == int.class || type == Short.class || type == short.class) {
      return "a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
    }
    if (type == Long.class || type == long.class || type == BigInteger.class) {
      return "a whole number from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (CharSequence.class.isAssignableFrom(type)
        || type == Character.class
        || type == char.class) {
      return "a string";
    }
    if (Temporal.class.isAssignableFrom(type)) {
      return "an ISO-8601 timestamp such as 2026-12-04T10:15:30Z";
    }
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(constant -> ((Enum<?>) constant).name())
              .collect(Collectors.joining(", "));
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (JsonNode.class.isAssignableFrom(type)) {
      return "a JSON value";
    }
    return Map.class.isAssignableFrom(type) || !type.isPrimitive()
        ? "a JSON object"
        : "a JSON value of another type";
  }

  /** The parser's reason, when it can be said without Jackson's own words. */
  private static String reason(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return "";
    }
    String said = JACKSON_TALK.matcher(message).replaceFirst("").strip();
    if (said.isEmpty() || JAVA_NAMES.matcher(said).find() || said.indexOf('\n') >= 0) {
      return "";
    }
    return ": " + Character.toLowerCase(said.charAt(0)) + said.substring(1);
  }

  private static String where(JsonLocation location) {
    return location == null || location.getLineNr() < 1
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }
}
