package sh.kaiten.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import sh.kaiten.local.aws.CloudFormationTemplate;

/**
 * docs/api/openapi.yaml is what the resources describe and routes what the template routes. After a
 * change to a resource, run the function's tests and then this one with {@code
 * -Dopenapi.update=true} to write it.
 */
class ApiContractTest {
  private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");
  private final CloudFormationTemplate template = CloudFormationTemplate.read(ApiContract.TEMPLATE);

  @Test
  void theCommittedDocumentIsTheOneTheResourcesDescribe() throws IOException {
    List<JsonNode> parts = new ArrayList<>();
    for (Map.Entry<String, Path> part : ApiContract.parts(template).entrySet()) {
      assertThat(part.getValue())
          .as(part.getKey() + "'s part of the API contract: run its module's tests")
          .exists();
      parts.add(ApiContract.read(part.getValue()));
    }
    String generated = ApiContract.merge(parts);
    if (Boolean.getBoolean("openapi.update")) {
      Files.createDirectories(ApiContract.DOCUMENT.getParent());
      Files.writeString(ApiContract.DOCUMENT, generated);
    }
    assertThat(ApiContract.committed())
        .as(ApiContract.DOCUMENT + " against the resources: rewrite it with -Dopenapi.update=true")
        .isEqualTo(generated);
  }

  @Test
  void everyRouteOfTheTemplateIsInTheDocumentAndNothingElse() {
    JsonNode document = document();
    List<String> routes = ApiContract.templateRoutes(template);
    Set<String> operations = ApiContract.operations(document);
    List<String> findings = new ArrayList<>();
    for (String route : routes) {
      String path = route.substring(route.indexOf(' ') + 1);
      boolean described =
          route.startsWith("ANY ")
              ? operations.stream().anyMatch(operation -> operation.endsWith(" " + path))
              : operations.contains(route);
      if (!described) {
        findings.add("template.yaml routes " + route + ", which the document does not describe");
      }
    }
    for (String operation : operations) {
      String path = operation.substring(operation.indexOf(' ') + 1);
      if (!routes.contains(operation) && !routes.contains("ANY " + path)) {
        findings.add(
            "the document describes " + operation + ", which template.yaml does not route");
      }
    }
    assertThat(findings).isEmpty();
  }

  @Test
  void eachOperationNamesExactlyThePathParametersOfItsPath() {
    JsonNode document = document();
    List<String> findings = new ArrayList<>();
    document
        .path("paths")
        .fields()
        .forEachRemaining(
            item -> {
              Set<String> inPath = new TreeSet<>();
              Matcher matcher = PATH_PARAMETER.matcher(item.getKey());
              while (matcher.find()) {
                inPath.add(matcher.group(1));
              }
              item.getValue()
                  .fields()
                  .forEachRemaining(
                      operation -> {
                        Set<String> declared = new TreeSet<>();
                        for (JsonNode parameters :
                            List.of(
                                item.getValue().path("parameters"),
                                operation.getValue().path("parameters"))) {
                          parameters.forEach(
                              parameter -> {
                                if (parameter.path("in").asText().equals("path")) {
                                  declared.add(parameter.path("name").asText());
                                }
                              });
                        }
                        if (ApiContract.METHODS.contains(operation.getKey())
                            && !declared.equals(inPath)) {
                          findings.add(
                              operation.getKey()
                                  + " "
                                  + item.getKey()
                                  + " declares path parameters "
                                  + declared);
                        }
                      });
            });
    assertThat(findings).isEmpty();
  }

  @Test
  void aThirdPartyParserReadsTheDocumentAsOpenApi31WithoutAComplaint() {
    SwaggerParseResult result =
        new OpenAPIParser().readLocation(ApiContract.DOCUMENT.toUri().toString(), null, null);
    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI().getSpecVersion()).isEqualTo(SpecVersion.V31);
    assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
    assertThat(result.getOpenAPI().getPaths()).hasSize(document().path("paths").size());
  }

  @Test
  void theParserComplainsOfADocumentThatIsNotOpenApi() throws IOException {
    String broken =
        Files.readString(ApiContract.DOCUMENT).replaceFirst("(?m)^info:", "information:");
    SwaggerParseResult result = new OpenAPIParser().readContents(broken, null, null);
    assertThat(result.getMessages()).contains("attribute info is missing");
  }

  private static JsonNode document() {
    return ApiContract.read(ApiContract.DOCUMENT);
  }
}
