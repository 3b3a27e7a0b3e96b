/**
 * What the HTTP functions share. The annotations here say once, for every route of the API contract
 * (docs/api/openapi.yaml), what holds for all of them: bearer tokens, and the problem document
 * every error answers with ({@link sh.kaiten.http.Problems}). They are read from the class file
 * when the document is built; nothing reads them at run time.
 */
@OpenAPIDefinition(
    info =
        @Info(
            title = "Kaiten API",
            version = "1",
            description =
                "Entitlements and usage metering. JSON is snake_case; every 4xx and 5xx answer is an RFC 9457"
                    + " problem (application/problem+json)."),
    security = @SecurityRequirement(name = ApiDefinition.BEARER),
    components =
        @Components(
            securitySchemes =
                @SecurityScheme(
                    securitySchemeName = ApiDefinition.BEARER,
                    type = SecuritySchemeType.HTTP,
                    scheme = "bearer",
                    description =
                        "A token ksh_...: an admin token manages its tenant, an instance token evaluates and reports"
                            + " for its own instance only; POST /api/tenants takes the deployment's bootstrap secret."),
            schemas =
                @Schema(
                    name = ApiDefinition.PROBLEM,
                    type = SchemaType.OBJECT,
                    requiredProperties = {"type", "title", "status", "detail"},
                    properties = {
                      @SchemaProperty(
                          name = "type",
                          type = SchemaType.STRING,
                          format = "uri",
                          description =
                              "https://kaiten.sh/problems/<kind>, e.g. invalid-input, not-found, conflict"),
                      @SchemaProperty(name = "title", type = SchemaType.STRING),
                      @SchemaProperty(name = "status", type = SchemaType.INTEGER),
                      @SchemaProperty(name = "detail", type = SchemaType.STRING),
                      @SchemaProperty(
                          name = "field",
                          type = SchemaType.STRING,
                          description = "the field the problem is about, e.g. events[3].value")
                    }),
            responses =
                @APIResponse(
                    name = ApiDefinition.PROBLEM,
                    description = "The request was refused or failed",
                    content =
                        @Content(
                            mediaType = Problems.MEDIA_TYPE,
                            schema = @Schema(ref = ApiDefinition.PROBLEM)))))
package sh.kaiten.http;

import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
