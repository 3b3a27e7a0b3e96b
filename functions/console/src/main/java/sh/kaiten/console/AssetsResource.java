package sh.kaiten.console;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The scripts and styles the pages load, from this function's own jars (htmx and uPlot from their
 * WebJars, the console's own from its resources): a fixed list, so no path reaches anything else.
 */
@Path(Paths.ASSETS + "/{name}")
public class AssetsResource {
  private static final String JS = "text/javascript; charset=utf-8";
  private static final String CSS = "text/css; charset=utf-8";

  record Asset(String resource, String type) {}

  static final Map<String, Asset> ASSETS =
      Map.of(
          "htmx.min.js",
              new Asset("META-INF/resources/webjars/htmx.org/2.0.4/dist/htmx.min.js", JS),
          "uPlot.iife.min.js",
              new Asset("META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", JS),
          "uPlot.min.css",
              new Asset("META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.min.css", CSS),
          "console.js", new Asset("console-assets/console.js", JS),
          "console.css", new Asset("console-assets/console.css", CSS));

  @GET
  public Response asset(@PathParam("name") String name) {
    Asset asset = ASSETS.get(name);
    if (asset == null) {
      throw new NotFoundException();
    }
    try (InputStream in =
        Thread.currentThread().getContextClassLoader().getResourceAsStream(asset.resource())) {
      if (in == null) {
        throw new IllegalStateException(asset.resource() + " is missing from the function");
      }
      // The versions are in the function's build: a new build is a new deployment, so an hour is
      // safe.
      return Response.ok(in.readAllBytes(), asset.type())
          .header(HttpHeaders.CACHE_CONTROL, "public, max-age=3600")
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
