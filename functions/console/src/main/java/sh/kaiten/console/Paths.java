package sh.kaiten.console;

/** The console's paths, all under {@code /console} (its routes on the HttpApi). */
final class Paths {
  static final String ROOT = "/console";
  static final String SIGN_IN = ROOT + "/sign-in";
  static final String SIGN_OUT = ROOT + "/sign-out";
  static final String CUSTOMERS = ROOT + "/customers";
  static final String ASSETS = ROOT + "/assets";
  static final String LIMITS = ROOT + "/limits";
  static final String WEBHOOKS = ROOT + "/webhooks";
  static final String AUDIT = ROOT + "/audit";
  static final String TIERS = ROOT + "/tiers";

  private Paths() {}
}
