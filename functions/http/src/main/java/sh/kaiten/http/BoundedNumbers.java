package sh.kaiten.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.DataInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.ArrayDeque;
import java.util.Deque;
import sh.kaiten.domain.catalog.NumericContract;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * The JSON factory of the API's bodies: every number token is checked on its text against {@link
 * NumericContract#storable} as the parser meets it, before any deserializer can make a {@code
 * BigDecimal} (or a tree node) of it. Jackson bounds a number's length but not its exponent, and
 * {@code 1e-1000000000} is 13 characters.
 */
final class BoundedNumbers extends JsonFactory {
  private static final long serialVersionUID = 1L;

  /** How much of a deep path a refusal names. */
  private static final int NAMED_SEGMENTS = 3;

  BoundedNumbers(JsonFactory base) {
    super(base, null);
  }

  @Override
  public JsonFactory copy() {
    return new BoundedNumbers(this);
  }

  @Override
  protected JsonParser _createParser(InputStream in, IOContext context) throws IOException {
    return new Checked(super._createParser(in, context));
  }

  @Override
  protected JsonParser _createParser(Reader reader, IOContext context) throws IOException {
    return new Checked(super._createParser(reader, context));
  }

  @Override
  protected JsonParser _createParser(
      char[] data, int offset, int length, IOContext context, boolean recyclable)
      throws IOException {
    return new Checked(super._createParser(data, offset, length, context, recyclable));
  }

  @Override
  protected JsonParser _createParser(byte[] data, int offset, int length, IOContext context)
      throws IOException {
    return new Checked(super._createParser(data, offset, length, context));
  }

  @Override
  protected JsonParser _createParser(DataInput input, IOContext context) throws IOException {
    return new Checked(super._createParser(input, context));
  }

  @Override
  public JsonParser createNonBlockingByteArrayParser() throws IOException {
    return new Checked(super.createNonBlockingByteArrayParser());
  }

  @Override
  public JsonParser createNonBlockingByteBufferParser() throws IOException {
    return new Checked(super.createNonBlockingByteBufferParser());
  }

  /** A parser that refuses a number out of the contract as soon as it reads one. */
  static final class Checked extends JsonParserDelegate {
    Checked(JsonParser parser) {
      super(parser);
    }

    @Override
    public JsonToken nextToken() throws IOException {
      try {
        return checked(super.nextToken());
      } catch (StreamConstraintsException e) {
        throw beyondLimits(e);
      }
    }

    @Override
    public JsonToken nextValue() throws IOException {
      try {
        return checked(super.nextValue());
      } catch (StreamConstraintsException e) {
        throw beyondLimits(e);
      }
    }

    /**
     * A body past Jackson's own limits (nesting depth, a number's or a name's length), named by the
     * field it is in: the outermost {@value #NAMED_SEGMENTS} steps of the path, not the thousand of
     * the nesting.
     */
    private JsonParseException beyondLimits(StreamConstraintsException e) {
      String field = path(delegate.getParsingContext(), NAMED_SEGMENTS);
      String named = field == null ? "the body" : "field '" + field + "'";
      String detail =
          named
              + " is nested or sized past what the API reads: at most "
              + delegate.streamReadConstraints().getMaxNestingDepth()
              + " levels of arrays and objects";
      return new JsonParseException(this, detail, new InvalidInputException(field, detail));
    }

    private JsonToken checked(JsonToken token) throws IOException {
      if ((token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT)
          && !NumericContract.storable(delegate.getText())) {
        String field = path(delegate.getParsingContext());
        String named = field == null ? "a number" : field;
        String detail =
            named
                + " is out of range: a number takes at most "
                + NumericContract.MAX_SIGNIFICANT_DIGITS
                + " significant digits, from 1e"
                + NumericContract.MIN_EXPONENT
                + " to below 1e"
                + (NumericContract.MAX_EXPONENT + 1);
        JsonParseException refused =
            new JsonParseException(this, detail, new InvalidInputException(field, detail));
        throw refused;
      }
      return token;
    }
  }

  /** Where a parser stands, like {@code events[1].value}; null at the top level. */
  static String path(JsonStreamContext context) {
    return path(context, Integer.MAX_VALUE);
  }

  /** The outermost {@code steps} steps of where a parser stands. */
  private static String path(JsonStreamContext context, int steps) {
    Deque<String> segments = new ArrayDeque<>();
    for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
      if (at.inArray()) {
        segments.addFirst("[" + at.getCurrentIndex() + "]");
      } else if (at.getCurrentName() != null) {
        segments.addFirst(at.getCurrentName());
      }
      if (segments.size() > steps) {
        segments.removeLast();
      }
    }
    StringBuilder path = new StringBuilder();
    for (String segment : segments) {
      if (path.length() > 0 && !segment.startsWith("[")) {
        path.append('.');
      }
      path.append(segment);
    }
    return path.length() == 0 ? null : path.toString();
  }
}
