package sh.kaiten.openfeature;

import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventProvider;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderEventDetails;
import dev.openfeature.sdk.TrackingEventDetails;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.ProviderNotReadyError;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import sh.kaiten.sdk.KaitenClient;
import sh.kaiten.sdk.KaitenListener;

/**
 * Kaiten entitlements as OpenFeature flags, evaluated in process from a {@link KaitenClient}'s
 * snapshot: no request per evaluation, and every evaluation tallied by the client into the audit
 * trail. The flag key is the entitlement's slug; the mapping is {@link EntitlementFlags}'s, the
 * same as the server's OFREP.
 *
 * <pre>{@code
 * KaitenClient kaiten = KaitenClient.builder()
 *     .baseUrl("https://api.example.com").token("ksh_...").instance("acme-prod").build();
 * OpenFeatureAPI.getInstance().setProviderAndWait(KaitenProvider.owning(kaiten));
 * Client flags = OpenFeatureAPI.getInstance().getClient();
 * if (flags.getBooleanValue("sso", false)) { ... }
 * flags.track("api-calls", new MutableTrackingEventDetails(1));   // queued as usage, no request
 * }</pre>
 *
 * <p><b>Lifecycle.</b> {@link #initialize} is READY when the client holds a snapshot (it loads one
 * before {@code build()} returns), and STALE at once when that snapshot is an unconfirmed one from
 * the snapshot file. With none at all (server unreachable, no file) it fails with {@code
 * PROVIDER_NOT_READY}: the SDK reports ERROR (not STALE: there is nothing to be stale about, every
 * evaluation answers the caller's default) and {@code setProviderAndWait} throws; the provider
 * becomes READY when the server first answers.
 *
 * <p><b>Events</b>, from the client's {@link KaitenListener} callbacks: a changed snapshot is
 * {@code PROVIDER_CONFIGURATION_CHANGED} naming the changed slugs; a snapshot not confirmed within
 * {@code staleAfter} is {@code PROVIDER_STALE} (evaluations then answer reason {@code STALE});
 * confirmed again, {@code PROVIDER_READY}.
 *
 * <p><b>Ownership.</b> {@code new KaitenProvider(client)} leaves the client to its caller: {@link
 * #shutdown} only stops listening to it. {@link #owning} closes it on shutdown (delivering queued
 * usage as {@link KaitenClient#close} does). A provider is set once: after shutdown it emits no
 * more events.
 */
public final class KaitenProvider extends EventProvider {
  /** The provider's name in OpenFeature's metadata. */
  public static final String NAME = "kaiten";

  private static final System.Logger LOG = System.getLogger(KaitenProvider.class.getName());
  private static final Metadata METADATA = () -> NAME;

  private final KaitenClient client;
  private final boolean closesClient;
  private final EntitlementFlags flags;
  private final KaitenListener events = new ClientEvents();

  /** A provider on a client its caller keeps and closes. */
  public KaitenProvider(KaitenClient client) {
    this(client, false);
  }

  private KaitenProvider(KaitenClient client, boolean closesClient) {
    this.client = Objects.requireNonNull(client, "client");
    this.closesClient = closesClient;
    this.flags = new EntitlementFlags(client);
  }

  /** A provider that owns the client: {@link #shutdown} closes it. */
  public static KaitenProvider owning(KaitenClient client) {
    return new KaitenProvider(client, true);
  }

  @Override
  public Metadata getMetadata() {
    return METADATA;
  }

  @Override
  public void initialize(EvaluationContext evaluationContext) {
    // Removed first: the SDK initializes again after a failed start, and one listener must hear
    // each event once.
    client.removeListener(events);
    client.addListener(events);
    if (!client.hasSnapshot()) {
      throw new ProviderNotReadyError(
          "no snapshot of Kaiten instance '"
              + client.instance()
              + "' (server unreachable, no snapshot file): evaluations answer their defaults until the server answers");
    }
    if (client.stale()) {
      // Loaded from the snapshot file: the client said stale() while building, before this provider
      // listened.
      emitProviderStale(
          ProviderEventDetails.builder()
              .message("the Kaiten snapshot comes from the snapshot file and is not confirmed yet")
              .build());
    }
  }

  @Override
  public void shutdown() {
    client.removeListener(events);
    if (closesClient) {
      client.close();
    }
    super.shutdown();
  }

