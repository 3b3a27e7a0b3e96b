package sh.kaiten.console;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import java.util.List;
import sh.kaiten.console.Views.AuditQuery;
import sh.kaiten.console.Views.AuditRow;
import sh.kaiten.console.Views.Chrome;
import sh.kaiten.console.Views.CustomerRow;
import sh.kaiten.console.Views.DeliveryRow;
import sh.kaiten.console.Views.EndpointRow;
import sh.kaiten.console.Views.InstancePage;
import sh.kaiten.console.Views.LicensePage;
import sh.kaiten.console.Views.Matrix;
import sh.kaiten.console.Views.NearRow;
import sh.kaiten.console.Views.PreviewPage;
import sh.kaiten.console.Views.VerificationView;

/**
 * The console's pages (src/main/resources/templates), checked against these parameters at build
 * time.
 */
@CheckedTemplate
final class Templates {
  private Templates() {}

  static native TemplateInstance signIn(Chrome chrome, String problem);

  /**
   * @param back where to go back to (a license's page), or null for the customers
   */
  static native TemplateInstance error(Chrome chrome, int status, String message, String back);

  static native TemplateInstance customers(
      Chrome chrome, String query, List<CustomerRow> customers, String nextCursor, boolean paged);

  /** The list alone, for htmx to swap in as the search is typed. */
  static native TemplateInstance customerList(
      Chrome chrome, String query, List<CustomerRow> customers, String nextCursor, boolean paged);

  static native TemplateInstance license(Chrome chrome, LicensePage page);

  static native TemplateInstance instance(Chrome chrome, InstancePage page);

  static native TemplateInstance licensePreview(Chrome chrome, PreviewPage page);

  static native TemplateInstance limits(Chrome chrome, String percent, List<NearRow> rows);

  static native TemplateInstance webhooks(Chrome chrome, List<EndpointRow> endpoints);

  static native TemplateInstance tiers(Chrome chrome, Matrix matrix);

  /**
   * @param verification what verifying a range found, or null when none was asked for
   */
  static native TemplateInstance audit(
      Chrome chrome,
      AuditQuery query,
      List<AuditRow> records,
      String nextCursor,
      String verifyFrom,
      String verifyTo,
      VerificationView verification);

  /**
   * @param redelivered the delivery just sent again, or null
   */
  static native TemplateInstance webhook(
      Chrome chrome,
      EndpointRow endpoint,
      List<DeliveryRow> deliveries,
      String nextCursor,
      String redelivered);
}
