package sh.kaiten.billing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import sh.kaiten.local.aws.StripeStandIn;

/** Stripe for the function under test: the stand-in on loopback, with a key made up per run. */
public class StripeStandInResource implements QuarkusTestResourceLifecycleManager {
  static final String KEY = madeUpKey();
  static StripeStandIn stripe;

  private static String madeUpKey() {
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    return "rk_test_standin_" + HexFormat.of().formatHex(random);
  }

  @Override
  public Map<String, String> start() {
    stripe = StripeStandIn.start(Clock.systemUTC(), KEY);
    return Map.of("kaiten.stripe.api-base", stripe.url());
  }

  @Override
  public void stop() {
    stripe.close();
  }
}