  @Override
  public ProviderEvaluation<Boolean> getBooleanEvaluation(
      String key, Boolean defaultValue, EvaluationContext ctx) {
    return flags.booleanFlag(key, ctx);
  }

  @Override
  public ProviderEvaluation<String> getStringEvaluation(
      String key, String defaultValue, EvaluationContext ctx) {
    return flags.stringFlag(key, ctx);
  }

  @Override
  public ProviderEvaluation<Integer> getIntegerEvaluation(
      String key, Integer defaultValue, EvaluationContext ctx) {
    return flags.integerFlag(key, ctx);
  }

  @Override
  public ProviderEvaluation<Double> getDoubleEvaluation(
      String key, Double defaultValue, EvaluationContext ctx) {
    return flags.doubleFlag(key, ctx);
  }

  @Override
  public ProviderEvaluation<Value> getObjectEvaluation(
      String key, Value defaultValue, EvaluationContext ctx) {
    return flags.objectFlag(key, ctx);
  }

  /**
   * Reports {@code details.getValue()} (1 when absent) as usage of the entitlement named {@code
   * trackingEventName}: queued by the client, delivered in its next batch, counted at once in this
   * process's checks. Never throws into the application: a negative or non-finite value, a context
   * naming another instance, or a closed client is logged as a WARNING and nothing is reported.
   */
  @Override
  public void track(
      String trackingEventName, EvaluationContext context, TrackingEventDetails details) {
    String targetingKey = context == null ? null : context.getTargetingKey();
    if (targetingKey != null
        && !targetingKey.isEmpty()
        && !targetingKey.equals(client.instance())) {
      LOG.log(
          System.Logger.Level.WARNING,
          "usage of {0} for instance {1} not reported: this provider reports for {2}",
          trackingEventName,
          targetingKey,
          client.instance());
      return;
    }
    Number value = details == null ? null : details.getValue().orElse(null);
    BigDecimal amount = value == null ? BigDecimal.ONE : amount(value);
    if (amount == null || amount.signum() < 0) {
      LOG.log(
          System.Logger.Level.WARNING,
          "usage of {0} not reported: {1} is not a finite, non-negative amount",
          trackingEventName,
          value);
      return;
    }
    try {
      client.report(trackingEventName, amount);
    } catch (IllegalStateException e) {
      // Only a closed client refuses a valid report: the application closed it while this provider
      // was set.
      LOG.log(System.Logger.Level.WARNING, "usage of " + trackingEventName + " not reported", e);
    }
  }

  /** The exact amount of a number; null when it is not finite. */
  private static BigDecimal amount(Number value) {
    if (value instanceof BigDecimal) {
      return (BigDecimal) value;
    }
    if (value instanceof BigInteger) {
      return new BigDecimal((BigInteger) value);
    }
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte
        || value instanceof AtomicLong
        || value instanceof AtomicInteger) {
      return BigDecimal.valueOf(value.longValue());
    }
    double amount = value.doubleValue();
    return Double.isFinite(amount) ? BigDecimal.valueOf(amount) : null;
  }

  /** What the client tells, told on as OpenFeature provider events. */
  private final class ClientEvents implements KaitenListener {
    @Override
    public void snapshotChanged(Set<String> entitlements) {
      List<String> changed = new ArrayList<>(new TreeSet<>(entitlements));
      emitProviderConfigurationChanged(
          ProviderEventDetails.builder()
              .flagsChanged(changed)
              .message("the Kaiten snapshot changed")
              .build());
    }

    @Override
    public void stale(Duration age) {
      if (age == null) {
        // No snapshot at all: nothing is stale, nothing can be answered.
        emitProviderError(
            ProviderEventDetails.builder()
                .errorCode(ErrorCode.PROVIDER_NOT_READY)
                .message("no snapshot of Kaiten instance '" + client.instance() + "'")
                .build());
        return;
      }
      emitProviderStale(
          ProviderEventDetails.builder()
              .message("the Kaiten snapshot has not been confirmed by the server for " + age)
              .build());
    }

    @Override
    public void fresh() {
      emitProviderReady(
          ProviderEventDetails.builder()
              .message("the server confirmed the Kaiten snapshot")
              .build());
    }
  }
}
