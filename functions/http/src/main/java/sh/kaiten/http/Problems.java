package sh.kaiten.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.ForbiddenException;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.error.KaitenException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.error.StoreFailureException;
import sh.kaiten.domain.error.UnauthenticatedException;
import sh.kaiten.domain.error.UnknownReferenceException;

/** The one place errors become RFC 9457 {@code application/problem+json} answers. */
public class Problems {
  public static final String MEDIA_TYPE = "application/problem+json";
  private static final String TYPE_BASE = "https://kaiten.sh/problems/";
  private static final Logger LOG = Logger.getLogger(Problems.class);

  @ServerExceptionMapper
  public Response kaiten(KaitenException e) {
    return problem(status(e), e.problemType(), e.getMessage(), e.field());
  }

  @ServerExceptionMapper
  public Response json(JsonProcessingException e) {
    return kaiten(JsonProblems.of(e));
  }

  /**
   * The path of the field a JSON error is about, like {@code entitlements.theme} or {@code
   * events[2]}; null for none.
   */
  static String field(JsonProcessingException e) {
    // A duplicate key is named where the parser met it (a mapping error wrapping it knows only the
    // enclosing field).
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof JsonParseException parse
          && parse.getProcessor() != null
          && String.valueOf(parse.getOriginalMessage()).startsWith("Duplicate field")) {
        return BoundedNumbers.path(parse.getProcessor().getParsingContext());
      }
    }
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      return mapping.getPath().stream()
          .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
          .collect(Collectors.joining("."))
          .replace(".[", "[");
    }
    return null;
  }

  /**
   * Quarkus REST ships its own mapper for this subtype; ours must be at least as specific to win.
   */
  @ServerExceptionMapper
  public Response mismatch(MismatchedInputException e) {
    return json(e);
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    if (e.getCause() instanceof JsonProcessingException json) {
      return json(json);
    }
    if (e.getCause() instanceof KaitenException kaiten) {
      return kaiten(kaiten);
    }
    String type =
        switch (status) {
          case 404 -> "not-found";
          case 405 -> "method-not-allowed";
          case 413 -> "body-too-large";
          case 415 -> "unsupported-media-type";
          default -> status < 500 ? "invalid-input" : "internal-error";
        };
    return problem(status, type, e.getMessage(), null);
  }

  @ServerExceptionMapper
  public Response unexpected(RuntimeException e) {
    LOG.error("unexpected failure", e);
    return problem(
        500, "internal-error", "the request failed unexpectedly; it was not applied", null);
  }

  private static int status(KaitenException e) {
    if (e instanceof InvalidInputException) {
      return 400;
    }
    if (e instanceof UnknownReferenceException) {
      return 422;
    }
    if (e instanceof NotFoundException) {
      return 404;
    }
    if (e instanceof ConflictException) {
      return 409;
    }
    if (e instanceof UnauthenticatedException) {
      return 401;
    }
    if (e instanceof ForbiddenException) {
      return 403;
    }
    if (e instanceof StoreFailureException) {
      return 503;
    }
    return 500;
  }

  /** The problem document of a refusal, for answers that carry several (a usage batch). */
  public static ObjectNode body(KaitenException e) {
    if (e instanceof StoreFailureException) {
      LOG.error("a store failure answered in part of a request", e.getCause());
    }
    return body(status(e), e.problemType(), e.getMessage(), e.field());
  }

  public static Response problem(int status, String type, String detail, String field) {
    Response.ResponseBuilder response =
        Response.status(status)
            .type(MEDIA_TYPE)
            .entity(body(status, type, detail, field).toString());
    if (status == 401) {
      response.header("WWW-Authenticate", "Bearer");
    }
    return response.build();
  }

  private static ObjectNode body(int status, String type, String detail, String field) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("type", TYPE_BASE + type);
    body.put(
        "title",
        Response.Status.fromStatusCode(status) == null
            ? type
            : Response.Status.fromStatusCode(status).getReasonPhrase());
    body.put("status", status);
    body.put("detail", detail);
    if (field != null) {
      body.put("field", field);
    }
    return body;
  }
}
