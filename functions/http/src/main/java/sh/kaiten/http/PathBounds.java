package sh.kaiten.http;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.catalog.Text;
import sh.kaiten.domain.error.InvalidInputException;

/**
 * Ids and slugs in {@code /api} paths are refused with a 400 naming the parameter when they could
 * name nothing ({@link Text#isId}: at most 128 letters, digits, {@code _} and {@code -}), so no
 * oversized or odd key ever reaches DynamoDB. OFREP paths answer in OFREP's own terms (an unknown
 * flag).
 */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class PathBounds implements ContainerRequestFilter {

  @Override
  public void filter(ContainerRequestContext request) {
    if (!request.getUriInfo().getPath().startsWith("/api/")) {
      return;
    }
    for (Map.Entry<String, List<String>> parameter :
        request.getUriInfo().getPathParameters().entrySet()) {
      for (String value : parameter.getValue()) {
        if (!Text.isId(value)) {
          throw new InvalidInputException(
              parameter.getKey(),
              "the path's "
                  + parameter.getKey()
                  + " must be 1 to "
                  + Text.MAX_ID
                  + " letters, digits, '_' or '-', starting with a letter or digit");
        }
      }
    }
  }
}
