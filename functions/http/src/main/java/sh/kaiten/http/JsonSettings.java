package sh.kaiten.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import jakarta.inject.Inject;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.time.Instant;

/**
 * The one JSON configuration of the API: snake_case, strict input (unknown fields, duplicate keys,
 * wrongly-typed scalars and enums given by number are errors, not guesses), exact decimals,
 * ISO-8601 instants.
 *
 * <p>It applies to REST bodies only. The application-wide ObjectMapper stays as Quarkus makes it,
 * because the Lambda runtime reads the API Gateway events (camelCase) with that one.
 */
@Provider
public class JsonSettings implements ContextResolver<ObjectMapper> {
  private final ObjectMapper mapper;

  @Inject
  public JsonSettings(ObjectMapper base) {
    // Numbers are bounded on their text, as the parser reads them (see NumericContract).
    this.mapper = base.copyWith(new BoundedNumbers(base.getFactory()));
    customize(mapper);
  }

  @Override
  public ObjectMapper getContext(Class<?> type) {
    return mapper;
  }

  static void customize(ObjectMapper mapper) {
    mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    // Jackson otherwise reads 3 (or "3") as an enum's fourth constant.
    mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
    mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    mapper.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    for (LogicalType type :
        new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
      mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
      mapper
          .coercionConfigFor(type)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
    mapper
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    // "timestamp": "" or " " is not "now": a date is given in full or left out.
    mapper
        .coercionConfigFor(LogicalType.DateTime)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    mapper.coercionConfigFor(LogicalType.DateTime).setAcceptBlankAsEmpty(false);
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    mapper.registerModule(
        new SimpleModule("iso-instants").addDeserializer(Instant.class, new IsoInstants()));
  }

  /**
   * Instants are ISO-8601 strings only: Jackson's own would read {@code 0} or {@code 1e-40} as
   * seconds since 1970.
   */
  static final class IsoInstants extends StdDeserializer<Instant> {
    private static final long serialVersionUID = 1L;

    IsoInstants() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      if (!parser.hasToken(JsonToken.VALUE_STRING)) {
        return (Instant) context.handleUnexpectedToken(Instant.class, parser);
      }
      return InstantDeserializer.INSTANT.deserialize(parser, context);
    }
  }
}
