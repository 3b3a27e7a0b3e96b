package sh.kaiten.adapters.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.param.billing.MeterEventCreateParams;
import java.time.Duration;
import sh.kaiten.domain.billing.MeterEvent;
import sh.kaiten.domain.billing.MeterEventGateway;

/**
 * {@code POST /v1/billing/meter_events} through Stripe's Java client, one call per event, and
 * Stripe's answer as the domain reads it. The client's own retries are off: {@code
 * MeterEventDelivery} retries, on its clock, serialized per customer and meter, and knows the
 * ledger.
 */
public final class StripeMeterEvents implements MeterEventGateway {
  /** Stripe's error code for a repeated identifier, as the stand-in answers it. */
  static final String ALREADY_EXISTS = "resource_already_exists";

  private final StripeClient stripe;

  public StripeMeterEvents(StripeClient stripe) {
    this.stripe = stripe;
  }

  /**
   * A client for one connector's restricted key.
   *
   * @param apiBase Stripe's API base; a stand-in's in tests
   */
  public static StripeClient client(String apiKey, String apiBase, Duration timeout) {
    return StripeClient.builder()
        .setApiKey(apiKey)
        .setApiBase(apiBase)
        .setMaxNetworkRetries(0)
        .setConnectTimeout((int) timeout.toMillis())
        .setReadTimeout((int) timeout.toMillis())
        .build();
  }

  @Override
  public Answer send(MeterEvent event) {
    MeterEventCreateParams params =
        MeterEventCreateParams.builder()
            .setEventName(event.eventName())
            .setIdentifier(event.identifier())
            .setTimestamp(event.timestamp().getEpochSecond())
            .putPayload("stripe_customer_id", event.stripeCustomerId())
            .putPayload("value", Long.toString(event.value()))
            .build();
    try {
      stripe.v1().billing().meterEvents().create(params);
      return new Answer.Accepted();
    } catch (RateLimitException limited) {
      return new Answer.RateLimited();
    } catch (InvalidRequestException invalid) {
      if (ALREADY_EXISTS.equals(invalid.getCode()) && "identifier".equals(invalid.getParam())) {
        return new Answer.Duplicate();
      }
      return new Answer.Invalid(invalid.getParam(), messageOf(invalid));
    } catch (AuthenticationException refused) {
      // PermissionException (403) is one too.
      return new Answer.Unauthorized(messageOf(refused));
    } catch (ApiConnectionException noAnswer) {
      return new Answer.Unavailable("no answer: " + noAnswer.getMessage());
    } catch (StripeException other) {
      Integer status = other.getStatusCode();
      if (status == null || status >= 500 || status == 409) {
        // 409 is Stripe's lock_timeout: another request held the object; it may be retried.
        return new Answer.Unavailable(status + ": " + messageOf(other));
      }
      return new Answer.Invalid(null, status + ": " + messageOf(other));
    }
  }

  private static String messageOf(StripeException e) {
    return e.getStripeError() != null && e.getStripeError().getMessage() != null
        ? e.getStripeError().getMessage()
        : e.getMessage();
  }
}
